using System.Globalization;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// The newest checkpoint (size and root) this node signed or saw, kept in a file beside the key (`&lt;key file&gt;.state`):
/// outside the database, so restoring an older dump cannot roll it back (issue 16). One line, "size root-hex";
/// written to a temporary file, flushed and renamed over the old one, mode 0600.
/// </summary>
public sealed class LogStateFile(string path)
{
    public string Path { get; } = path;

    public (long Size, byte[] Root)? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var parts = File.ReadAllText(Path).Trim().Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && parts[1].Length == 64
            ? (size, Convert.FromHexString(parts[1]))
            : throw new InvalidOperationException($"日志状态文件损坏 / the log's state file {Path} is damaged: restore it from a backup, do not delete it");
    }

    public void Write(long size, byte[] root)
    {
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes($"{size.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(root)}\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
