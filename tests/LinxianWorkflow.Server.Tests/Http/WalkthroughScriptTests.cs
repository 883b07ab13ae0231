using System.Diagnostics;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Http;

/// <summary>docs/walkthrough.sh, exactly as a reader runs it, against a demo server: it must end archived with an intact history.</summary>
public sealed class WalkthroughScriptTests(SqliteService service) : IClassFixture<SqliteService>
{
    [Fact]
    public async Task The_documented_walkthrough_takes_a_proposal_from_intake_to_archived()
    {
        var script = Path.Combine(Path.GetDirectoryName(ServerProcess.ServerDll())!, "..", "..", "..", "..", "..", "docs", "walkthrough.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.GetFullPath(script));
        info.ArgumentList.Add(service.Server.Url.ToString().TrimEnd('/'));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("Result: status ended, archived; history intact: true", await output, StringComparison.Ordinal);
    }
}
