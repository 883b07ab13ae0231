using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>Reads the service's Merkle log as an auditor would: its published key, its signed checkpoint, a proposal's dossier.</summary>
public sealed class LogReader(ServiceFixture service)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<NoteVerifierKey> LogKeyAsync() => NoteVerifierKey.Parse((await service.Api.Get("/api/public/log/key")).Text.Trim())!;

    public async Task<Checkpoint> CheckpointAsync(NoteVerifierKey key) =>
        Checkpoint.Parse(SignedNote.Open((await service.Api.Get("/api/public/log/checkpoint")).Text, key)!)!;

    /// <summary>
    /// Waits until the signed log has grown past <paramref name="size"/> and holds every event of the proposal, under the
    /// current key (just after a hand-over the newest checkpoint is still the old key's: waited for, not a failure).
    /// </summary>
    public async Task<Checkpoint> LoggedAsync(string id, long size = -1)
    {
        var key = await LogKeyAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if ((await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Code == 200
                && SignedNote.Open((await service.Api.Get("/api/public/log/checkpoint")).Text, key) is { } text
                && Checkpoint.Parse(text) is { } c && c.Size > size)
            {
                return c;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the events did not reach the log within 30 s");
            await Task.Delay(200);
        }
    }

    public async Task<Dossier> DossierAsync(string id) =>
        JsonSerializer.Deserialize<Dossier>((await service.Api.Get($"/api/proposals/{id}/dossier", await service.TokenFor("auditor"))).Text, Json)!;

}
