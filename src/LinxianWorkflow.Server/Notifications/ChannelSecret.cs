namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// A provider's secret: from the configuration key itself, which the environment sets (<c>Notifications__Sms__SecretKey</c>),
/// or from the file <c>&lt;key&gt;File</c> names, which must be readable by the service's user only (0600), like the log key.
/// </summary>
public static class ChannelSecret
{
    public static string? Read(IConfiguration configuration, string key)
    {
        if (configuration[key] is { Length: > 0 } value)
        {
            return value;
        }

        if (configuration[key + "File"] is not { Length: > 0 } path)
        {
            return null;
        }

        if (!OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"{key}File: {path} may be read by others; make it 0600 (chmod 600) so only the service's user reads the secret.");
        }

        return File.ReadAllText(path).Trim();
    }
}
