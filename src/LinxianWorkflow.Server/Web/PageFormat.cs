using System.Globalization;

namespace LinxianWorkflow.Server.Web;

/// <summary>Times in China Standard Time to the minute, amounts in yuan, as the pages show them.</summary>
public static class PageFormat
{
    public static string ChinaTime(DateTimeOffset? at) => at is { } t ? Engine.Time.ChinaTime.Display(t) : "";

    public static string Money(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);
}
