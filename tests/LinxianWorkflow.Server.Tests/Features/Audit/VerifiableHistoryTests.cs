using System.Text;
using System.Text.Json;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Features.Audit;

/// <summary>
/// Issue 5 over real HTTP on real PostgreSQL: township witnesses co-signing with the command-line tool, a log
/// rewritten with the log's own (stolen) key caught against the witnessed checkpoint, consistency proofs,
/// disclosures with their log position and public proof, the whole-log export, and the exports for people.
/// </summary>
public sealed class VerifiableHistoryTests(PostgresService service) : IClassFixture<PostgresService>
{
    private readonly LogReader _log = new(service);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_consistency_proof_links_two_signed_checkpoints_and_bad_ranges_are_named()
    {
        var key = await _log.LogKeyAsync();
        var walker = new Walker(service, "nanguan", "reviewer-100");
        var id = await walker.StartAsync("一致性测试：村道路灯");
        var first = await _log.LoggedAsync(id);
        await walker.StepAsync(id);
        var second = await _log.LoggedAsync(id, first.Size);

        var reply = await service.Api.Get($"/api/public/log/consistency?from={first.Size}&to={second.Size}");
        Assert.True(reply.Code == 200, reply.ToString());
        var proof = reply.Json.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList();
        var later = Checkpoint.Parse(SignedNote.Open(reply.Json.GetProperty("checkpoint").GetString()!, key)!)!;
        Assert.Equal(second.Size, later.Size);
        Assert.True(MerkleProof.VerifyConsistency(first.Size, second.Size, first.Root, later.Root, proof));
        var flipped = proof.Select(p => (byte[])p.Clone()).ToList();
        flipped[0][0] ^= 1;
        Assert.False(MerkleProof.VerifyConsistency(first.Size, second.Size, first.Root, later.Root, flipped));

        Assert.Equal("query.number", (await service.Api.Get("/api/public/log/consistency?from=abc")).Rule);
        Assert.Equal("log.range", (await service.Api.Get($"/api/public/log/consistency?from={second.Size + 5}&to={second.Size}")).Rule);
        Assert.Equal("log.range", (await service.Api.Get($"/api/proposals/{id}/dossier?since=999999999", await service.TokenFor("auditor"))).Rule);
    }

