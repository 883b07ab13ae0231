using System.Globalization;
using System.Reflection;
using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace LinxianWorkflow.Engine;

/// <summary>Messages from Resources/Messages.resx (zh-CN) and Messages.en.resx, formatted in both languages.</summary>
public static class Text
{
    private static readonly MessageCatalog Messages = new("LinxianWorkflow.Engine.Resources.Messages", typeof(Text).Assembly);

    /// <summary>
    /// The message <paramref name="key"/> in both languages. Arguments that are <see cref="LocalizedText"/>
    /// are taken in the matching language.
    /// </summary>
    public static LocalizedText Get(string key, params object?[] args) => Messages.Get(key, args);

    /// <summary>A rule violation with its message.</summary>
    public static RuleViolation Violation(string rule, string key, params object?[] args) => new(rule, Get(key, args));
}

/// <summary>A resource file of messages (zh-CN neutral, English satellite), formatted in both languages at once.</summary>
/// <param name="baseName">The resources' base name, e.g. "LinxianWorkflow.Engine.Resources.Messages".</param>
/// <param name="assembly">The assembly that embeds them.</param>
public sealed class MessageCatalog(string baseName, Assembly assembly)
{
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private readonly ResourceManager _resources = new(baseName, assembly);

    /// <summary>The message <paramref name="key"/> in both languages; <see cref="LocalizedText"/> arguments are taken in the matching language.</summary>
    /// <exception cref="InvalidOperationException">The key is missing from the resource file.</exception>
    public LocalizedText Get(string key, params object?[] args) =>
        new(Format(key, Chinese, args), Format(key, English, args));

    private string Format(string key, CultureInfo culture, object?[] args)
    {
        var template = _resources.GetString(key, culture)
            ?? throw new InvalidOperationException($"Message '{key}' is missing from {baseName}.");
        if (args.Length == 0)
        {
            return template;
        }

        var english = ReferenceEquals(culture, English);
        var localized = args.Select(a => a is LocalizedText t ? (english ? t.En : t.Zh) : a).ToArray();
        return string.Format(CultureInfo.InvariantCulture, template, localized);
    }
}
