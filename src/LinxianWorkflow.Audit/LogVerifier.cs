using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LinxianWorkflow.Audit;

/// <summary>One entry of the whole log as an auditor exports it: its place, the event's stored record and its chain hashes.</summary>
public sealed record LogEntry(long Position, string RecordText, string PreviousHash, string Hash);

/// <summary>The whole log's verdict: intact, or the first position that breaks and why; and, when intact, each proposal's newest sequence number in the log.</summary>
public sealed record LogVerdict(bool Intact, long? Position, string Reason, long Size, IReadOnlyDictionary<string, int> NewestSequence);

/// <summary>
/// Checks a whole log export in one pass, trusting nothing of the server's: positions 0..n-1 without gap;
/// every record names a proposal and a sequence number that follows that proposal's previous one; every
/// event's previous hash is its predecessor's hash and its hash is SHA-256(previous ‖ record); the Merkle
/// root over every leaf SHA-256(0x00 ‖ record), built once (O(log n) memory), equals the signed checkpoint's.
/// The hashing runs on all cores; the linking is one sequential pass over the results.
/// </summary>
public static class LogVerifier
{
    private const int Chunk = 4096;

    public static LogVerdict Verify(IReadOnlyList<LogEntry> entries, string checkpointNote, NoteVerifierKey key)
    {
        if (SignedNote.Open(checkpointNote, key) is not { } text || Checkpoint.Parse(text) is not { } checkpoint)
        {
            return Broken(null, $"the checkpoint is not signed by {key.Name} (or is malformed)", entries.Count);
        }

        if (entries.Count != checkpoint.Size)
        {
            return Broken(null, $"the export holds {entries.Count} entries but the signed log has {checkpoint.Size}: entries were {(entries.Count < checkpoint.Size ? "cut off" : "added")}", entries.Count);
        }

        // Per entry, independently: the leaf hash, whether the stored hash matches the record, and where the record says it belongs.
        var leaves = new byte[entries.Count * MerkleTree.HashSize];
        var facts = new EntryFacts[entries.Count];
        Parallel.For(0, (entries.Count + Chunk - 1) / Chunk, chunk =>
        {
            var end = Math.Min(entries.Count, (chunk + 1) * Chunk);
            for (var i = chunk * Chunk; i < end; i++)
            {
                facts[i] = Hash(entries[i], leaves.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize));
            }
        });

        var newest = new Dictionary<string, (int Sequence, string Hash)>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var f = facts[i];
            if (e.Position != i)
            {
                return Broken(i, $"found position {e.Position} where {i} belongs: an entry is missing, repeated or out of order", entries.Count);
            }

            if (f.Proposal is null)
            {
                return Broken(i, "its record is not an event record (no proposal or sequence number)", entries.Count);
            }

            var (expected, previous) = newest.TryGetValue(f.Proposal, out var last) ? (last.Sequence + 1, last.Hash) : (1, new string('0', 64));
            if (f.Sequence != expected)
            {
                return Broken(i, $"{f.Proposal} event {f.Sequence} where {expected} belongs: an event is missing, repeated or out of order", entries.Count);
            }

            if (e.PreviousHash != previous)
            {
                return Broken(i, $"{f.Proposal} event {f.Sequence}: its previous hash is not the hash of the event before it", entries.Count);
            }

            if (!f.HashMatches)
            {
                return Broken(i, $"{f.Proposal} event {f.Sequence}: its hash does not match its record: the record was changed", entries.Count);
            }

            newest[f.Proposal] = (f.Sequence, e.Hash);
        }

        var root = Root(leaves, entries.Count);
        return CryptographicOperations.FixedTimeEquals(root, checkpoint.Root)
            ? new LogVerdict(true, null, "intact", entries.Count, newest.ToDictionary(p => p.Key, p => p.Value.Sequence, StringComparer.Ordinal))
            : Broken(null, $"the records do not make the signed tree (size {checkpoint.Size}): a record was changed, or entries were swapped", entries.Count);
    }

    /// <summary>The RFC 6962 root of <paramref name="count"/> leaf hashes laid end to end, built bottom-up with a stack of complete subtrees.</summary>
    public static byte[] Root(ReadOnlySpan<byte> leaves, int count)
    {
        if (count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        // stack[k] holds a complete subtree; sizes[k] its leaf count, strictly decreasing powers of two.
        var stack = new byte[64][];
        var sizes = new long[64];
        var top = 0;
        for (var i = 0; i < count; i++)
        {
            var hash = leaves.Slice(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray();
            long size = 1;
            while (top > 0 && sizes[top - 1] == size)
            {
                hash = MerkleTree.NodeHash(stack[top - 1], hash);
                size *= 2;
                top--;
            }

            stack[top] = hash;
            sizes[top] = size;
            top++;
        }

        // The right edge: the smaller subtrees hang off the larger ones, right to left.
        var root = stack[top - 1];
        for (var k = top - 2; k >= 0; k--)
        {
            root = MerkleTree.NodeHash(stack[k], root);
        }

        return root;
    }

    private readonly record struct EntryFacts(string? Proposal, int Sequence, bool HashMatches);

    private static EntryFacts Hash(LogEntry e, Span<byte> leaf)
    {
        var length = Encoding.UTF8.GetByteCount(e.RecordText);
        var rented = ArrayPool<byte>.Shared.Rent(MerkleTree.HashSize + length);
        try
        {
            // One buffer, two hashes: [previous (32 bytes) ‖ record] for the chain, then its last prefix byte
            // set to 0x00 for the leaf [0x00 ‖ record].
            var buffer = rented.AsSpan(0, MerkleTree.HashSize + length);
            var record = buffer[MerkleTree.HashSize..];
            Encoding.UTF8.GetBytes(e.RecordText, record);
            Span<byte> stored = stackalloc byte[MerkleTree.HashSize];
            Span<byte> computed = stackalloc byte[MerkleTree.HashSize];
            var hashMatches = DossierVerifier.IsHex(e.PreviousHash) && DossierVerifier.IsHex(e.Hash)
                && Convert.FromHexString(e.PreviousHash, buffer[..MerkleTree.HashSize], out _, out _) == OperationStatus.Done
                && Convert.FromHexString(e.Hash, stored, out _, out _) == OperationStatus.Done
                && SHA256.HashData(buffer, computed) == MerkleTree.HashSize
                && computed.SequenceEqual(stored);
            buffer[MerkleTree.HashSize - 1] = 0;
            SHA256.HashData(buffer[(MerkleTree.HashSize - 1)..], leaf);
            var (proposal, sequence) = Place(record);
            return new EntryFacts(proposal, sequence, hashMatches);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The record's top-level "instance" and "seq", read without building a document.</summary>
    private static (string? Proposal, int Sequence) Place(ReadOnlySpan<byte> record)
    {
        string? proposal = null;
        int? sequence = null;
        try
        {
            var reader = new Utf8JsonReader(record);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, 0);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("instance"u8))
                {
                    reader.Read();
                    proposal = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    sequence = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }

                if (proposal is not null && sequence is not null)
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            return (null, 0);
        }

        return proposal is not null && sequence is { } s ? (proposal, s) : (null, 0);
    }

    private static LogVerdict Broken(long? position, string reason, long size) =>
        new(false, position, reason, size, new Dictionary<string, int>());
}