    [Fact]
    public async Task A_published_disclosure_shows_its_log_position_and_checkpoint_within_seconds_and_its_proof_is_public()
    {
        var key = await _log.LogKeyAsync();
        var walker = new Walker(service, "lijiashan", "reviewer-109");
        var id = await walker.StartAsync("公示测试：购置消防器材");
        var chair = await service.TokenFor("lijiashan-chair");
        for (var i = 0; i < 30 && !Published((await service.Api.Get($"/api/proposals/{id}", chair)).Json); i++)
        {
            await walker.StepAsync(id);
        }

        Assert.True(Published((await service.Api.Get($"/api/proposals/{id}", chair)).Json), "the walk did not reach a published disclosure");

        var village = walker.VillagePath.Split('/')[^1];
        JsonElement notice = default;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (notice.ValueKind != JsonValueKind.Object || notice.GetProperty("logPosition").ValueKind == JsonValueKind.Null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the disclosure was not in a signed checkpoint within 10 s");
            notice = (await service.Api.Get($"/api/public/villages/{village}/disclosures")).Json.EnumerateArray().FirstOrDefault(d => d.GetProperty("proposalId").GetString() == id);
            await Task.Delay(100);
        }

        var proofReply = await service.Api.Get(notice.GetProperty("proofUrl").GetString()!);
        Assert.True(proofReply.Code == 200, proofReply.ToString());
        var proof = proofReply.Json;
        var checkpoint = Checkpoint.Parse(SignedNote.Open(proof.GetProperty("checkpoint").GetString()!, key)!)!;
        Assert.Equal(notice.GetProperty("logPosition").GetInt64(), proof.GetProperty("position").GetInt64());
        Assert.True(notice.GetProperty("checkpointSize").GetInt64() <= checkpoint.Size);
        Assert.True(MerkleProof.VerifyInclusion(Convert.FromHexString(proof.GetProperty("leafHash").GetString()!), proof.GetProperty("position").GetInt64(),
            checkpoint.Size, [.. proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!))], checkpoint.Root));

        // An event that published nothing keeps its proof behind sign-in.
        Assert.Equal("log.not-public", (await service.Api.Get($"/api/public/proposals/{id}/events/1/proof")).Rule);

        // The open data carries the row, with every column described in docs/open-data.md.
        var csv = (await service.Api.Get("/api/public/open-data/disclosures.csv")).Text;
        using (var raw = new HttpClient())
        {
            var bytes = await raw.GetByteArrayAsync(new Uri(service.Server.Url, "/api/public/open-data/disclosures.csv"));
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // the byte-order mark spreadsheet programs need for UTF-8
        }

        var header = csv.TrimStart('\uFEFF').Split("\r\n")[0].Split(',');
        var readme = (await service.Api.Get("/api/public/open-data/README.md")).Text;
        Assert.All(header, column => Assert.Contains($"| `{column}` |", readme, StringComparison.Ordinal));
        Assert.Contains(csv.Split("\r\n"), line => line.StartsWith(id + ",", StringComparison.Ordinal) && line.Contains(notice.GetProperty("eventHash").GetString()!, StringComparison.Ordinal));
    }

    private static bool Published(JsonElement view) =>
        view.GetProperty("disclosure") is { ValueKind: JsonValueKind.Object } d && d.GetProperty("publishedAt").ValueKind != JsonValueKind.Null;

    [Fact]
    public async Task The_dossier_prints_as_csv_and_html_with_text_encoded_and_the_whole_log_verifies_with_the_tool()
    {
        var walker = new Walker(service, "xiwan", "reviewer-109");
        var id = await walker.StartAsync("导出测试 <script>alert(1)</script> =SUM(A1)");
        await walker.StepAsync(id);
        await _log.LoggedAsync(id);
        var auditor = await service.TokenFor("auditor");

        var csv = await service.Api.Get($"/api/proposals/{id}/dossier.csv", auditor);
        Assert.StartsWith("text/csv", csv.ContentType, StringComparison.Ordinal);
        var rows = csv.Text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var dossier = await _log.DossierAsync(id);
        Assert.Equal(dossier.Events.Count + 1, rows.Length);
        Assert.StartsWith("proposal_id,seq,type,at_utc", rows[0], StringComparison.Ordinal);
        Assert.Contains(dossier.Events[^1].Hash, rows[^1], StringComparison.Ordinal);

        // The printable dossier is a page (PageMarkupTests reads it); its old API address leads there for good.
        using (var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.Server.Url })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/proposals/{Uri.EscapeDataString(id)}/dossier.html");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", auditor);
            var moved = await noRedirect.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.MovedPermanently, moved.StatusCode);
            Assert.Equal($"/proposals/{Uri.EscapeDataString(id)}/dossier", moved.Headers.Location?.ToString());
        }

        var server = (await service.Api.Get($"/api/proposals/{id}/verification", auditor)).Json;
        Assert.True(server.GetProperty("intact").GetBoolean(), server.ToString());
        Assert.Equal(dossier.Events.Count, server.GetProperty("events").GetInt32());

        Assert.Equal("log.auditors-only", (await service.Api.Get("/api/log/entries", await service.TokenFor("xiwan-chair"))).Rule);
        var dir = Directory.CreateTempSubdirectory("linxian-log-").FullName;
        var logPath = Path.Combine(dir, "log.json");
        await File.WriteAllTextAsync(logPath, (await service.Api.Get("/api/log/entries", auditor)).Text);
        var (code, output) = await Linxian.RunAsync("verify-log", logPath, (await _log.LogKeyAsync()).ToString());
        Assert.True(code == 0, output);
        Assert.Contains("intact", output, StringComparison.Ordinal);
    }
}

