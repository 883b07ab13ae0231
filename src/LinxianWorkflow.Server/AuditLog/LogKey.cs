using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// The log's Ed25519 key: generated at first start into a file outside the database (Audit:KeyFile,
/// default data/log-ed25519.key, the 32-byte seed in base64, readable by the service only); its verifier
/// key is public (GET /api/public/log/key).
/// </summary>
public sealed class LogKey : IDisposable
{
    public LogKey(IConfiguration configuration)
    {
        Origin = configuration["Audit:Origin"] ?? "linxian-workflow";
        var path = Path.GetFullPath(configuration["Audit:KeyFile"] ?? "data/log-ed25519.key");
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        if (File.Exists(path))
        {
            Key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(File.ReadAllText(path).Trim()), KeyBlobFormat.RawPrivateKey, parameters);
        }
        else
        {
            Key = Key.Create(SignatureAlgorithm.Ed25519, parameters);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(Key.Export(KeyBlobFormat.RawPrivateKey)) + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var publicKey = Key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Verifier = new NoteVerifierKey(Origin, NoteVerifierKey.KeyIdOf(Origin, publicKey), publicKey);
    }

    /// <summary>The log's origin line, also the key's name.</summary>
    public string Origin { get; }

    public Key Key { get; }

    public NoteVerifierKey Verifier { get; }

    public string Sign(Checkpoint checkpoint) => SignedNote.Sign(checkpoint.Text(), Origin, Key);

    public void Dispose() => Key.Dispose();
}
