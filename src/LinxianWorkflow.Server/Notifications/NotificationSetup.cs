namespace LinxianWorkflow.Server.Notifications;

public static class NotificationSetup
{
    public const string HttpClientName = "notifications";

    /// <summary>
    /// The notifications' and the outbox's queries, added with the application (handlers read them; a command-line tool gets them too).
    /// </summary>
    public static void AddNotificationQueries(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationQueries>();
        builder.Services.AddSingleton<DeliveryQueries>();
    }

    /// <summary>
    /// The delivery outbox and its channels: the log file (the embedded default, <c>Notifications:LogFile:Enabled</c>), a WeCom robot per
    /// area when <c>Notifications:WeCom:Webhooks</c> names any, Tencent Cloud SMS when <c>Notifications:Sms:SecretId</c> is set, a DingTalk robot per
    /// area when <c>Notifications:DingTalk:Robots</c> names any, e-mail to working mailboxes over SMTP when <c>Notifications:Email:Groups</c> names any.
    /// </summary>
    public static void AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection("Notifications")).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value);
        builder.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Notifications:TimeoutSeconds", 10.0)));
        if (builder.Configuration.GetValue("Notifications:LogFile:Enabled", true))
        {
            builder.Services.AddSingleton<INotificationChannel, LogFileChannel>();
        }

        if (builder.Configuration.GetSection("Notifications:WeCom:Webhooks").GetChildren().Any())
        {
            builder.Services.AddSingleton<INotificationChannel, WeComRobotChannel>();
        }

        if (!string.IsNullOrEmpty(builder.Configuration["Notifications:Sms:SecretId"]))
        {
            builder.Services.AddSingleton<INotificationChannel, TencentSmsChannel>();
        }

        if (builder.Configuration.GetSection("Notifications:DingTalk:Robots").GetChildren().Any())
        {
            builder.Services.AddSingleton<INotificationChannel, DingTalkRobotChannel>();
        }

        if (builder.Configuration.GetSection("Notifications:Email:Groups").GetChildren().Any())
        {
            builder.Services.AddSingleton<INotificationChannel, SmtpEmailChannel>();
        }

        builder.Services.AddHostedService<NotificationDispatcher>();
    }
}
