using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LinxianWorkflow.Audit;

/// <summary>One event of a dossier: its stored record, its chain hashes, and its place and proof in the log.</summary>
public sealed record DossierEvent(int Sequence, string RecordText, string PreviousHash, string Hash, long Position, IReadOnlyList<string> Proof);

/// <summary>
/// A proposal's exported history: its events with proofs, the signed checkpoint they are proved against,
/// the checkpoints witnesses co-signed with proofs that this checkpoint extends them, (when the export
/// asked for it) the proof that this checkpoint extends an earlier one the auditor holds, and the log's key
/// hand-overs, oldest first, for an auditor who holds an earlier key (<see cref="TrustedKeys"/>).
/// </summary>
public sealed record Dossier(
    string ProposalId,
    IReadOnlyList<DossierEvent> Events,
    string Checkpoint,
    IReadOnlyList<WitnessedCheckpoint>? Witnessed = null,
    ConsistencyProof? Since = null,
    IReadOnlyList<string>? HandOvers = null);

/// <summary>A checkpoint as a witness co-signed it (the log's and the witness's signatures) and the consistency proof from it to the dossier's checkpoint.</summary>
public sealed record WitnessedCheckpoint(string Note, IReadOnlyList<string> Consistency);

/// <summary>That the log of <paramref name="FromSize"/> leaves is a prefix of the dossier's: RFC 9162 §2.1.4 proof nodes in hex.</summary>
public sealed record ConsistencyProof(long FromSize, IReadOnlyList<string> Proof);

/// <summary>The verdict: intact, or the first event or proof that breaks, and why.</summary>
public sealed record Verdict(bool Intact, int? Event, string Reason)
{
    public static readonly Verdict Ok = new(true, null, "intact");
}

/// <summary>
/// Checks a dossier trusting nothing of the server's: the checkpoint's signature under a key the auditor
/// holds, then event by event the sequence (1..n, no gap), each record naming its proposal and position,
/// the chain (each hash recomputed as
/// SHA-256(previous ‖ record), the first previous being 32 zero bytes), and the log (each record's leaf,
/// SHA-256(0x00 ‖ record), included at its position in the signed tree).
/// </summary>
public static class DossierVerifier
{
    public static string ChainHash(ReadOnlySpan<byte> previous, string record)
    {
        var recordBytes = Encoding.UTF8.GetBytes(record);
        var input = new byte[previous.Length + recordBytes.Length];
        previous.CopyTo(input);
        recordBytes.CopyTo(input, previous.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    public static Verdict Verify(Dossier dossier, NoteVerifierKey key)
    {
        var text = SignedNote.Open(dossier.Checkpoint, key);
        if (text is null || Checkpoint.Parse(text) is not { } checkpoint)
        {
            return new Verdict(false, null, $"the checkpoint is not signed by {key.Name} (or is malformed)");
        }

        var chain = VerifyChain(dossier.ProposalId, [.. dossier.Events.Select(e => (e.Sequence, e.RecordText, e.PreviousHash, e.Hash))]);
        if (!chain.Intact)
        {
            return chain;
        }

        foreach (var e in dossier.Events)
        {
            var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e.RecordText));
            var proof = e.Proof.Where(IsHex).Select(Convert.FromHexString).ToList();
            if (proof.Count != e.Proof.Count || !MerkleProof.VerifyInclusion(leaf, e.Position, checkpoint.Size, proof, checkpoint.Root))
            {
                return new Verdict(false, e.Sequence, $"its record is not the one the signed log holds at position {e.Position} (tree size {checkpoint.Size})");
            }
        }

        return Verdict.Ok;
    }

    /// <summary>
    /// As <see cref="Verify(Dossier, NoteVerifierKey)"/>, and for each witness key: the dossier carries a
    /// checkpoint that witness co-signed (under the log's key too), no larger than the dossier's, with a valid
    /// proof that the dossier's checkpoint extends it. A log rewritten after the witness signed cannot prove
    /// that, even with the log's own key in the wrong hands.
    /// </summary>
    public static Verdict Verify(Dossier dossier, NoteVerifierKey key, IReadOnlyList<NoteVerifierKey> witnesses) => Verify(dossier, [key], witnesses);

    /// <summary>
    /// As above for a log whose key was handed over: <paramref name="keys"/> are the log's keys the auditor accepts
    /// (the first and those its hand-overs reach, <see cref="KeyHandOver.Follow"/>); the dossier's checkpoint and the
    /// witnessed ones may each be signed by any of them.
    /// </summary>
    public static Verdict Verify(Dossier dossier, IReadOnlyList<NoteVerifierKey> keys, IReadOnlyList<NoteVerifierKey> witnesses)
    {
        var key = keys.FirstOrDefault(k => SignedNote.Open(dossier.Checkpoint, k) is not null) ?? keys[^1];
        var verdict = Verify(dossier, key);
        if (!verdict.Intact)
        {
            return verdict;
        }

        var checkpoint = Checkpoint.Parse(SignedNote.Open(dossier.Checkpoint, key)!)!;
        foreach (var witness in witnesses)
        {
            var cosigned = (dossier.Witnessed ?? [])
                .Where(w => SignedNote.Open(w.Note, witness) is not null)
                .Select(w => (Text: keys.Select(k => SignedNote.Open(w.Note, k)).FirstOrDefault(t => t is not null), w.Consistency))
                .Where(w => w.Text is not null && Checkpoint.Parse(w.Text) is not null)
                .Select(w => (Checkpoint: Checkpoint.Parse(w.Text!)!, w.Consistency))
                .ToList();
            if (cosigned.Count == 0)
            {
                return new Verdict(false, null, $"no checkpoint in the dossier is co-signed by the witness {witness.Name} (and signed by {key.Name})");
            }

            foreach (var (witnessed, consistency) in cosigned)
            {
                if (!Extends(checkpoint, witnessed, consistency))
                {
                    return new Verdict(false, null,
                        $"the log was rewritten: its checkpoint (size {checkpoint.Size}) does not extend the one {witness.Name} witnessed at size {witnessed.Size}");
                }
            }
        }

        return Verdict.Ok;
    }

