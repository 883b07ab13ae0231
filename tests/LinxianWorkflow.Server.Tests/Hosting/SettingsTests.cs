using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>Settings are checked at start: a value out of range stops the server with a message naming the setting, before it serves anything.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("--Scheduling:SweepSeconds=0", "SweepSeconds")]
    [InlineData("--Scheduling:Workers=0", "Workers")]
    [InlineData("--Storage:Provider=mysql", "Storage:Provider")]
    [InlineData("--Storage:Provider=postgres", "Storage:Postgres")]
    public async Task A_setting_out_of_range_stops_the_start_naming_it(string setting, string named)
    {
        var dir = Path.Combine(Path.GetTempPath(), "linxian-test-" + Guid.NewGuid().ToString("N"));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(
            [$"--Storage:SqlitePath={dir}/linxian.db", $"--Audit:KeyFile={dir}/log-ed25519.key", $"--Privacy:SecretFile={dir}/privacy.key", setting]));
        Assert.Contains("did not start", refused.Message, StringComparison.Ordinal);
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        Assert.Contains("OptionsValidationException", refused.Message, StringComparison.Ordinal);
    }
}
