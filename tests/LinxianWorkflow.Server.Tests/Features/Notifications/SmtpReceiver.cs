using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>A message as the SMTP receiver took it (parsed with MimeKit), the envelope, and the answer it gave at the end of DATA.</summary>
public sealed record ReceivedMail(string User, string MailFrom, IReadOnlyList<string> RcptTo, MimeMessage Message, int Answer);

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (RFC 5321: greeting, EHLO, AUTH PLAIN, MAIL, RCPT, DATA with dot-unstuffing, QUIT), enough for
/// MailKit: it records each message and answers 250, or 451 (try again later) the first time it sees a marked message.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<ReceivedMail> _mail = new();
    private readonly ConcurrentBag<string> _refuse = [];
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Mail => [.. _mail];

    /// <summary>Each message whose subject contains <paramref name="marker"/> gets 451 the first time its Message-ID is seen, then 250.</summary>
    public void RefuseFirst(string marker) => _refuse.Add(marker);

    public void Start()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => SessionAsync(client));
            }
        });
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 127.0.0.1 ESMTP test");
        string user = "", from = "";
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-127.0.0.1");
                    await writer.WriteLineAsync("250-8BITMIME");
                    await writer.WriteLineAsync("250 AUTH PLAIN");
                    break;
                case "AUTH":
                    var parts = line.Split(' ');
                    var response = parts.Length > 2 ? parts[2] : null;
                    if (response is null)
                    {
                        await writer.WriteLineAsync("334 ");
                        response = await reader.ReadLineAsync() ?? "";
                    }

                    var plain = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                    user = plain.Length == 3 && plain[2] == ProviderReceiver.SmtpPassword ? plain[1] : "";
                    await writer.WriteLineAsync(user.Length > 0 ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                    break;
                case "MAIL":
                    from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    to.Clear();
                    await writer.WriteLineAsync("250 2.1.0 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                    await writer.WriteLineAsync("250 2.1.5 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.Latin1.GetBytes(data.ToString())));
                    var marked = _refuse.Any(r => (message.Subject ?? "").Contains(r, StringComparison.Ordinal));
                    var answer = marked && _refused.TryAdd(message.MessageId ?? "", true) ? 451 : 250;
                    _mail.Enqueue(new ReceivedMail(user, from, [.. to], message, answer));
                    await writer.WriteLineAsync(answer == 250 ? "250 2.0.0 OK queued" : "451 4.3.0 Try again later");
                    break;
                case "RSET" or "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Command not recognised");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }
}
