namespace LinxianWorkflow.Engine.Instances;

/// <summary>Sizes of what people type, so one oversized field cannot swamp the record.</summary>
public static class Limits
{
    /// <summary>A proposal's title.</summary>
    public const int Title = 200;

    /// <summary>A proposal's summary or plan.</summary>
    public const int Summary = 10_000;

    /// <summary>A note, reason or opinion.</summary>
    public const int Note = 2_000;

    /// <summary>Minutes of a meeting, or a notice's text.</summary>
    public const int Document = 50_000;

    /// <summary>A villager's objection.</summary>
    public const int Objection = 2_000;

    /// <summary>A name, receipt number or channel.</summary>
    public const int Name = 100;

    /// <summary>Channels a disclosure may be posted on.</summary>
    public const int Channels = 10;

    /// <summary>The largest attached document, in bytes (10 MiB: a scanned set of minutes fits).</summary>
    public const long AttachmentBytes = 10 * 1024 * 1024;

    /// <summary>The kinds of documents that may be attached: PDF, JPEG, PNG.</summary>
    public static readonly IReadOnlyList<string> AttachmentTypes = ["application/pdf", "image/jpeg", "image/png"];

    /// <summary>The largest amount in yuan (one trillion).</summary>
    public const decimal MaxYuan = 1_000_000_000_000m;
}
