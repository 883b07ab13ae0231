namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// The service's own files (issue 16): directories it creates are 0700 and the files it writes 0600 from their first
/// byte (the SQLite store and its -wal/-shm, the notifications log, the log key and its state, the privacy secret);
/// a secret it is given in a file (a connection string) must be readable by its owner only. Unix only: on Windows the
/// folder's ACL decides.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the directory of <paramref name="file"/> (and its missing parents) as 0700; an existing one is left as it is.</summary>
    public static void CreateDirectoryOf(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Options for a new file readable and writable by the service's user only.</summary>
    public static FileStreamOptions Create(FileMode mode, FileAccess access = FileAccess.Write)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    /// <summary>Makes existing files 0600 (those an earlier version left readable by others); missing ones are skipped.</summary>
    public static void Restrict(params string[] files)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in files.Where(File.Exists))
        {
            if ((File.GetUnixFileMode(file) & Others) != 0)
            {
                File.SetUnixFileMode(file, OwnerOnly);
            }
        }
    }

    /// <summary>
    /// The text of a secret kept in a file (a connection string), trimmed; refused, naming the file and the fix, when
    /// the file is missing or readable by its group or others (then everyone on the machine may have read it).
    /// </summary>
    public static string ReadSecret(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new StartRefusedException($"{setting}：找不到文件 {path} / {setting}: the file {path} was not found.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Others) != 0)
        {
            throw new StartRefusedException(
                $"{setting}：文件 {path} 同组或其他用户可以访问，拒绝使用；请执行 chmod 600 {path}，并更换其中的密码 / " +
                $"{setting}: the file {path} is accessible to its group or others, so it is refused: run chmod 600 {path}, and change the password it holds.");
        }

        return File.ReadAllText(path).Trim();
    }
}

/// <summary>The service or a command will not start, for a reason the operator must fix (the message says which, Chinese first).</summary>
public sealed class StartRefusedException(string message) : Exception(message);
