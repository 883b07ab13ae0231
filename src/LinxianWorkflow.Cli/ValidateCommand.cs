using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Cli;

/// <summary>`linxian validate`: loads every definition and profile; exit 0 when all are valid, 1 otherwise.</summary>
internal static class ValidateCommand
{
    public static int Run(string folder)
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(folder);
        if (catalog is null)
        {
            Console.Error.WriteLine($"无效 / invalid: {errors.Count} error(s) in {folder}");
            foreach (var error in errors)
            {
                Console.Error.WriteLine("  " + error);
            }

            return 1;
        }

        foreach (var definition in catalog.Definitions.Values.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"ok  {definition.SourceFile}  {definition.Key}  {definition.Name.Zh} / {definition.Name.En}  ({definition.Steps.Count} steps)");
        }

        foreach (var profile in catalog.Profiles.Values.OrderBy(WorkflowCatalog.ProfileKey, StringComparer.Ordinal))
        {
            Console.WriteLine($"ok  {profile.SourceFile}  {WorkflowCatalog.ProfileKey(profile)}  {profile.Name.Zh} / {profile.Name.En}");
        }

        var procedures = catalog.Definitions.Values.GroupBy(d => d.Id, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var procedure in procedures)
        {
            var latest = procedure.MaxBy(d => d.Version)!;
            Console.WriteLine($"procedure  {procedure.Key}  {latest.Name.Zh} / {latest.Name.En}  {(latest.Public ? "" : "(不公开 / not public)  ")}versions {string.Join(", ", procedure.Select(d => d.Version).Order())} (new instances start on {latest.Version})");
        }

        Console.WriteLine($"有效 / valid: {procedures.Count} procedure(s), {catalog.Definitions.Count} definition(s), {catalog.Profiles.Count} profile(s)");
        return 0;
    }
}
