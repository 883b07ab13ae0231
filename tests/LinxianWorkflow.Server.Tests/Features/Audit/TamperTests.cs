using System.Text.Json;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Features.Audit;

/// <summary>
/// Tampering as the database superuser, with the append-only trigger switched off, then the proposal's
/// dossier checked by the audit library alone (the key taken once, before the tampering).
/// </summary>
public sealed class TamperTests(PostgresService service) : IClassFixture<PostgresService>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<(string Id, NoteVerifierKey Key)> LoggedProposalAsync(string title)
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync(title);
        await walker.StepAsync(id);
        await walker.StepAsync(id);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Code != 200)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the events did not reach the log within 30 s");
            await Task.Delay(200);
        }

        var key = NoteVerifierKey.Parse((await service.Api.Get("/api/public/log/key")).Text.Trim())!;
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(await DossierAsync(id), key));
        return (id, key);
    }

    private async Task<Dossier> DossierAsync(string id) =>
        JsonSerializer.Deserialize<Dossier>((await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Text, Json)!;

    private async Task<string> DossierTextAsync(string id, long? since = null) =>
        (await service.Api.Get($"/api/proposals/{id}/dossier" + (since is { } n ? $"?since={n}" : ""), await service.TokenFor("auditor"))).Text;

    private async Task AsSuperuserAsync(string sql, string id)
    {
        var owner = service.Arguments.Single(a => a.StartsWith("--Storage:PostgresMigrations=", StringComparison.Ordinal)).Split('=', 2)[1];
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        // As the superuser with triggers off for this session (session_replication_role = replica): what an insider with the database's keys can do.
        await using var command = new NpgsqlCommand($"SET session_replication_role = replica; {sql}; SET session_replication_role = origin;", connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task One_field_changed_in_a_middle_event_is_named()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试一");
        await AsSuperuserAsync("UPDATE events SET record = replace(record, '\"outcome\":\"accepted\"', '\"outcome\":\"declined\"') WHERE instance_id = @id AND type = 'TaskCompleted'", id);

        var verdict = DossierVerifier.Verify(await DossierAsync(id), key);
        Assert.False(verdict.Intact);
        var changed = (await DossierAsync(id)).Events.Single(e => e.RecordText.Contains("\"outcome\":\"declined\"", StringComparison.Ordinal)).Sequence;
        Assert.Equal(changed, verdict.Event);
        Assert.Contains("record was changed", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_verifier_passes_an_exported_dossier_and_fails_the_copy_whose_row_was_edited()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试五");
        var dir = Path.Combine(Path.GetTempPath(), "linxian-dossier-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var auditor = await service.TokenFor("auditor");
        await File.WriteAllTextAsync(Path.Combine(dir, "before.json"), (await service.Api.Get($"/api/proposals/{id}/dossier", auditor)).Text);
        await File.WriteAllTextAsync(Path.Combine(dir, "key.txt"), key.ToString());
        await AsSuperuserAsync("UPDATE events SET record = replace(record, '篡改测试五', '篡改测试伍') WHERE instance_id = @id AND seq = 1", id);
        await File.WriteAllTextAsync(Path.Combine(dir, "after.json"), (await service.Api.Get($"/api/proposals/{id}/dossier", auditor)).Text);

        var (intact, intactOutput) = await Linxian.RunAsync("verify", Path.Combine(dir, "before.json"), Path.Combine(dir, "key.txt"));
        Assert.True(intact == 0, intactOutput);
        Assert.Contains("intact", intactOutput, StringComparison.Ordinal);
        var (broken, brokenOutput) = await Linxian.RunAsync("verify", Path.Combine(dir, "after.json"), key.ToString());
        Assert.Equal(1, broken);
        Assert.Contains("event 1:", brokenOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_middle_event_is_found()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试二");
        await AsSuperuserAsync("DELETE FROM events WHERE instance_id = @id AND seq = 3", id);

        var verdict = DossierVerifier.Verify(await DossierAsync(id), key);
        Assert.False(verdict.Intact);
        Assert.Equal(3, verdict.Event);
    }

    [Fact]
    public async Task An_edit_with_every_hash_recomputed_still_fails_against_the_signed_log()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试三");
        var dossier = await DossierAsync(id);

        // Rewrite the first record and recompute the whole chain, as a careful insider would.
        var previous = new string('0', 64);
        var rewrites = new List<string>();
        foreach (var e in dossier.Events)
        {
            var record = e.Sequence == 1 ? e.RecordText.Replace("篡改测试三", "篡改测试叁", StringComparison.Ordinal) : e.RecordText;
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(previous), record);
            rewrites.Add($"UPDATE events SET record = '{record.Replace("'", "''", StringComparison.Ordinal)}', prev_hash = '{previous}', hash = '{hash}' WHERE instance_id = @id AND seq = {e.Sequence}");
            previous = hash;
        }

        await AsSuperuserAsync(string.Join("; ", rewrites), id);
        var tampered = await DossierAsync(id);
        Assert.Contains("篡改测试叁", tampered.Events[0].RecordText, StringComparison.Ordinal);
        var verdict = DossierVerifier.Verify(tampered, key);
        Assert.False(verdict.Intact);
        Assert.Equal(1, verdict.Event);
        Assert.Contains("signed log", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_not_signed_by_the_published_key_is_refused()
    {
        var (id, _) = await LoggedProposalAsync("篡改测试四");
        using var other = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var pub = other.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        var verdict = DossierVerifier.Verify(await DossierAsync(id), new NoteVerifierKey("linxian-workflow", NoteVerifierKey.KeyIdOf("linxian-workflow", pub), pub));
        Assert.False(verdict.Intact);
        Assert.Null(verdict.Event);
    }

    [Fact]
    public async Task Two_events_swapped_are_named()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试六");
        await AsSuperuserAsync("UPDATE events SET seq = 1000 WHERE instance_id = @id AND seq = 2; UPDATE events SET seq = 2 WHERE instance_id = @id AND seq = 3; UPDATE events SET seq = 3 WHERE instance_id = @id AND seq = 1000", id);

        var verdict = DossierVerifier.Verify(await DossierAsync(id), key);
        Assert.False(verdict.Intact);
        Assert.Equal(2, verdict.Event);
    }

    [Fact]
    public async Task A_backdated_event_is_named_and_backdating_with_the_chain_recomputed_fails_against_the_signed_log()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试七");
        var original = (await DossierAsync(id)).Events[1];
        var at = JsonDocument.Parse(original.RecordText).RootElement.GetProperty("at").GetString()!;
        var backdated = original.RecordText.Replace($"\"at\":\"{at}\"", $"\"at\":\"{DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture).AddDays(-30).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}\"", StringComparison.Ordinal);
        Assert.NotEqual(original.RecordText, backdated);
        await AsSuperuserAsync($"UPDATE events SET record = '{backdated.Replace("'", "''", StringComparison.Ordinal)}' WHERE instance_id = @id AND seq = 2", id);

        var verdict = DossierVerifier.Verify(await DossierAsync(id), key);
        Assert.Equal(2, verdict.Event);
        Assert.Contains("record was changed", verdict.Reason, StringComparison.Ordinal);

        // Now with the hash and every later hash recomputed.
        var dossier = await DossierAsync(id);
        var previous = dossier.Events[0].Hash;
        var rewrites = new List<string>();
        foreach (var e in dossier.Events.Skip(1))
        {
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(previous), e.RecordText);
            rewrites.Add($"UPDATE events SET prev_hash = '{previous}', hash = '{hash}' WHERE instance_id = @id AND seq = {e.Sequence}");
            previous = hash;
        }

        await AsSuperuserAsync(string.Join("; ", rewrites), id);
        var again = DossierVerifier.Verify(await DossierAsync(id), key);
        Assert.Equal(2, again.Event);
        Assert.Contains("signed log", again.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_newest_events_deleted_are_named_against_the_earlier_dossier_by_the_tool_and_by_the_server()
    {
        var (id, key) = await LoggedProposalAsync("篡改测试八");
        var dir = Directory.CreateTempSubdirectory("linxian-cut-").FullName;
        var earlierText = await DossierTextAsync(id);
        await File.WriteAllTextAsync(Path.Combine(dir, "earlier.json"), earlierText);
        var earlier = JsonSerializer.Deserialize<Dossier>(earlierText, Json)!;
        var size = Checkpoint.Parse(SignedNote.Open(earlier.Checkpoint, key)!)!.Size;
        var newest = earlier.Events[^1].Sequence;

        await AsSuperuserAsync($"DELETE FROM events WHERE instance_id = @id AND seq >= {newest - 1}", id);
        var laterText = await DossierTextAsync(id, size);
        await File.WriteAllTextAsync(Path.Combine(dir, "later.json"), laterText);
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(JsonSerializer.Deserialize<Dossier>(laterText, Json)!, key)); // whole-looking on its own

        var (code, output) = await Linxian.RunAsync("verify", Path.Combine(dir, "later.json"), key.ToString(), "--since", Path.Combine(dir, "earlier.json"));
        Assert.True(code == 1, output);
        Assert.Contains($"event {newest - 1}:", output, StringComparison.Ordinal);
        Assert.Contains("cut off", output, StringComparison.Ordinal);

        var server = (await service.Api.Get($"/api/proposals/{id}/verification", await service.TokenFor("auditor"))).Json;
        Assert.False(server.GetProperty("intact").GetBoolean());
        Assert.Equal(newest - 1, server.GetProperty("event").GetInt32());
        Assert.Contains("cut off", server.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
