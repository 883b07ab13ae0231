using System.Globalization;

namespace LinxianWorkflow.Server.Web;

/// <summary>Times in China Standard Time to the minute, amounts in yuan, as the pages show them.</summary>
public static class PageFormat
{
    public static string ChinaTime(DateTimeOffset? at) => at is { } t ? Engine.Time.ChinaTime.Display(t) : "";

    public static string Money(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>An instant as a datetime-local field's value in China time ("2026-12-01T08:30").</summary>
    public static string LocalInput(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
