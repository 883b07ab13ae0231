namespace LinxianWorkflow.Engine;

/// <summary>Text a person reads, in Chinese (zh-CN, shown first) and English.</summary>
public sealed record LocalizedText(string Zh, string En)
{
    /// <summary>The text in the culture asked for: English for "en*", Chinese otherwise.</summary>
    public string In(string? culture) =>
        culture is not null && culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Zh;

    /// <inheritdoc />
    public override string ToString() => $"{Zh} ({En})";
}
