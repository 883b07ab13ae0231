using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace LinxianWorkflow.Audit;

/// <summary>
/// A verifier key in the C2SP signed-note text form "name+keyid+base64(0x01 ‖ Ed25519 public key)", where
/// keyid is the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key) in hex.
/// </summary>
public sealed record NoteVerifierKey(string Name, uint KeyId, byte[] PublicKey)
{
    public const byte Ed25519Type = 0x01;

    public static NoteVerifierKey? Parse(string text)
    {
        var parts = text.Split('+', 3); // base64 may itself contain '+'

        if (parts.Length != 3 || !SignedNote.ValidName(parts[0]) || parts[1].Length != 8
            || !uint.TryParse(parts[1], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (raw.Length != 33 || raw[0] != Ed25519Type || KeyIdOf(parts[0], raw.AsSpan(1)) != id)
        {
            return null;
        }

        return new NoteVerifierKey(parts[0], id, raw[1..]);
    }

    public static uint KeyIdOf(string name, ReadOnlySpan<byte> publicKey)
    {
        var input = new byte[Encoding.UTF8.GetByteCount(name) + 2 + publicKey.Length];
        var n = Encoding.UTF8.GetBytes(name, input);
        input[n] = (byte)'\n';
        input[n + 1] = Ed25519Type;
        publicKey.CopyTo(input.AsSpan(n + 2));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public override string ToString() =>
        $"{Name}+{KeyId:x8}+{Convert.ToBase64String([Ed25519Type, .. PublicKey])}";
}

/// <summary>
/// C2SP signed notes (c2sp.org/signed-note) with Ed25519: a text of complete lines, a blank line, then one
/// line per signature, "— name base64(keyid ‖ signature)". The signature covers the text, final newline included.
/// </summary>
public static class SignedNote
{
    private const string Dash = "\u2014 ";

    /// <summary>Signs <paramref name="text"/> (complete lines) with <paramref name="key"/> under <paramref name="name"/>.</summary>
    public static string Sign(string text, string name, Key key)
    {
        CheckText(text);
        if (!ValidName(name))
        {
            throw new ArgumentException("A key name is non-empty, without spaces or '+'.", nameof(name));
        }

        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(blob, NoteVerifierKey.KeyIdOf(name, publicKey));
        signature.CopyTo(blob, 4);
        return $"{text}\n{Dash}{name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>Adds a further signature line (a witness's co-signature) to a signed note.</summary>
    public static string CoSign(string note, string name, Key key)
    {
        var (text, _) = Split(note) ?? throw new ArgumentException("Not a signed note.", nameof(note));
        var signed = Sign(text, name, key);
        return note + signed[(text.Length + 1)..];
    }

    /// <summary>The note's text if <paramref name="key"/> signed it (a signature line with its name and key id that verifies), else null.</summary>
    public static string? Open(string note, NoteVerifierKey key)
    {
        if (Split(note) is not var (text, signatures))
        {
            return null;
        }

        var message = Encoding.UTF8.GetBytes(text);
        var publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, key.PublicKey, KeyBlobFormat.RawPublicKey);
        foreach (var (name, blob) in signatures)
        {
            if (name == key.Name && blob.Length == 68
                && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(blob) == key.KeyId
                && SignatureAlgorithm.Ed25519.Verify(publicKey, message, blob.AsSpan(4)))
            {
                return text;
            }
        }

        return null;
    }

    internal static bool ValidName(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c));

    private static void CheckText(string text)
    {
        if (text.Length == 0 || !text.EndsWith('\n') || text.Contains("\n\n", StringComparison.Ordinal) || text.Contains('\r'))
        {
            throw new ArgumentException("A note's text is one or more complete, non-empty lines.", nameof(text));
        }
    }

    /// <summary>The note's text without checking any signature: for display only, never for a verdict.</summary>
    public static string? UnverifiedText(string note) => Split(note)?.Text;

    /// <summary>The name and key id of each signature line, unchecked: to name who signed in a refusal, never for a verdict.</summary>
    public static IReadOnlyList<(string Name, uint KeyId)> Signers(string note) =>
        Split(note) is var (_, signatures)
            ? [.. signatures.Where(s => s.Blob.Length >= 4).Select(s => (s.Name, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(s.Blob)))]
            : [];

    /// <summary>Text and signature lines, or null when the note is malformed.</summary>

    private static (string Text, List<(string Name, byte[] Blob)> Signatures)? Split(string note)
    {
        var at = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (at < 0 || !note.EndsWith('\n'))
        {
            return null;
        }

        var text = note[..(at + 1)];
        var signatures = new List<(string, byte[])>();
        foreach (var line in note[(at + 2)..^1].Split('\n'))
        {
            if (!line.StartsWith(Dash, StringComparison.Ordinal))
            {
                return null;
            }

            var parts = line[Dash.Length..].Split(' ');
            if (parts.Length != 2 || !ValidName(parts[0]))
            {
                return null;
            }

            try
            {
                signatures.Add((parts[0], Convert.FromBase64String(parts[1])));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return signatures.Count == 0 ? null : (text, signatures);
    }
}