/// <summary>
/// Witnessing on a service of its own (the test ends by rewriting the whole log as an insider with the log's key).
/// </summary>
public sealed class WitnessTests(PostgresService service) : IClassFixture<PostgresService>
{
    private readonly LogReader _log = new(service);

    private const string Township = "141124/141124109";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_township_witnesses_with_the_tool_and_a_log_rewritten_with_the_stolen_log_key_is_caught()
    {
        var dir = Directory.CreateTempSubdirectory("linxian-witness-").FullName;
        var witnessFile = Path.Combine(dir, "qikou.witness");
        var (made, verifierText) = await Linxian.RunAsync("witness-key", "witness-141124109", witnessFile);
        Assert.True(made == 0, verifierText);
        var witness = NoteVerifierKey.Parse(verifierText.Trim())!;

        var admin = await service.TokenFor("admin");
        var reviewer = await service.TokenFor("reviewer-109");
        var url = service.Server.Url.ToString();
        var logKey = await _log.LogKeyAsync();

        // Before registration the reviewer is told what to do; a villager's account cannot witness at all.
        var unregistered = await service.Api.Get("/api/witness/checkpoint", reviewer);
        Assert.Equal("witness.not-registered", unregistered.Rule);
        Assert.Equal("witness.reviewer-only", (await service.Api.Get("/api/witness/checkpoint", await service.TokenFor("xiwan-chair"))).Rule);
        Assert.Equal("witness.key", (await service.Api.Post("/api/admin/witnesses", new { township = Township, key = "not a key" }, admin)).Rule);
        Assert.Equal(403, (await service.Api.Post("/api/admin/witnesses", new { township = Township, key = witness.ToString() }, reviewer)).Code);
        Assert.Equal(200, (await service.Api.Post("/api/admin/witnesses", new { township = Township, key = witness.ToString() }, admin)).Code);

        var walker = new Walker(service);
        var id = await walker.StartAsync("见证测试：修缮村委会议室");
        await walker.StepAsync(id);
        var first = await _log.LoggedAsync(id);
        var (signed, signOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, logKey.ToString());
        Assert.True(signed == 0, signOutput);
        Assert.Contains("witnessed", signOutput, StringComparison.Ordinal);

        // The log grows; the second signature is given only after the tool checked the consistency proof.
        await walker.StepAsync(id);
        await walker.StepAsync(id);
        var second = await _log.LoggedAsync(id, first.Size);
        var (again, againOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, logKey.ToString());
        Assert.True(again == 0, againOutput);
        Assert.Contains($"extending size {first.Size}", againOutput, StringComparison.Ordinal);
        var witnessed = (await service.Api.Get("/api/public/log/witnessed")).Json.EnumerateArray().Single(w => w.GetProperty("township").GetString() == Township);
        Assert.True(witnessed.GetProperty("size").GetInt64() >= second.Size);
        Assert.NotNull(SignedNote.Open(witnessed.GetProperty("note").GetString()!, witness));
        Assert.NotNull(SignedNote.Open(witnessed.GetProperty("note").GetString()!, logKey));

        // A note the witness did not sign, or one the log did not sign, is refused with the rule named.
        var unsignedByWitness = (await service.Api.Get("/api/witness/checkpoint", reviewer)).Json.GetProperty("checkpoint").GetString();
        Assert.Equal("witness.signature", (await service.Api.Post("/api/witness/cosignatures", new { note = unsignedByWitness }, reviewer)).Rule);
        Assert.Equal("witness.not-a-checkpoint", (await service.Api.Post("/api/witness/cosignatures", new { note = "linxian-workflow\n1\nAAAA\n\n— x y\n" }, reviewer)).Rule);

        var dossierPath = Path.Combine(dir, "dossier.json");
        await File.WriteAllTextAsync(dossierPath, (await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Text);
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(await _log.DossierAsync(id), logKey, [witness]));
        var (intact, intactOutput) = await Linxian.RunAsync("verify", dossierPath, logKey.ToString(), "--witness", witness.ToString());
        Assert.True(intact == 0, intactOutput);

        // The insider holds the database and the log's private key: rewrites the first event, recomputes the
        // chain, the log's leaves and the root, and signs a new checkpoint with the log's own key.
        // Then restarts the service on the rewritten database (its in-memory tree would otherwise still hold the true leaves).
        await RewriteWithStolenKeyAsync(id, "见证测试：修缮村委会议室", "见证测试：新建村委办公楼");
        await service.RestartAsync();
        url = service.Server.Url.ToString();
        var forged = await _log.DossierAsync(id);
        Assert.Contains("新建村委办公楼", forged.Events[0].RecordText, StringComparison.Ordinal);
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(forged, logKey)); // the stolen key alone convinces
        var verdict = DossierVerifier.Verify(forged, logKey, [witness]);
        Assert.False(verdict.Intact);
        Assert.Contains("rewritten", verdict.Reason, StringComparison.Ordinal);

