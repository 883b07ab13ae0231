using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Identity;

/// <summary>Bearer tokens: random, shown once, stored only as their SHA-256; the id shown afterwards is the hash's first 16 hex digits.</summary>
public static class Tokens
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static (string Token, TokenRow Row) Issue(string userId, string kind, string name, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var token = "lxt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, new TokenRow { TokenHash = Hash(token), UserId = userId, Kind = kind, Name = name, CreatedAt = now, ExpiresAt = expiresAt });
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string IdOf(string tokenHash) => tokenHash[..16];

    public static IReadOnlyList<RoleGrant> GrantsOf(UserRow user) =>
        JsonSerializer.Deserialize<List<RoleGrant>>(user.Grants, EventCodec.Json) ?? [];

    public static string GrantsJson(IEnumerable<RoleGrant> grants) => JsonSerializer.Serialize(grants, EventCodec.Json);

    /// <summary>A generated password: 20 characters from an alphabet without look-alikes.</summary>
    public static string NewPassword()
    {
        const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(20, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }
}
