namespace LinxianWorkflow.Cli.Tests;

/// <summary>The repository's own workflows/ folder, which the CLI is run on.</summary>
internal static class Repository
{
    public static string WorkflowsFolder { get; } = Path.Combine(FindRoot(), "workflows");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LinxianWorkflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LinxianWorkflow.sln not found above " + AppContext.BaseDirectory);
    }
}
