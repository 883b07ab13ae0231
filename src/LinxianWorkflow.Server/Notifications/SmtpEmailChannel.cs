using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// E-mail over SMTP (MailKit) to a township's or county's working mailbox: <c>Notifications:Email:Groups:&lt;area code&gt;</c> holds the
/// address(es), and each notification goes to the mailbox of the most specific area that covers it, like the WeCom robots. The server is
/// the deployment's (<c>Host</c>, <c>Port</c>, <c>Security</c>: None, StartTls, SslOnConnect or Auto; <c>User</c>, and <c>Password</c> from the
/// environment or a 0600 file; <c>From</c>). The Message-ID is derived from the delivery id, so a retry after a lost answer carries the
/// same id and a mail system that keeps ids can drop the copy. A 4xx answer is tried again; a 5xx one (a refused address) is dead.
/// </summary>
public sealed class SmtpEmailChannel(IConfiguration configuration) : INotificationChannel
{
    private readonly IConfigurationSection _settings = configuration.GetSection("Notifications:Email");
    private readonly Dictionary<string, string> _groups = configuration.GetSection("Notifications:Email:Groups").GetChildren()
        .Where(c => !string.IsNullOrEmpty(c.Value)).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);

    private readonly string? _password = ChannelSecret.Read(configuration, "Notifications:Email:Password");
    private readonly string? _baseUrl = configuration["Public:BaseUrl"]?.TrimEnd('/');
    private readonly int _timeoutMs = (int)(configuration.GetValue("Notifications:TimeoutSeconds", 10.0) * 1000);

    public string Name => "email";

    public bool HoldsBackAtNight => false; // a mailbox is read when people look at it

    public IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience) =>
        AreaGroups.Recipient(notification, _groups.ContainsKey);

    public async Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct)
    {
        if (!_groups.TryGetValue(delivery.Recipient, out var to))
        {
            return DeliveryOutcome.Fail($"Notifications:Email:Groups:{delivery.Recipient} is no longer configured");
        }

        var from = MailboxAddress.Parse(_settings["From"] ?? throw new InvalidOperationException("Notifications:Email:From is not set"));
        var message = Message(delivery, from, to);
        using var client = new SmtpClient { Timeout = _timeoutMs };
        try
        {
            await client.ConnectAsync(_settings["Host"] ?? "localhost", _settings.GetValue("Port", 587), Security(_settings["Security"]), ct);
            if (_settings["User"] is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, _password ?? "", ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
            return DeliveryOutcome.Sent(message.MessageId);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return DeliveryOutcome.Fail($"SMTP {(int)e.StatusCode}: {e.Message}");
        }
        catch (SmtpCommandException e)
        {
            return DeliveryOutcome.Retry($"SMTP {(int)e.StatusCode}: {e.Message}");
        }
        catch (AuthenticationException e)
        {
            return DeliveryOutcome.Fail("SMTP authentication: " + e.Message);
        }
    }

    private MimeMessage Message(Delivery delivery, MailboxAddress from, string to)
    {
        var n = delivery.Notification;
        var message = new MimeMessage { Subject = ServerText.Get("NotifyEmailSubject", Shorten(n.TextZh)).Zh };
        message.From.Add(from);
        message.To.AddRange(InternetAddressList.Parse(to));
        message.MessageId = $"delivery-{delivery.Id}@{from.Domain}";
        var body = new StringBuilder(n.TextZh).Append("\n\n");
        if (_baseUrl is not null && !n.InstanceId.StartsWith("routine:", StringComparison.Ordinal))
        {
            body.Append(ServerText.Get("NotifyOpenProposal").Zh).Append('：').Append(_baseUrl).Append("/proposals/").Append(Uri.EscapeDataString(n.InstanceId)).Append("\n\n");
        }

        body.Append("-- \n").Append(n.TextEn).Append('\n');
        message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = body.ToString() };
        return message;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..59] + "…";

    private static SecureSocketOptions Security(string? mode) => mode switch
    {
        null or "" or "StartTls" => SecureSocketOptions.StartTls,
        "SslOnConnect" => SecureSocketOptions.SslOnConnect,
        "None" => SecureSocketOptions.None,
        "Auto" => SecureSocketOptions.Auto,
        _ => throw new InvalidOperationException($"Notifications:Email:Security must be None, StartTls, SslOnConnect or Auto, not '{mode}'."),
    };
}
