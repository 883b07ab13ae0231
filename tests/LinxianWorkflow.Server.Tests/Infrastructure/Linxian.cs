namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>Runs the built command-line tool (`linxian`), as an auditor or a township witness would.</summary>
public static class Linxian
{
    public static Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var server = ServerProcess.ServerDll(); // src/LinxianWorkflow.Server/bin/<configuration>/net10.0/...
        var cli = server.Replace(Path.Combine("LinxianWorkflow.Server", "bin"), Path.Combine("LinxianWorkflow.Cli", "bin"), StringComparison.Ordinal)
            .Replace("LinxianWorkflow.Server.dll", "linxian.dll", StringComparison.Ordinal);
        return Command.RunAsync("dotnet", [cli, .. args]);
    }
}
