using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Web;

/// <summary>Where a caller may start a proposal: the villages where they hold a role the definition lets start one.</summary>
public static class Starting
{
    public static IReadOnlyList<string> Villages(Caller caller, WorkflowLibrary library) =>
        [.. caller.Grants.Where(g => g.Scope.Split('/').Length == 3 && library.ForNewProposal(g.Scope).Definition.StartRoles.Contains(g.Role))
            .Select(g => g.Scope).Distinct(StringComparer.Ordinal)];
}
