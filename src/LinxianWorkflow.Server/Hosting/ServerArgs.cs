namespace LinxianWorkflow.Server.Hosting;

/// <summary>Command-line switches without a value (--demo) turned into configuration ASP.NET Core can read (--Demo=true).</summary>
public static class ServerArgs
{
    public static string[] Normalize(string[] args) => [.. args.Select(a => a == "--demo" ? "--Demo=true" : a)];
}
