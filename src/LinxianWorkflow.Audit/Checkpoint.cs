using System.Globalization;

namespace LinxianWorkflow.Audit;

/// <summary>
/// A C2SP tlog checkpoint (c2sp.org/tlog-checkpoint): the log's origin, its size in decimal and its root in
/// base64, one per line, then any extension lines. It is the text of a signed note.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root)
{
    /// <summary>The checkpoint's text; refused for an origin that is empty or would break its line.</summary>
    public string Text()
    {
        if (Origin.Length == 0 || Origin.Any(char.IsControl))
        {
            throw new ArgumentException("A checkpoint's origin is one non-empty line.", nameof(Origin));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Size);
        return Root.Length != MerkleTree.HashSize
            ? throw new ArgumentException("A root is 32 bytes.", nameof(Root))
            : $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\n";
    }

    /// <summary>Reads a checkpoint's text; null for anything that is not exactly origin, size, root (and extension lines).</summary>
    public static Checkpoint? Parse(string text)
    {
        if (!text.EndsWith('\n'))
        {
            return null;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0 || lines.Skip(3).Any(l => l.Length == 0) || lines.Any(l => l.Any(char.IsControl)))
        {
            return null;
        }

        var sizeText = lines[1];
        if (sizeText.Length == 0 || (sizeText.Length > 1 && sizeText[0] == '0')
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return null;
        }

        try
        {
            var root = Convert.FromBase64String(lines[2]);
            return root.Length == MerkleTree.HashSize ? new Checkpoint(lines[0], size, root) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
