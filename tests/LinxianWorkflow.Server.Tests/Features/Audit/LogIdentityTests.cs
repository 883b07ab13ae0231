using System.Text.Json;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Features.Audit;

// One log identity per deployment (issue 16), over real HTTP on real PostgreSQL, with server nodes started beside the
// fixture's on its database: nodes sharing the key all sign one verifiable log; a node with another key, a database
// rolled back behind what was signed, do not sign and say why; a key handed over is followed through its hand-over.

/// <summary>The fixture's node answers requests but runs no batcher, so the test decides which nodes sign.</summary>
public sealed class LogIdentityTests(LogIdentityTests.ApiOnlyNode service) : IClassFixture<LogIdentityTests.ApiOnlyNode>
{
    public sealed class ApiOnlyNode : PostgresService
    {
        protected override IEnumerable<string> ExtraArguments => ["--Audit:Batcher=false"];
    }

    private readonly LogReader _log = new(service);

    [Fact]
    public async Task Two_nodes_sharing_the_key_from_a_file_and_from_the_environment_both_sign_and_verification_holds_on_both()
    {
        var keyFile = LogNodes.Argument(service, "Audit:KeyFile");
        LogNodes.AssertOwnerOnly(keyFile); // made by the first start
        var deployment = await _log.LogKeyAsync();

        // The first signing node reads the key file; it alone runs a batcher, so the checkpoint is its.
        var walker = new Walker(service, "nanguan", "reviewer-100");
        var id = await walker.StartAsync("两节点测试：村道路灯");
        await using var first = await LogNodes.StartAsync(service);
        var one = await _log.LoggedAsync(id);

        // Another machine: the key from the environment, a key file path (and state file) of its own, where it writes no key.
        await first.DisposeAsync();
        var elsewhere = Path.Combine(Directory.CreateTempSubdirectory("linxian-node-").FullName, "log.key");
        await using var second = await LogNodes.StartAsync(service, elsewhere, await File.ReadAllTextAsync(keyFile));
        Assert.False(File.Exists(elsewhere));
        await walker.StepAsync(id);
        var two = await _log.LoggedAsync(id, one.Size);

        // Both at once: either signs, one log.
        await using var again = await LogNodes.StartAsync(service);
        await walker.StepAsync(id);
        await _log.LoggedAsync(id, two.Size);

        var auditor = await service.TokenFor("auditor");
        foreach (var node in new[] { again.Url, second.Url, service.Server.Url })
        {
            using var api = new ApiClient(node);
            var verification = await api.Get($"/api/proposals/{id}/verification", auditor);
            Assert.True(verification.Json.GetProperty("intact").GetBoolean(), $"{node}: {verification}");
            var dossier = JsonSerializer.Deserialize<Dossier>((await api.Get($"/api/proposals/{id}/dossier", auditor)).Text, ApiClient.JsonOptions)!;
            Assert.Equal(Verdict.Ok, DossierVerifier.Verify(dossier, deployment));
            Assert.Equal(deployment.ToString(), (await api.Get("/api/public/log/key")).Text.Trim());
        }

        foreach (var node in new[] { again, second })
        {
            using var api = new ApiClient(node.Url);
            var ready = await api.Get("/health/ready");
            Assert.True(ready.Code == 200, ready.ToString());
        }

        await LogNodes.AssertEveryCheckpointSignedByAsync(service, deployment);
    }

    [Fact]
    public async Task A_node_with_another_key_or_none_does_not_sign_and_says_why_at_start_and_on_ready()
    {
        var deployment = await _log.LogKeyAsync();
        using var stranger = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519,
            new NSec.Cryptography.KeyCreationParameters { ExportPolicy = NSec.Cryptography.KeyExportPolicies.AllowPlaintextExport });
        var strangerText = Convert.ToBase64String(stranger.Export(NSec.Cryptography.KeyBlobFormat.RawPrivateKey));
        var dir = Directory.CreateTempSubdirectory("linxian-node-").FullName;
        await using var wrong = await LogNodes.StartAsync(service, Path.Combine(dir, "wrong.key"), strangerText);
        await using var keyless = await LogNodes.StartAsync(service, Path.Combine(dir, "none.key"));

