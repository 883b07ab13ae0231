using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Web;

/// <summary>A procedure a caller may start, and the villages where they may start it.</summary>
public sealed record StartChoice(WorkflowDefinition Definition, IReadOnlyList<string> Villages);

/// <summary>Where a caller may start a proposal: the villages where they hold a role the procedure lets start one.</summary>
public static class Starting
{
    /// <summary>The villages where the caller may start <paramref name="definitionId"/> (the configured procedure when null).</summary>
    public static IReadOnlyList<string> Villages(Caller caller, WorkflowLibrary library, string? definitionId = null) =>
        [.. caller.Grants.Where(g => g.Scope.Split('/').Length == 3 && library.ForNewProposal(g.Scope, definitionId).Definition.StartRoles.Contains(g.Role))
            .Select(g => g.Scope).Distinct(StringComparer.Ordinal)];

    /// <summary>Every procedure the caller may start somewhere, the configured one first.</summary>
    public static IReadOnlyList<StartChoice> Procedures(Caller caller, WorkflowLibrary library) =>
        [.. library.Catalog.Procedures
            .OrderBy(d => d.Id == library.DefaultDefinition ? 0 : 1)
            .Select(d => new StartChoice(d, Villages(caller, library, d.Id)))
            .Where(c => c.Villages.Count > 0)];
}
