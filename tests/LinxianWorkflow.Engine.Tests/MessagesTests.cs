using System.Xml.Linq;

namespace LinxianWorkflow.Engine.Tests;

public class MessagesTests
{
    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Repository.Root, "src", "LinxianWorkflow.Engine", "Resources", file))
            .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [Fact]
    public void Every_Chinese_message_has_an_English_twin_with_the_same_placeholders()
    {
        var zh = Read("Messages.resx");
        var en = Read("Messages.en.resx");
        Assert.Equal(zh.Keys.Order(), en.Keys.Order());
        foreach (var (key, text) in zh)
        {
            var holes = System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Distinct().Order();
            var enHoles = System.Text.RegularExpressions.Regex.Matches(en[key], @"\{\d+\}").Select(m => m.Value).Distinct().Order();
            Assert.True(holes.SequenceEqual(enHoles), $"{key}: zh has {string.Join(",", holes)}, en has {string.Join(",", enHoles)}");
        }
    }

    [Fact]
    public void Chinese_is_the_neutral_language_and_English_is_available()
    {
        var message = Text.Get("InstanceNotStarted");
        Assert.Equal("该议题尚未登记，请先受理登记。", message.Zh);
        Assert.StartsWith("This proposal", message.En, StringComparison.Ordinal);
        Assert.Equal(message.Zh, message.In("zh-CN"));
        Assert.Equal(message.En, message.In("en-US"));
    }
}