    /// <summary>
    /// As above for an auditor who holds the log's first key (or any earlier one) and follows the hand-overs: the
    /// dossier's checkpoint must be signed by a key <paramref name="trusted"/> reaches, for its size; if not, the
    /// verdict names the checkpoint's size, the key that signed it and any hand-over that was refused.
    /// </summary>
    public static Verdict Verify(Dossier dossier, TrustedKeys trusted, IReadOnlyList<NoteVerifierKey> witnesses) =>
        trusted.SignerOf(dossier.Checkpoint) is (_, { } problem) ? new Verdict(false, null, problem) : Verify(dossier, trusted.All, witnesses);

    /// <summary>
    /// A later export of the same proposal against an earlier one the auditor kept (both already verified on
    /// their own): the later checkpoint extends the earlier (the later dossier's consistency proof from the
    /// earlier size), and every earlier event is still there, unchanged, at the same place in the log. Newest
    /// events cut off, or a log rebuilt without them, are named here.
    /// </summary>
    public static Verdict VerifySince(Dossier earlier, Dossier later, NoteVerifierKey key) => VerifySince(earlier, later, [key]);

    /// <summary>As above when the log's key was handed over between the two exports: each checkpoint under any of <paramref name="keys"/>.</summary>
    public static Verdict VerifySince(Dossier earlier, Dossier later, IReadOnlyList<NoteVerifierKey> keys)
    {
        if (earlier.ProposalId != later.ProposalId)
        {
            return new Verdict(false, null, $"the dossiers are of different proposals ({earlier.ProposalId}, {later.ProposalId})");
        }

        string? Open(string note) => keys.Select(k => SignedNote.Open(note, k)).FirstOrDefault(t => t is not null);
        if (Open(earlier.Checkpoint) is not { } earlierText || Checkpoint.Parse(earlierText) is not { } before
            || Open(later.Checkpoint) is not { } laterText || Checkpoint.Parse(laterText) is not { } after)
        {
            return new Verdict(false, null, $"a checkpoint is not signed by {string.Join(" or ", keys.Select(k => k.Name).Distinct())} (or is malformed)");
        }

        if (later.Since is not { } since || since.FromSize != before.Size)
        {
            return new Verdict(false, null, $"the later dossier carries no consistency proof from size {before.Size}: export it with ?since={before.Size}");
        }

        if (!Extends(after, before, since.Proof))
        {
            return new Verdict(false, null, $"the log was rewritten: its checkpoint (size {after.Size}) does not extend the earlier one (size {before.Size})");
        }

        for (var i = 0; i < earlier.Events.Count; i++)
        {
            var old = earlier.Events[i];
            if (i >= later.Events.Count)
            {
                return new Verdict(false, old.Sequence, $"it was in the earlier dossier (log position {old.Position}) and is missing now: the newest events were cut off");
            }

            var now = later.Events[i];
            if (now.Sequence != old.Sequence || now.Hash != old.Hash || now.Position != old.Position)
            {
                return new Verdict(false, old.Sequence, "it differs from the earlier dossier's event at the same place");
            }
        }

        return Verdict.Ok;
    }

    private static bool Extends(Checkpoint later, Checkpoint earlier, IReadOnlyList<string> proof) =>
        proof.All(IsHex)
        && MerkleProof.VerifyConsistency(earlier.Size, later.Size, earlier.Root, later.Root, [.. proof.Select(Convert.FromHexString)]);

    /// <summary>
    /// A proposal's hash chain alone: sequence 1..n without gap, each record naming this proposal and its own
    /// position, each previous hash the one before (32 zero bytes first), each hash recomputed from the record.
    /// </summary>
    public static Verdict VerifyChain(string proposalId, IReadOnlyList<(int Sequence, string RecordText, string PreviousHash, string Hash)> events)
    {
        var previous = new string('0', 64);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Sequence != i + 1)
            {
                return new Verdict(false, i + 1, $"found sequence {e.Sequence} where {i + 1} belongs: an event is missing, repeated or out of order");
            }

            if (e.PreviousHash != previous)
            {
                return new Verdict(false, e.Sequence, "its previous hash is not the hash of the event before it");
            }

            if (!NamesItsPlace(e.RecordText, proposalId, e.Sequence))
            {
                return new Verdict(false, e.Sequence, "its record names another proposal or position");
            }

            if (!IsHex(e.PreviousHash) || ChainHash(Convert.FromHexString(e.PreviousHash), e.RecordText) != e.Hash)
            {
                return new Verdict(false, e.Sequence, "its hash does not match its record: the record was changed");
            }

            previous = e.Hash;
        }

        return Verdict.Ok;
    }

    internal static bool NamesItsPlace(string record, string proposalId, int sequence)
    {
        try
        {
            using var document = JsonDocument.Parse(record);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("instance", out var instance) && instance.ValueKind == JsonValueKind.String && instance.GetString() == proposalId
                && root.TryGetProperty("seq", out var seq) && seq.TryGetInt32(out var n) && n == sequence;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static bool IsHex(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
