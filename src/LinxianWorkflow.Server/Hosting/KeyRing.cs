using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using LinxianWorkflow.Server.Privacy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// ASP.NET Core's data protection (anti-forgery tokens, the pages' protected cookies) with one key ring per deployment
/// (issue 16): kept in the database (<c>data_protection_keys</c>), so every node accepts what another issued, and
/// encrypted there under a key derived from the privacy secret, which every node already shares. Per machine, as
/// the framework keeps it by default, two nodes behind one balancer refuse each other's forms.
/// </summary>
public static class KeyRing
{
    public const string ApplicationName = "LinxianWorkflow";

    public static void AddKeyRing(this WebApplicationBuilder builder)
    {
        // One name for every node: by default it is the install folder, which may differ between machines.
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddSingleton<KeyRingQueries>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<KeyRingQueries, PersonalDataKey, TimeProvider>((options, store, secret, time) =>
        {
            options.XmlRepository = new StoreRepository(store, time);
            options.XmlEncryptor = new Encryptor(secret);
        });
    }

    /// <summary>
    /// At start: makes the ring's first key unless the database holds a key in force, under the key ring's lock, so two
    /// nodes starting at once on an empty database make one key between them (the framework, left to itself, makes one
    /// per node at its first form when it finds none, and each node then signs with its own).
    /// </summary>
    public static void EnsureFirstKey(IServiceProvider services)
    {
        // A host that kept the framework's own key ring (no AddKeyRing: the command-line tools, some tests) still takes the lock.
        var store = ActivatorUtilities.GetServiceOrCreateInstance<KeyRingQueries>(services);
        var manager = services.GetRequiredService<IKeyManager>();
        var lifetime = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
        var time = services.GetRequiredService<TimeProvider>();
        store.WithLock(() =>
        {
            var now = time.GetUtcNow();
            if (!manager.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            {
                manager.CreateNewKey(now, now + lifetime);
            }
        });
    }

    private sealed class StoreRepository(KeyRingQueries store, TimeProvider time) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => [.. store.Keys().Select(XElement.Parse)];

        public void StoreElement(XElement element, string friendlyName) =>
            store.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow());
    }

    private const string Purpose = "linxian/data-protection-key-ring";

    /// <summary>AES-256-GCM: nonce (12 bytes), tag (16), ciphertext, in base64.</summary>
    private sealed class Encryptor(PersonalDataKey secret) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
            var sealedBytes = new byte[12 + 16 + plain.Length];
            RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
            using (var aes = new AesGcm(secret.DeriveKey(Purpose), 16))
            {
                aes.Encrypt(sealedBytes.AsSpan(0, 12), plain, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
            }

            return new EncryptedXmlInfo(new XElement("sealedWithPrivacySecret", Convert.ToBase64String(sealedBytes)), typeof(Decryptor));
        }
    }

    /// <summary>Made by the framework, by type name, with the services (so it must be public with this constructor).</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
            var plain = new byte[sealedBytes.Length - 28];
            using (var aes = new AesGcm(services.GetRequiredService<PersonalDataKey>().DeriveKey(Purpose), 16))
            {
                aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain);
            }

            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}
