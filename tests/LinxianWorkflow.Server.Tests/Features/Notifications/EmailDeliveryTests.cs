using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>The embedded server (SQLite) whose notifications also go by e-mail to 碛口镇's working mailbox, through a local SMTP receiver.</summary>
public sealed class EmailSqliteService : SqliteService
{
    public SmtpReceiver Smtp { get; } = new();

    private readonly string _passwordFile = Path.Combine(Path.GetTempPath(), "linxian-smtp-" + Guid.NewGuid().ToString("N"));

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Notifications:DispatchSeconds=0.3", "--Notifications:RetryBaseSeconds=0.2", "--Notifications:RetryCapSeconds=1", "--Notifications:MaxAttempts=3",
        "--Notifications:QuietHours=", "--Public:BaseUrl=https://cunwu.example.cn",
        "--Notifications:Email:Host=127.0.0.1", $"--Notifications:Email:Port={Smtp.Port}", "--Notifications:Email:Security=None",
        "--Notifications:Email:User=linxian-notify", $"--Notifications:Email:PasswordFile={_passwordFile}",
        "--Notifications:Email:From=临县村务 <notify@cunwu.example.cn>", "--Notifications:Email:Groups:141124109=qikou-township@example.cn",
    ];

    public override Task InitializeAsync()
    {
        File.WriteAllText(_passwordFile, ProviderReceiver.SmtpPassword);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Smtp.Start();
        return base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        File.Delete(_passwordFile);
    }
}

public sealed class EmailDeliveryTests(EmailSqliteService service) : IClassFixture<EmailSqliteService>
{
    [Fact]
    public async Task A_concern_reaches_the_township_mailbox_in_chinese_with_a_link_and_a_retry_after_451_carries_the_same_message_id()
    {
        var walker = new Walker(service);
        var id = await walker.StartAsync("邮件测试：修缮村卫生室");
        service.Smtp.RefuseFirst("邮件标记"); // each message's first try: 451, try again later
        await Outbox.RaiseConcernAsync(service, id, "邮件标记：请公布药品采购清单。");

        var concern = await Outbox.SettledAsync(service, "reviewer-109", id, "concern", "email");
        var delivery = Outbox.Delivery(concern, "email");
        Assert.Equal(("sent", 2), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32()));
        Assert.Contains("451", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var messageId = $"delivery-{delivery.GetProperty("id").GetInt64()}@cunwu.example.cn";
        Assert.Equal(messageId, delivery.GetProperty("providerMessageId").GetString());

        // The mailbox gets one message per role told (as a WeCom group does); this delivery's went twice, refused then taken, under one id.
        var mails = service.Smtp.Mail.Where(m => m.Message.MessageId == messageId).ToList();
        Assert.Equal([451, 250], mails.Select(m => m.Answer));
        Assert.All(service.Smtp.Mail.Where(m => m.Answer == 451), refused =>
            Assert.Single(service.Smtp.Mail, m => m.Message.MessageId == refused.Message.MessageId && m.Answer == 250));
        Assert.All(mails, m =>
        {
            Assert.Equal("linxian-notify", m.User); // authenticated with the password from the 0600 file
            Assert.Equal("<qikou-township@example.cn>", m.RcptTo.Single());
            Assert.StartsWith("【村务提醒】", m.Message.Subject, StringComparison.Ordinal);
            Assert.Equal(("临县村务", "notify@cunwu.example.cn"), (m.Message.From.Mailboxes.Single().Name, m.Message.From.Mailboxes.Single().Address));
            var body = m.Message.TextBody;
            Assert.Contains(concern.GetProperty("text").GetProperty("zh").GetString()!, body, StringComparison.Ordinal);
            Assert.Contains($"https://cunwu.example.cn/proposals/{id}", body, StringComparison.Ordinal);
        });
    }
}
