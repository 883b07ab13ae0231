using System.Security.Cryptography;
using System.Text;

namespace LinxianWorkflow.Server.Privacy;

/// <summary>
/// The deployment's secret for personal data (PIPL): a villager's address and contact never enter the history, only
/// keyed hashes of them (HMAC-SHA256), which nobody without this secret can reverse by trying every phone number.
/// Read from <c>Privacy:Secret</c> (base64 of 32 bytes; from the environment as <c>Privacy__Secret</c>) or from the
/// file <c>Privacy:SecretFile</c> (default data/privacy.key, created 0600 at first start). Every node of a deployment
/// shares it, like the log key (docs/operations.md).
/// </summary>
public sealed class PersonalDataKey
{
    private readonly byte[] _secret;

    public PersonalDataKey(IConfiguration configuration)
    {
        if (configuration["Privacy:Secret"] is { Length: > 0 } configured)
        {
            _secret = Parse(configured, "Privacy:Secret");
            return;
        }

        var path = Path.GetFullPath(configuration["Privacy:SecretFile"] ?? "data/privacy.key");
        if (File.Exists(path))
        {
            _secret = Parse(File.ReadAllText(path), path);
            return;
        }

        // Written whole to a file of its own, then moved into place: a crash leaves no half key, and of two nodes
        // starting at once on a shared folder the first one's key stands and the other reads it.
        var secret = RandomNumberGenerator.GetBytes(32);
        Hosting.PrivateFiles.CreateDirectoryOf(path);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = Hosting.PrivateFiles.Create(FileMode.CreateNew);

        using (var file = new StreamWriter(temporary, Encoding.ASCII, options))
        {
            file.WriteLine(Convert.ToBase64String(secret));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            _secret = secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            _secret = Parse(File.ReadAllText(path), path);
        }
    }

    /// <summary>A 32-byte key for another purpose, derived from the secret (HKDF-SHA256): the data-protection key ring's encryption, say.</summary>
    public byte[] DeriveKey(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>The commitment an ObjectionLodged event carries for the contact left with it (lower-case hex).</summary>
    public string ContactCommitment(string proposalId, string objectionId, string contact) =>
        Mac($"objection-contact\n{proposalId}\n{objectionId}\n{contact}");

    /// <summary>A villager without an account, by a keyed digest of their network address: the same address, the same id; the address itself nowhere.</summary>
    public string Pseudonym(string remoteAddress) => "villager-" + Mac("objector-address\n" + remoteAddress)[..16];

    private string Mac(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(text)));

    private static byte[] Parse(string base64, string source)
    {
        try
        {
            var secret = Convert.FromBase64String(base64.Trim());
            return secret.Length >= 32 ? secret : throw new InvalidOperationException($"{source}: the privacy secret must be at least 32 bytes (base64).");
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{source}: the privacy secret is not base64.", e);
        }
    }
}
