namespace LinxianWorkflow.Engine.Definitions;

/// <summary>Why a definition or profile file was rejected: the file, the step (or item) and what to fix.</summary>
public sealed record DefinitionError(string File, string? Step, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Step is null ? $"{File}: {Message}" : $"{File}: step '{Step}': {Message}";
}
