namespace LinxianWorkflow.Server.Resources;

/// <summary>
/// The pages' text: <c>PageText.resx</c> (zh-CN, the default) and <c>PageText.en.resx</c>, edited directly and read
/// through <c>IStringLocalizer&lt;PageText&gt;</c>; a test holds both to the same keys and placeholders.
/// </summary>
public sealed class PageText;
