namespace LinxianWorkflow.Server.Hosting;

/// <summary>Command-line switches without a value (--demo) turned into configuration ASP.NET Core can read (--Demo=true).</summary>
public static class ServerArgs
{
    public static string[] Normalize(string[] args) => [.. args.Select(a => a == "--demo" ? "--Demo=true" : a)];

    /// <summary>
    /// The builder's options: settings (appsettings.json) are read from beside the program, so `dotnet run
    /// --project` from anywhere finds them; relative paths in them (data/) stay relative to the working directory.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new() { Args = Normalize(args), ContentRootPath = AppContext.BaseDirectory };
}