        using (var api = new ApiClient(wrong.Url))
        {
            var ready = await api.Get("/health/ready");
            Assert.Equal((503, "log.key-mismatch"), (ready.Code, ready.Rule));
            Assert.Contains(deployment.ToString(), ready.Json.GetProperty("en").GetString()!, StringComparison.Ordinal);
            Assert.Contains("LINXIAN_LOG_KEY", ready.Json.GetProperty("zh-CN").GetString()!, StringComparison.Ordinal);
            Assert.Equal(200, (await api.Get("/health/live")).Code);
            Assert.Equal(deployment.ToString(), (await api.Get("/api/public/log/key")).Text.Trim()); // still answers, with the deployment's key
        }

        Assert.Contains("log.key-mismatch", wrong.Output, StringComparison.Ordinal);
        using (var api = new ApiClient(keyless.Url))
        {
            Assert.Equal((503, "log.key-missing"), ((await api.Get("/health/ready")).Code, (await api.Get("/health/ready")).Rule));
        }

        Assert.Contains("log.key-missing", keyless.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "none.key"))); // a database with an identity never gets a new key

        // Events taken while the wrong nodes run are signed by the deployment's node alone, with the deployment's key.
        var walker = new Walker(service, "xiwan", "reviewer-109");
        var id = await walker.StartAsync("错误密钥测试：修缮水窖");
        await walker.StepAsync(id);
        await using var signer = await LogNodes.StartAsync(service);
        await _log.LoggedAsync(id);
        await LogNodes.AssertEveryCheckpointSignedByAsync(service, deployment);
        Assert.True((await service.Api.Get($"/api/proposals/{id}/verification", await service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());
    }
}

/// <summary>A database restored behind what was signed: the node does not sign, says why, and a hand-over after the restore is the way on.</summary>
public sealed class LogIdentityRollbackTests(PostgresService service) : IClassFixture<PostgresService>
{
    private readonly LogReader _log = new(service);

