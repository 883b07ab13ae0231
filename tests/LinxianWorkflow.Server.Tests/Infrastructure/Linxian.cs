namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>Runs the built command-line tool (`linxian`), as an auditor or a township witness would.</summary>
public static class Linxian
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var server = ServerProcess.ServerDll(); // src/LinxianWorkflow.Server/bin/<configuration>/net10.0/...
        var cli = server.Replace(Path.Combine("LinxianWorkflow.Server", "bin"), Path.Combine("LinxianWorkflow.Cli", "bin"), StringComparison.Ordinal)
            .Replace("LinxianWorkflow.Server.dll", "linxian.dll", StringComparison.Ordinal);
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
