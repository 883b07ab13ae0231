using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// Which instances may be shown to the public, from the definitions' own <c>public</c> flag: every public surface (the
/// noticeboards, their search, the notices, proofs, open data, objections and receipts) reads only proposals whose
/// <c>definition_key</c> is one of <see cref="PublicKeys"/>. A people's mediation case never appears there (docs/api.md).
/// </summary>
public static class PublicProcedures
{
    /// <summary>The keys ("id@version") of the definitions whose instances may be shown to the public.</summary>
    public static string[] PublicKeys(this WorkflowLibrary library) => library.PublicDefinitionKeys;

    /// <summary>True when an instance on <paramref name="definitionKey"/> may be shown to the public; false for a key this node does not hold.</summary>
    public static bool IsPublic(this WorkflowLibrary library, string definitionKey) =>
        library.Catalog.Definitions.GetValueOrDefault(definitionKey)?.Public ?? false;

    /// <summary>The keys ("id@version") of every version of the procedure <paramref name="procedureId"/>.</summary>
    public static string[] KeysOf(this WorkflowLibrary library, string procedureId) =>
        [.. library.Catalog.Definitions.Values.Where(d => d.Id == procedureId).Select(d => d.Key).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The areas in which <paramref name="caller"/> may read instances of <paramref name="definition"/>: every area it may read
    /// for a public definition; for one that is not public, only the scopes of its grants of a role that definition declares
    /// (a mediator, the township's judicial office) or of a role that reads everything (county auditor, administrator). A
    /// villager representative of the same village reads no mediation case.
    /// </summary>
    public static IReadOnlyCollection<string> ReadScopesFor(this Caller caller, WorkflowDefinition definition) =>
        definition.Public
            ? caller.ReadScopes
            : [.. caller.Grants.Where(g => ReadsPrivately(g, definition)).Select(g => g.Scope).Distinct()];

    /// <summary>True when <paramref name="caller"/> may read an instance of <paramref name="definition"/> in <paramref name="villagePath"/>.</summary>
    public static bool CanRead(this Caller caller, WorkflowDefinition definition, string villagePath) =>
        definition.Public
            ? caller.CanRead(villagePath)
            : caller.Grants.Any(g => ReadsPrivately(g, definition) && g.Covers(villagePath));

    /// <summary>Each non-public definition's key with the areas <paramref name="caller"/> may read its instances in (a list keeps the rest out).</summary>
    public static IReadOnlyList<(string Key, IReadOnlyCollection<string> Scopes)> PrivateScopes(this WorkflowLibrary library, Caller caller) =>
        [.. library.Catalog.Definitions.Values.Where(d => !d.Public).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => (d.Key, caller.ReadScopesFor(d)))];

    // A grant that reads a non-public procedure's cases where it covers them: one of its own roles, or one that reads everything.
    private static bool ReadsPrivately(RoleGrant grant, WorkflowDefinition definition) =>
        Roles.NeverAct.Contains(grant.Role) || definition.Roles.Any(r => r.Id == grant.Role);
}
