using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests;

/// <summary>The repository's own workflows/ folder, loaded once for every test.</summary>
internal static class Repository
{
    private static readonly Lazy<WorkflowCatalog> LazyCatalog = new(() =>
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(WorkflowsFolder);
        return catalog ?? throw new InvalidOperationException("workflows/ does not load:\n" + string.Join("\n", errors));
    });

    public static string Root { get; } = FindRoot();

    public static string WorkflowsFolder => Path.Combine(Root, "workflows");

    public static WorkflowCatalog Catalog => LazyCatalog.Value;

    public static WorkflowDefinition Definition => Catalog.LatestDefinition("siyi-liangkai")!;

    public static RuleProfile DefaultProfile => Catalog.LatestProfile("siyi-liangkai", "default")!;

    public static RuleProfile LinxianProfile => Catalog.LatestProfile("siyi-liangkai", "linxian")!;

    public static WorkflowDefinition MediationDefinition => Catalog.LatestDefinition("renmin-tiaojie")!;

    public static RuleProfile MediationProfile => Catalog.LatestProfile("renmin-tiaojie", "linxian")!;

    public static string ReadWorkflow(string relative) => File.ReadAllText(Path.Combine(WorkflowsFolder, relative));

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
