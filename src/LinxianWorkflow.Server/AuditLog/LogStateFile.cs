using System.Globalization;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>A checkpoint remembered: its size and root, and the id of the log key that signed it.</summary>
public sealed record LogState(long Size, byte[] Root, uint KeyId);

/// <summary>
/// The newest checkpoint (size, root, the id of the key that signed it) this node signed or saw, kept in a file beside
/// the key (`&lt;key file&gt;.state`): outside the database, so restoring an older dump cannot roll it back (issue 16).
/// One line, "size root-hex keyid-hex"; written to a temporary file, flushed and renamed over the old one, mode 0600.
/// </summary>
public sealed class LogStateFile(string path)
{
    public string Path { get; } = path;

    public LogState? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var parts = File.ReadAllText(Path).Trim().Split(' ');
        return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && parts[1].Length == 64
            && uint.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId)
            ? new LogState(size, Convert.FromHexString(parts[1]), keyId)
            : throw new InvalidOperationException($"日志状态文件损坏 / the log's state file {Path} is damaged: restore it from a backup, do not delete it");
    }

    public void Write(LogState state)
    {
        // A temporary file of this write's own: two processes sharing the key's folder (two nodes on one host) must not
        // move each other's file away; the rename stays atomic, the last writer wins.
        var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = Hosting.PrivateFiles.Create(FileMode.Create);

        using (var file = new FileStream(temporary, options))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes($"{state.Size.ToString(CultureInfo.InvariantCulture)} {Convert.ToHexStringLower(state.Root)} {state.KeyId:x8}\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
