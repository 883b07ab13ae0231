using System.Text.Json;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>Appends each notification as one JSON line to a file (Notifications:LogPath, default data/notifications.log): the embedded default.</summary>
public sealed class LogFileChannel(IConfiguration configuration) : INotificationChannel, IDisposable
{
    private readonly string _path = Path.GetFullPath(configuration["Notifications:LogPath"] ?? "data/notifications.log");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _restricted;

    public string Name => "log-file";

    public bool HoldsBackAtNight => false;

    public IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience) => ["file"];

    public async Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct)
    {
        var line = JsonSerializer.Serialize(delivery.Notification, Api.Json) + "\n";
        await _gate.WaitAsync(ct);
        try
        {
            // Notices name people and places: the file is the service user's alone (0600, its folder 0700).
            if (!_restricted)
            {
                Hosting.PrivateFiles.CreateDirectoryOf(_path);
                Hosting.PrivateFiles.Restrict(_path);
                _restricted = true;
            }

            await using var file = new FileStream(_path, Hosting.PrivateFiles.Create(FileMode.Append));
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line), ct);
        }
        finally
        {
            _gate.Release();
        }

        return DeliveryOutcome.Sent();
    }

    public void Dispose() => _gate.Dispose();
}
