using System.Globalization;
using NSec.Cryptography;

namespace LinxianWorkflow.Audit;

/// <summary>
/// A log key hand-over (issue 16): a signed note in which the log's old key names its successor and the
/// checkpoint (size and root) after which the successor signs, signed by both keys. Its text:
/// <code>
/// &lt;origin&gt;
/// key hand-over
/// old &lt;old verifier key&gt;
/// new &lt;new verifier key&gt;
/// &lt;size&gt;
/// &lt;root, base64&gt;
/// [abandoned &lt;size&gt; &lt;root, base64&gt;]
/// </code>
/// The last line only after a database was restored from a backup older than the log: the old key's newest
/// checkpoint, which the log from here on does not extend. An auditor who holds the first key follows the
/// chain (<see cref="Follow"/>) and accepts the keys it reaches, each for the sizes its hand-over names.
/// </summary>
public sealed record KeyHandOver(string Origin, NoteVerifierKey Old, NoteVerifierKey New, long Size, byte[] Root, Checkpoint? Abandoned = null)
{
    private const string Title = "key hand-over";

    public string Text()
    {
        var text = new Checkpoint(Origin, Size, Root).Text(); // checks the origin, size and root
        var lines = text.Split('\n');
        var abandoned = Abandoned is { } a
            ? $"abandoned {a.Size.ToString(CultureInfo.InvariantCulture)} {Convert.ToBase64String(a.Root)}\n"
            : "";
        return $"{Origin}\n{Title}\nold {Old}\nnew {New}\n{lines[1]}\n{lines[2]}\n{abandoned}";
    }

    /// <summary>Signs the hand-over with the old key, then the new one (both named by the log's origin).</summary>
    public string Sign(Key oldKey, Key newKey) => SignedNote.CoSign(SignedNote.Sign(Text(), Origin, oldKey), Origin, newKey);

    /// <summary>The hand-over if <paramref name="old"/> signed it, it names <paramref name="old"/> as the old key, and the new key signed it too; else null.</summary>
    public static KeyHandOver? Open(string note, NoteVerifierKey old) =>
        SignedNote.Open(note, old) is { } text && Parse(text) is { } handOver
        && handOver.Old.ToString() == old.ToString() && SignedNote.Open(note, handOver.New) is not null
            ? handOver
            : null;

    /// <summary>
    /// The keys reached from <paramref name="first"/> through the hand-overs, in order (the first included): each
    /// next key is the one a hand-over signed by the current key names. Notes that do not continue the chain are ignored.
    /// </summary>
    public static List<NoteVerifierKey> Follow(NoteVerifierKey first, IEnumerable<string> notes)
    {
        var keys = new List<NoteVerifierKey> { first };
        var left = notes.ToList();
        while (left.Select(n => (Note: n, HandOver: Open(n, keys[^1]))).FirstOrDefault(h => h.HandOver is not null) is { HandOver: { } next } found
            && keys.All(k => k.ToString() != next.New.ToString()))
        {
            keys.Add(next.New);
            left.Remove(found.Note);
        }

        return keys;
    }

    public static KeyHandOver? Parse(string text)
    {
        if (!text.EndsWith('\n'))
        {
            return null;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length is < 6 or > 7 || lines[1] != Title || !lines[2].StartsWith("old ", StringComparison.Ordinal) || !lines[3].StartsWith("new ", StringComparison.Ordinal)
            || NoteVerifierKey.Parse(lines[2][4..]) is not { } old || NoteVerifierKey.Parse(lines[3][4..]) is not { } next
            || Checkpoint.Parse($"{lines[0]}\n{lines[4]}\n{lines[5]}\n") is not { } at)
        {
            return null;
        }

        Checkpoint? abandoned = null;
        if (lines.Length == 7)
        {
            var parts = lines[6].Split(' ');
            if (parts.Length != 3 || parts[0] != "abandoned" || Checkpoint.Parse($"{lines[0]}\n{parts[1]}\n{parts[2]}\n") is not { } gone)
            {
                return null;
            }

            abandoned = gone;
        }

        return new KeyHandOver(at.Origin, old, next, at.Size, at.Root, abandoned);
    }
}
