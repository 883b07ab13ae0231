using System.Text.Json;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>Appends each notification as one JSON line to a file (Notifications:LogPath, default data/notifications.log).</summary>
public sealed class LogFileChannel(IConfiguration configuration) : INotificationChannel, IDisposable
{
    private readonly string _path = Path.GetFullPath(configuration["Notifications:LogPath"] ?? "data/notifications.log");
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Name => "log-file";

    public async Task SendAsync(NotificationRow notification, CancellationToken ct)
    {
        var line = JsonSerializer.Serialize(notification, Api.Json) + "\n";
        await _gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            await File.AppendAllTextAsync(_path, line, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
