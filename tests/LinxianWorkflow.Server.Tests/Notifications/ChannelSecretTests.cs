using LinxianWorkflow.Server.Notifications;
using Microsoft.Extensions.Configuration;

namespace LinxianWorkflow.Server.Tests.Notifications;

public sealed class ChannelSecretTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void A_secret_comes_from_the_setting_itself_or_from_a_file_only_its_owner_reads()
    {
        Assert.Equal("from-env", ChannelSecret.Read(Settings(("Notifications:Sms:SecretKey", "from-env")), "Notifications:Sms:SecretKey"));
        Assert.Null(ChannelSecret.Read(Settings(), "Notifications:Sms:SecretKey"));

        var path = Path.Combine(Path.GetTempPath(), "linxian-secret-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "from-file\n");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var settings = Settings(("Notifications:Sms:SecretKeyFile", path));
        Assert.Equal("from-file", ChannelSecret.Read(settings, "Notifications:Sms:SecretKey"));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var refused = Assert.Throws<InvalidOperationException>(() => ChannelSecret.Read(settings, "Notifications:Sms:SecretKey"));
        Assert.Contains("0600", refused.Message, StringComparison.Ordinal);
    }
}
