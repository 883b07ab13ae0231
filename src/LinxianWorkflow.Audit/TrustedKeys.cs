using System.Globalization;

namespace LinxianWorkflow.Audit;

/// <summary>A log key an auditor accepts, for the checkpoints larger than <paramref name="SignsAfter"/> up to <paramref name="SignsUpTo"/> (null: no hand-over after it).</summary>
public sealed record TrustedKey(NoteVerifierKey Key, long SignsAfter, long? SignsUpTo);

/// <summary>
/// The log's keys an auditor accepts (issue 16): the one it holds (the root of trust), then each key a hand-over signed by
/// the key before names (<see cref="KeyHandOver"/>), each for the sizes between its hand-over and the next. The hand-overs
/// may come from anywhere (the dossier, GET /api/public/log/keys): only the trusted key's signature counts. Hand-overs that
/// do not continue the chain are kept in <see cref="Refused"/>, each with why, so a verdict can name them.
/// </summary>
public sealed record TrustedKeys(IReadOnlyList<TrustedKey> Keys, IReadOnlyList<string> Refused)
{
    public IReadOnlyList<NoteVerifierKey> All => [.. Keys.Select(k => k.Key)];

    public static TrustedKeys Follow(NoteVerifierKey root, IEnumerable<string> handOvers)
    {
        var keys = new List<TrustedKey> { new(root, 0, null) };
        var left = handOvers.Distinct(StringComparer.Ordinal).ToList();
        while (left.Select(n => (Note: n, HandOver: KeyHandOver.Open(n, keys[^1].Key))).FirstOrDefault(h => h.HandOver is not null) is { HandOver: { } next } found
            && keys.All(k => k.Key.ToString() != next.New.ToString()) && next.Size >= keys[^1].SignsAfter)
        {
            keys[^1] = keys[^1] with { SignsUpTo = next.Size };
            keys.Add(new TrustedKey(next.New, next.Size, null));
            left.Remove(found.Note);
        }

        var refused = new List<string>();
        foreach (var note in left)
        {
            if (SignedNote.UnverifiedText(note) is not { } text || KeyHandOver.Parse(text) is not { } h)
            {
                refused.Add("a note that is not a key hand-over");
            }
            else if (keys.Any(k => k.Key.ToString() == h.New.ToString()) && keys.Any(k => k.Key.ToString() == h.Old.ToString()))
            {
                continue; // the same hand-over again, signed otherwise
            }
            else
            {
                var signers = string.Join(", ", SignedNote.Signers(note).Select(s => $"{s.Name}+{s.KeyId:x8}"));
                refused.Add($"the hand-over naming {Short(h.New)} after size {h.Size} is not signed by a trusted key (it names {Short(h.Old)} as the old key; signed by {signers})");
            }
        }

        return new TrustedKeys(keys, refused);
    }

    /// <summary>
    /// The trusted key that signed <paramref name="checkpointNote"/> for its size, or why none did: which checkpoint
    /// (its size), which key signed it (name and key id), and any hand-over refused on the way.
    /// </summary>
    public (NoteVerifierKey? Key, string? Problem) SignerOf(string checkpointNote, string what = "the checkpoint")
    {
        if (SignedNote.UnverifiedText(checkpointNote) is not { } text || Checkpoint.Parse(text) is not { } checkpoint)
        {
            return (null, $"{what} is not a signed checkpoint");
        }

        var size = checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        if (Keys.FirstOrDefault(k => SignedNote.Open(checkpointNote, k.Key) is not null) is not { } signer)
        {
            var signers = string.Join(", ", SignedNote.Signers(checkpointNote).Select(s => $"{s.Name}+{s.KeyId:x8}"));
            var refused = Refused.Count == 0 ? "" : "; refused: " + string.Join("; ", Refused);
            return (null, $"{what} (size {size}) is signed by {signers}, which is neither the trusted key {Short(Keys[0].Key)} nor one a hand-over signed by a trusted key names{refused}");
        }

        if (checkpoint.Size <= signer.SignsAfter && signer != Keys[0])
        {
            return (null, $"{what} (size {size}) is signed by {Short(signer.Key)}, which signs only after size {signer.SignsAfter.ToString(CultureInfo.InvariantCulture)} (its hand-over)");
        }

        if (signer.SignsUpTo is { } upTo && checkpoint.Size > upTo)
        {
            return (null, $"{what} (size {size}) is signed by {Short(signer.Key)} after it handed the log over at size {upTo.ToString(CultureInfo.InvariantCulture)}: it is not part of the log (a checkpoint given up at a restore, or a key used after its hand-over)");
        }

        return (signer.Key, null);
    }

    private static string Short(NoteVerifierKey key) => $"{key.Name}+{key.KeyId:x8}";
}