    [Fact]
    public async Task A_rolled_back_database_is_not_signed_until_the_key_is_handed_over_after_the_restore()
    {
        var old = await _log.LogKeyAsync();
        var walker = new Walker(service, "lijiashan", "reviewer-109");
        var id = await walker.StartAsync("回滚测试：购置消防器材");
        var before = await _log.LoggedAsync(id);
        await walker.StepAsync(id);
        await walker.StepAsync(id);
        var after = await _log.LoggedAsync(id, before.Size);
        var state = LogNodes.Argument(service, "Audit:KeyFile") + ".state";
        await LogNodes.UntilAsync(() => File.Exists(state) && long.Parse(File.ReadAllText(state).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= after.Size,
            "the state file beside the key remembers the newest checkpoint");
        LogNodes.AssertOwnerOnly(state);

        // Another node saw the same log: its own state file, beside a key path of its own (the key from the environment).
        var keyFile = LogNodes.Argument(service, "Audit:KeyFile");
        var elsewhere = Path.Combine(Directory.CreateTempSubdirectory("linxian-node-").FullName, "log.key");
        await using (var other = await LogNodes.StartAsync(service, elsewhere, await File.ReadAllTextAsync(keyFile)))
        {
            Assert.True(File.Exists(elsewhere + ".state"));
        }

        // The database goes back to the log of `before`: the newest checkpoints and leaves gone, their commands waiting again.
        await LogNodes.OwnerSqlAsync(service,
            $"DELETE FROM checkpoints WHERE size > {before.Size}",
            $"DELETE FROM log_leaves WHERE position >= {before.Size}",
            "UPDATE outbox SET processed_at = NULL WHERE kind = 'events-appended' AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.instance_id = outbox.instance_id AND l.seq = (outbox.payload::json->>'to')::int)");
        await service.RestartAsync();

        var ready = await service.Api.Get("/health/ready");
        Assert.Equal((503, "log.rolled-back"), (ready.Code, ready.Rule));
        Assert.Contains(state, ready.Json.GetProperty("en").GetString()!, StringComparison.Ordinal);
        Assert.Contains("rotate-log-key --after-restore", ready.Json.GetProperty("zh-CN").GetString()!, StringComparison.Ordinal);
        Assert.Contains("log.rolled-back", service.Server.Output, StringComparison.Ordinal);
        Assert.Equal(before.Size, (await _log.CheckpointAsync(old)).Size);

        // A plain rotation refuses; after the restore, it hands over at the restored log and names what was given up.
        var (refused, refusedOutput) = await ServerProcess.RunCommandAsync(["rotate-log-key", .. LogNodes.StoreAndKey(service)]);
        Assert.True(refused == 1, refusedOutput);
        Assert.Contains("rotate-log-key --after-restore", refusedOutput, StringComparison.Ordinal);
        var (rotated, rotatedOutput) = await ServerProcess.RunCommandAsync(["rotate-log-key", "--after-restore", .. LogNodes.StoreAndKey(service)]);
        Assert.True(rotated == 0, rotatedOutput);

        await service.RestartAsync();
        Assert.Equal(200, (await service.Api.Get("/health/ready")).Code);

        // The other node, given the new key, signs too: what its state remembers the hand-over gave up on the record.
        await using var later = await LogNodes.StartAsync(service, elsewhere, await File.ReadAllTextAsync(keyFile));
        using (var api = new ApiClient(later.Url))
        {
            var laterReady = await api.Get("/health/ready");
            Assert.True(laterReady.Code == 200, laterReady.ToString());
        }

        var handOver = await LogNodes.HandOverAsync(service, old);
        Assert.Equal(before.Size, handOver.Size);
        Assert.Equal(after.Size, handOver.Abandoned!.Size);
        var current = await _log.LogKeyAsync();
        Assert.Equal(handOver.New.ToString(), current.ToString());
        await walker.StepAsync(id);
        await _log.LoggedAsync(id, before.Size); // signed again, with the new key
        Assert.True((await service.Api.Get($"/api/proposals/{id}/verification", await service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());
    }
}

/// <summary>A key handed over while the service runs: the node with the old key stops signing, restarted with the new key it signs on.</summary>
public sealed class LogIdentityRotationTests(PostgresService service) : IClassFixture<PostgresService>
{
    private readonly LogReader _log = new(service);

    [Fact]
    public async Task A_rotation_is_a_hand_over_the_old_key_signed_and_auditors_follow_it()
    {
        var old = await _log.LogKeyAsync();
        var walker = new Walker(service, "nanguan", "reviewer-100");
        var id = await walker.StartAsync("换钥测试：村委会屋顶");
        var first = await _log.LoggedAsync(id);

        var (rotated, output) = await ServerProcess.RunCommandAsync(["rotate-log-key", .. LogNodes.StoreAndKey(service)]);
        Assert.True(rotated == 0, output);
        Assert.Contains(".retired", output, StringComparison.Ordinal);

        // The running node holds the old key: at its next batch it finds the log handed over and stops.
        await walker.StepAsync(id);
        await LogNodes.UntilAsync(async () => (await service.Api.Get("/health/ready")).Rule == "log.key-mismatch", "the node with the old key stops signing");

        await service.RestartAsync(); // the key file now holds the new key
        Assert.Equal(200, (await service.Api.Get("/health/ready")).Code);
        var handOver = await LogNodes.HandOverAsync(service, old);
        Assert.Equal(first.Size, handOver.Size);
        Assert.Null(handOver.Abandoned);
        var current = await _log.LogKeyAsync();
        Assert.Equal(handOver.New.ToString(), current.ToString());
        var second = await _log.LoggedAsync(id, first.Size);
        Assert.True(second.Size > handOver.Size);

        var keys = (await service.Api.Get("/api/public/log/keys")).Json.EnumerateArray().ToList();
        Assert.Equal([(0L, (long?)first.Size), (first.Size, null)],
            keys.Select(k => (k.GetProperty("signsAfter").GetInt64(), k.GetProperty("signsUpTo").ValueKind == JsonValueKind.Null ? null : (long?)k.GetProperty("signsUpTo").GetInt64())));

        // An auditor holding the old key follows the hand-over and verifies the dossier signed by the new one; the server agrees.
        var accepted = KeyHandOver.Follow(old, keys.Select(k => k.GetProperty("handOver").GetString()).OfType<string>());
        Assert.Equal([old.ToString(), current.ToString()], accepted.Select(k => k.ToString()));
        var dossier = await _log.DossierAsync(id);
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(dossier, accepted, []));
        Assert.False(DossierVerifier.Verify(dossier, old).Intact);
        Assert.True((await service.Api.Get($"/api/proposals/{id}/verification", await service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());

        // Offline, as an auditor with the old key alone: the dossier and the log export carry the hand-over, `linxian verify` follows it.
        Assert.Equal([handOver.Text()], dossier.HandOvers!.Select(n => SignedNote.UnverifiedText(n)));
        var auditor = await service.TokenFor("auditor");
        var dir = Directory.CreateTempSubdirectory("linxian-handover-").FullName;
        var dossierJson = (await service.Api.Get($"/api/proposals/{id}/dossier", auditor)).Text;
        await File.WriteAllTextAsync(Path.Combine(dir, "dossier.json"), dossierJson);
        var (intact, intactOutput) = await Linxian.RunAsync("verify", Path.Combine(dir, "dossier.json"), old.ToString());
        Assert.True(intact == 0, intactOutput);
        Assert.Contains($"reached from the trusted key {old.Name}+{old.KeyId:x8} through 1 key hand-over(s)", intactOutput, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(dir, "log.json"), (await service.Api.Get("/api/log/entries", auditor)).Text);
        var (logIntact, logOutput) = await Linxian.RunAsync("verify-log", Path.Combine(dir, "log.json"), old.ToString());
        Assert.True(logIntact == 0, logOutput);

        // Without the hand-over in the dossier the new key is not followed, and the verdict names the checkpoint and the key;
        // given as a file (GET /api/public/log/keys saved), it is followed again.
        var bare = System.Text.Json.Nodes.JsonNode.Parse(dossierJson)!.AsObject();
        bare.Remove("handOvers");
        await File.WriteAllTextAsync(Path.Combine(dir, "bare.json"), bare.ToJsonString());
        var (broken, brokenOutput) = await Linxian.RunAsync("verify", Path.Combine(dir, "bare.json"), old.ToString());
        Assert.True(broken == 1, brokenOutput);
        var size = Checkpoint.Parse(SignedNote.UnverifiedText(dossier.Checkpoint)!)!.Size;
        Assert.Contains($"(size {size}) is signed by {current.Name}+{current.KeyId:x8}, which is neither the trusted key", brokenOutput, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(dir, "keys.json"), (await service.Api.Get("/api/public/log/keys")).Text);
        var (followed, followedOutput) = await Linxian.RunAsync("verify", Path.Combine(dir, "bare.json"), old.ToString(), "--hand-over", Path.Combine(dir, "keys.json"));
        Assert.True(followed == 0, followedOutput);
    }
}

/// <summary>
/// A township's witness after a restore and `rotate-log-key --after-restore`: the log restarts below the checkpoint it
/// co-signed. It keeps refusing while nothing but the log says so; on the hand-over signed by the key it trusts that
/// gives its checkpoint up, it accepts the restart (on the record: the server and beside its key) and co-signs the
/// restarted log under the new key.
/// </summary>
public sealed class WitnessRestartTests(PostgresService service) : IClassFixture<PostgresService>
{
    private const string Township = "141124/141124109";
    private readonly LogReader _log = new(service);

    [Fact]
    public async Task A_witness_accepts_a_restart_only_on_a_hand_over_signed_by_the_key_it_trusts_and_then_co_signs_under_the_new_key()
    {
        var old = await _log.LogKeyAsync();
        var dir = Directory.CreateTempSubdirectory("linxian-witness-").FullName;
        var witnessFile = Path.Combine(dir, "lijiashan.witness");
        var (made, verifierText) = await Linxian.RunAsync("witness-key", "witness-141124109", witnessFile);
        Assert.True(made == 0, verifierText);
        var witness = NoteVerifierKey.Parse(verifierText.Trim())!;
        Assert.Equal(200, (await service.Api.Post("/api/admin/witnesses", new { township = Township, key = witness.ToString() }, await service.TokenFor("admin"))).Code);
        var reviewer = await service.TokenFor("reviewer-109");
        var url = service.Server.Url.ToString();

        // The township co-signs the log after three events.
        var walker = new Walker(service, "lijiashan", "reviewer-109");
        var id = await walker.StartAsync("见证重启测试：更换村内变压器");
        var before = await _log.LoggedAsync(id);
        await walker.StepAsync(id);
        await walker.StepAsync(id);
        var after = await _log.LoggedAsync(id, before.Size);
        var (signed, signedOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, old.ToString());
        Assert.True(signed == 0, signedOutput);
        var witnessedSize = Witnessed().Size;
        Assert.True(witnessedSize >= after.Size);
        var state = LogNodes.Argument(service, "Audit:KeyFile") + ".state";
        await LogNodes.UntilAsync(() => File.Exists(state) && long.Parse(File.ReadAllText(state).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >= witnessedSize,
            "the state file remembers the witnessed checkpoint");

        // The log restored to `before` (its newest checkpoints and leaves gone; the events they held stay out of it, as
        // if lost with them), and the key handed over after the restore.
        await LogNodes.OwnerSqlAsync(service,
            $"DELETE FROM checkpoints WHERE size > {before.Size}",
            $"DELETE FROM log_leaves WHERE position >= {before.Size}");
        await service.RestartAsync();
        var (rotated, rotatedOutput) = await ServerProcess.RunCommandAsync(["rotate-log-key", "--after-restore", .. LogNodes.StoreAndKey(service)]);
        Assert.True(rotated == 0, rotatedOutput);
        await service.RestartAsync();
        url = service.Server.Url.ToString();
        reviewer = await service.TokenFor("reviewer-109");
        var current = await _log.LogKeyAsync();
        var handOver = await LogNodes.HandOverAsync(service, old);
        Assert.Equal((before.Size, witnessedSize), (handOver.Size, handOver.Abandoned!.Size));

        // The restarted log, smaller than what the township witnessed, under the new key (a proposal started since).
        var since = await walker.StartAsync("见证重启测试：恢复后新增议题");
        var restarted = await _log.LoggedAsync(since, before.Size);
        Assert.True(restarted.Size > before.Size && restarted.Size < witnessedSize, $"{before.Size} < {restarted.Size} < {witnessedSize}");

        // Without a trusted hand-over (the witness given another log key), it refuses; so does the server a smaller co-signature.
        using var stranger = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var strangerPub = stranger.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        var strangerKey = new NoteVerifierKey(old.Name, NoteVerifierKey.KeyIdOf(old.Name, strangerPub), strangerPub);
        var (refused, refusedOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, strangerKey.ToString());
        Assert.True(refused == 1, refusedOutput);
        Assert.Contains("refused", refusedOutput, StringComparison.Ordinal);
        var request = (await service.Api.Get("/api/witness/checkpoint", reviewer)).Json;
        var note = request.GetProperty("checkpoint").GetString()!;
        var key = File.ReadAllLines(witnessFile);
        using (var witnessKey = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, Convert.FromBase64String(key[1].Trim()), NSec.Cryptography.KeyBlobFormat.RawPrivateKey))
        {
            var early = await service.Api.Post("/api/witness/cosignatures", new { note = SignedNote.CoSign(note, key[0].Trim(), witnessKey) }, reviewer);
            Assert.Equal((409, "witness.older"), (early.Code, early.Rule));
        }

        Assert.Equal(witnessedSize, Witnessed().Size);
        Assert.Equal(handOver.Text(), SignedNote.UnverifiedText(request.GetProperty("handOver").GetString()!));

        // With the key it trusts, the witness follows the hand-over, accepts the restart and co-signs under the new key.
        var (accepted, acceptedOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, old.ToString());
        Assert.True(accepted == 0, acceptedOutput);
        Assert.Contains($"restart accepted: {Township} gives up the checkpoint of size {witnessedSize}", acceptedOutput, StringComparison.Ordinal);
        Assert.Contains($"extending the restart at size {before.Size}", acceptedOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(witnessFile + ".restarts.json"));
        var now = Witnessed();
        Assert.Equal(restarted.Size, now.Size);
        Assert.NotNull(SignedNote.Open(now.Note, current));
        Assert.NotNull(SignedNote.Open(now.Note, witness));
        await using (var connection = new NpgsqlConnection(LogNodes.Argument(service, "Storage:PostgresMigrations")))
        {
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand($"SELECT hand_over FROM witness_restarts WHERE township = '{Township}'", connection);
            var recorded = (string)(await read.ExecuteScalarAsync())!;
            Assert.NotNull(KeyHandOver.Open(recorded, old));
            Assert.NotNull(SignedNote.Open(recorded, witness)); // the township's decision, signed
        }

        // And on: the restarted log grows, the witness co-signs it as usual.
        await walker.StepAsync(since);
        var grown = await _log.LoggedAsync(since, restarted.Size);
        var (again, againOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, old.ToString());
        Assert.True(again == 0, againOutput);
        Assert.DoesNotContain("restart accepted", againOutput, StringComparison.Ordinal);
        Assert.True(Witnessed().Size >= grown.Size);
    }

    private (long Size, string Note) Witnessed()
    {
        var row = service.Api.Get("/api/public/log/witnessed").GetAwaiter().GetResult().Json.EnumerateArray().Single(w => w.GetProperty("township").GetString() == Township);
        return (row.GetProperty("size").GetInt64(), row.GetProperty("note").GetString()!);
    }
}

/// <summary>Nodes beside a fixture's, on its database, and what the tests read around them.</summary>
internal static class LogNodes
{
    public static string Argument(ServiceFixture service, string name) =>
        service.Arguments.Last(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)).Split('=', 2)[1];

    /// <summary>A signing node on the fixture's database: its key file (or another path), the key from the environment when given.</summary>
    public static Task<ServerProcess> StartAsync(ServiceFixture service, string? keyFile = null, string? environmentKey = null) =>
        ServerProcess.StartAsync(
            [.. service.Arguments, "--Audit:Batcher=true", .. keyFile is null ? Array.Empty<string>() : [$"--Audit:KeyFile={keyFile}"]],
            environmentKey is null ? null : new Dictionary<string, string> { ["LINXIAN_LOG_KEY"] = environmentKey.Trim() });

    /// <summary>The arguments a command run by the operator takes: the store's and the key file's.</summary>
    public static string[] StoreAndKey(ServiceFixture service) =>
        [.. service.Arguments.Where(a => a.StartsWith("--Storage:", StringComparison.Ordinal) || a.StartsWith("--Audit:KeyFile=", StringComparison.Ordinal))];

    public static async Task<KeyHandOver> HandOverAsync(ServiceFixture service, NoteVerifierKey old)
    {
        var keys = (await service.Api.Get("/api/public/log/keys")).Json.EnumerateArray().ToList();
        var note = keys[^1].GetProperty("handOver").GetString()!;
        Assert.NotNull(SignedNote.Open(note, old));
        return KeyHandOver.Open(note, old) ?? throw new Xunit.Sdk.XunitException("the hand-over does not verify with the old key: " + note);
    }

    public static async Task AssertEveryCheckpointSignedByAsync(ServiceFixture service, NoteVerifierKey key)
    {
        await using var connection = new NpgsqlConnection(Argument(service, "Storage:PostgresMigrations"));
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT size, note FROM checkpoints ORDER BY size", connection);
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.True(SignedNote.Open(reader.GetString(1), key) is not null, $"checkpoint {reader.GetInt64(0)} is not signed by {key}");
        }
    }

    /// <summary>Runs statements as the table owner with the append-only triggers off, as an operator restoring a dump could.</summary>
    public static async Task OwnerSqlAsync(ServiceFixture service, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(Argument(service, "Storage:PostgresMigrations"));
        await connection.OpenAsync();
        foreach (var sql in (string[])["SET session_replication_role = replica", .. statements, "SET session_replication_role = origin"])
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    public static void AssertOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    public static Task UntilAsync(Func<bool> condition, string state) => UntilAsync(() => Task.FromResult(condition()), state);

    /// <summary>Polls for a named state, failing with its name after 30 seconds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string state)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"not reached within 30 s: {state}");
            await Task.Delay(100);
        }
    }
}