        await File.WriteAllTextAsync(dossierPath, (await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Text);
        var (broken, brokenOutput) = await Linxian.RunAsync("verify", dossierPath, logKey.ToString(), "--witness", witness.ToString());
        Assert.True(broken == 1, brokenOutput);
        Assert.Contains("witness-141124109", brokenOutput, StringComparison.Ordinal);
        Assert.False((await service.Api.Get($"/api/proposals/{id}/verification", await service.TokenFor("auditor"))).Json.GetProperty("intact").GetBoolean());

        // And the witness will not sign the forged log.
        var (refused, refusedOutput) = await Linxian.RunAsync("witness", url, reviewer, witnessFile, logKey.ToString());
        Assert.True(refused == 1, refusedOutput);
        Assert.Contains("does not extend", refusedOutput, StringComparison.Ordinal);
    }

    private async Task RewriteWithStolenKeyAsync(string id, string from, string to)
    {
        var owner = service.Arguments.Single(a => a.StartsWith("--Storage:PostgresMigrations=", StringComparison.Ordinal)).Split('=', 2)[1];
        var keyFile = service.Arguments.Single(a => a.StartsWith("--Audit:KeyFile=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await Exec(connection, "SET session_replication_role = replica");

        var events = new List<(int Seq, string Record)>();
        await using (var read = new NpgsqlCommand("SELECT seq, record FROM events WHERE instance_id = @id ORDER BY seq", connection))
        {
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        var previous = new string('0', 64);
        foreach (var (seq, original) in events)
        {
            var record = original.Replace(from, to, StringComparison.Ordinal);
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(previous), record);
            var leaf = Convert.ToHexStringLower(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(record)));
            await Exec(connection, "UPDATE events SET record = @record, prev_hash = @previous, hash = @hash WHERE instance_id = @id AND seq = @seq",
                ("record", record), ("previous", previous), ("hash", hash), ("id", id), ("seq", seq));
            await Exec(connection, "UPDATE log_leaves SET leaf_hash = @leaf WHERE instance_id = @id AND seq = @seq", ("leaf", leaf), ("id", id), ("seq", seq));
            previous = hash;
        }

        var leaves = new List<byte[]>();
        await using (var read = new NpgsqlCommand("SELECT leaf_hash FROM log_leaves ORDER BY position", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                leaves.Add(Convert.FromHexString(reader.GetString(0)));
            }
        }

        using var stolen = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519,
            Convert.FromBase64String((await File.ReadAllTextAsync(keyFile)).Trim()), NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        var root = MerkleTree.Root(leaves, leaves.Count);
        var note = SignedNote.Sign(new Checkpoint("linxian-workflow", leaves.Count, root).Text(), "linxian-workflow", stolen);
        await Exec(connection, "DELETE FROM checkpoints");
        await Exec(connection, "INSERT INTO checkpoints (size, root, note, created_at) VALUES (@size, @root, @note, now())",
            ("size", (long)leaves.Count), ("root", Convert.ToHexStringLower(root)), ("note", note));
        await Exec(connection, "SET session_replication_role = origin");
    }

    private static async Task Exec(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
