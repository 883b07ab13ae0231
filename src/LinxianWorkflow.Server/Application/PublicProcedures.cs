namespace LinxianWorkflow.Server.Application;

/// <summary>
/// Which instances may be shown to the public, from the definitions' own <c>public</c> flag: every public surface (the
/// noticeboards, their search, the notices, proofs, open data, objections and receipts) reads only proposals whose
/// <c>definition_key</c> is one of <see cref="PublicKeys"/>. A people's mediation case never appears there (docs/api.md).
/// </summary>
public static class PublicProcedures
{
    /// <summary>The keys ("id@version") of the definitions whose instances may be shown to the public.</summary>
    public static string[] PublicKeys(this WorkflowLibrary library) =>
        [.. library.Catalog.Definitions.Values.Where(d => d.Public).Select(d => d.Key).Order(StringComparer.Ordinal)];

    /// <summary>True when an instance on <paramref name="definitionKey"/> may be shown to the public; false for a key this node does not hold.</summary>
    public static bool IsPublic(this WorkflowLibrary library, string definitionKey) =>
        library.Catalog.Definitions.GetValueOrDefault(definitionKey)?.Public ?? false;

    /// <summary>The keys ("id@version") of every version of the procedure <paramref name="procedureId"/>.</summary>
    public static string[] KeysOf(this WorkflowLibrary library, string procedureId) =>
        [.. library.Catalog.Definitions.Values.Where(d => d.Id == procedureId).Select(d => d.Key).Order(StringComparer.Ordinal)];
}
