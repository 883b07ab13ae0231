using System.Globalization;

namespace LinxianWorkflow.Server.Web;

/// <summary>Times in China Standard Time to the minute, amounts in yuan, as the pages show them.</summary>
public static class PageFormat
{
    public static string ChinaTime(DateTimeOffset? at) => at is { } t ? Engine.Time.ChinaTime.Display(t) : "";

    /// <summary>The China calendar date (2026年3月2日 in Chinese, 2026-03-02 otherwise), as a notice is dated.</summary>
    public static string ChinaDate(DateTimeOffset at)
    {
        var date = Engine.Time.ChinaTime.DateOf(at);
        return CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{date.Year}年{date.Month}月{date.Day}日")
            : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static string Money(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);
}
