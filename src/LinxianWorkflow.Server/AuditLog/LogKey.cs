using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// This node's log signing key: Ed25519, the 32-byte seed in base64, from the environment (LINXIAN_LOG_KEY) or
/// from the file Audit:KeyFile (default data/log-ed25519.key, mode 0600). Every node of a deployment holds the
/// same key (issue 16); a node generates one into the file only when the database has no log identity yet and
/// no checkpoint (<see cref="LogIdentity"/>), so a database restored without its key never gets a new one silently.
/// </summary>
public sealed class LogKey : IDisposable
{
    public const string EnvironmentVariable = "LINXIAN_LOG_KEY";

    public LogKey(IConfiguration configuration)
    {
        Origin = configuration["Audit:Origin"] ?? "linxian-workflow";
        KeyFile = Path.GetFullPath(configuration["Audit:KeyFile"] ?? "data/log-ed25519.key");
        var text = configuration[EnvironmentVariable];
        Source = string.IsNullOrWhiteSpace(text) ? KeyFile : EnvironmentVariable;
        if (string.IsNullOrWhiteSpace(text) && File.Exists(KeyFile))
        {
            text = File.ReadAllText(KeyFile);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            Key = Import(text, Source);
        }
    }

    /// <summary>The log's origin line, also the key's name.</summary>
    public string Origin { get; }

    /// <summary>Where the key is kept (or would be generated); the rollback guard's state file lies beside it.</summary>
    public string KeyFile { get; }

    /// <summary>Where the key came from, for messages: the file's path or the environment variable's name.</summary>
    public string Source { get; }

    /// <summary>Null when neither the environment nor the file holds one.</summary>
    public Key? Key { get; private set; }

    public NoteVerifierKey? Verifier => Key is null ? null : VerifierOf(Key);

    public NoteVerifierKey VerifierOf(Key key)
    {
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        return new NoteVerifierKey(Origin, NoteVerifierKey.KeyIdOf(Origin, publicKey), publicKey);
    }

    public string Sign(Checkpoint checkpoint) =>
        SignedNote.Sign(checkpoint.Text(), Origin, Key ?? throw new InvalidOperationException("This node has no log key."));

    /// <summary>The deployment's first key, made by its first node into the key file.</summary>
    public void Generate()
    {
        Key = Create();
        Write(KeyFile, Key);
    }

    public static Key Create() => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    /// <summary>Writes a new key file, readable by the service's user only from its first byte; refuses to overwrite one.</summary>
    public static void Write(string path, Key key)
    {
        Hosting.PrivateFiles.CreateDirectoryOf(path);
        var options = Hosting.PrivateFiles.Create(FileMode.CreateNew);

        using var file = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        file.Write(Convert.ToBase64String(key.Export(KeyBlobFormat.RawPrivateKey)) + "\n");
    }

    private static Key Import(string text, string source)
    {
        try
        {
            return Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(text.Trim()), KeyBlobFormat.RawPrivateKey,
                new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"日志密钥格式错误 / {source} does not hold a log key (an Ed25519 seed, 32 bytes in base64)", e);
        }
    }

    public void Dispose() => Key?.Dispose();
}
