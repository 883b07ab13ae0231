using System.Diagnostics;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>Runs a program to its end: its exit code, and what it wrote (standard output, then standard error).</summary>
public static class Command
{
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
