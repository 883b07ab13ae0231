using System.Globalization;
using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace LinxianWorkflow.Engine;

/// <summary>Messages from Resources/Messages.resx (zh-CN) and Messages.en.resx, formatted in both languages.</summary>
public static class Text
{
    private static readonly ResourceManager Resources = new("LinxianWorkflow.Engine.Resources.Messages", typeof(Text).Assembly);
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>
    /// The message <paramref name="key"/> in both languages. Arguments that are <see cref="LocalizedText"/>
    /// are taken in the matching language.
    /// </summary>
    public static LocalizedText Get(string key, params object?[] args) =>
        new(Format(key, Chinese, args), Format(key, English, args));

    /// <summary>A rule violation with its message.</summary>
    public static RuleViolation Violation(string rule, string key, params object?[] args) => new(rule, Get(key, args));

    private static string Format(string key, CultureInfo culture, object?[] args)
    {
        var template = Resources.GetString(key, culture)
            ?? throw new InvalidOperationException($"Message '{key}' is missing from Resources/Messages.resx.");
        if (args.Length == 0)
        {
            return template;
        }

        var english = ReferenceEquals(culture, English);
        var localized = args.Select(a => a is LocalizedText t ? (english ? t.En : t.Zh) : a).ToArray();
        return string.Format(CultureInfo.InvariantCulture, template, localized);
    }
}
