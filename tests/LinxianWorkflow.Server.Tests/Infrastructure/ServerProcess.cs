using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LinxianWorkflow.Server.Tests.Infrastructure;

/// <summary>The real server, run as its own process (`dotnet LinxianWorkflow.Server.dll`) on a free port of 127.0.0.1.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private bool _stopped;

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static string ServerDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/X/bin/<Configuration>/net10.0/
        var configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "LinxianWorkflow.Server", "bin", configuration, "net10.0", "LinxianWorkflow.Server.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("LinxianWorkflow.Server.dll not found; build the solution first (tests/run.sh does).");
    }

    /// <summary>Starts the server with <paramref name="args"/>, and <paramref name="environment"/> added to its environment (a secret, say).</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A directory of its own: what a test does not place elsewhere (data/ with the log key and its state file,
            // the privacy secret) is never shared with another test or an earlier run.
            WorkingDirectory = Directory.CreateTempSubdirectory("linxian-server-").FullName,
        };
        info.ArgumentList.Add(ServerDll());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            if (StartedLine().Match(line) is { Success: true } m)
            {
                started.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(started.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != started.Task)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            lock (lines)
            {
                throw new InvalidOperationException("The server did not start:\n" + string.Join('\n', lines));
            }
        }

        var server = new ServerProcess(process, await started.Task);
        lock (lines)
        {
            server._output.AddRange(lines);
        }

        return server;
    }

    /// <summary>Runs one of the server's commands (create-admin, import-areas) to its end: exit code, and standard output then error.</summary>
    public static Task<(int Code, string Output)> RunCommandAsync(params string[] args) =>
        Command.RunAsync("dotnet", [ServerDll(), .. args], Path.GetTempPath());

    /// <summary>Stops the server abruptly (SIGKILL): whatever was committed must survive. Stopping twice does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"started: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex StartedLine();
}
