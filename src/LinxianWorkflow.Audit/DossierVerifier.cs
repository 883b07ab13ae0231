using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LinxianWorkflow.Audit;

/// <summary>One event of a dossier: its stored record, its chain hashes, and its place and proof in the log.</summary>
public sealed record DossierEvent(int Sequence, string RecordText, string PreviousHash, string Hash, long Position, IReadOnlyList<string> Proof);

/// <summary>A proposal's exported history: its events with proofs, the signed checkpoint they are proved against.</summary>
public sealed record Dossier(string ProposalId, IReadOnlyList<DossierEvent> Events, string Checkpoint);

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

    private static bool NamesItsPlace(string record, string proposalId, int sequence)
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

    private static bool IsHex(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
