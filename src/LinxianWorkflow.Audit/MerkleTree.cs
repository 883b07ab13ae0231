using System.Security.Cryptography;

namespace LinxianWorkflow.Audit;

/// <summary>
/// RFC 6962 §2.1 (= RFC 9162 §2.1) Merkle tree hashing over SHA-256: a leaf is SHA-256(0x00 ‖ entry), an
/// interior node SHA-256(0x01 ‖ left ‖ right), a tree of n leaves splits at the largest power of two below n.
/// Building proofs takes the leaves' hashes; checking them takes nothing but the proof (<see cref="MerkleProof"/>).
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var input = new byte[entry.Length + 1];
        entry.CopyTo(input.AsSpan(1));
        return SHA256.HashData(input);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = 1;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        return SHA256.HashData(input);
    }

    /// <summary>MTH(D[n]) over the first <paramref name="size"/> leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves, long size)
    {
        CheckSize(leaves, size);
        return size == 0 ? EmptyRoot() : Subtree(leaves, 0, size);
    }

    /// <summary>PATH(m, D[n]): the audit path of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static List<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, long index, long size)
    {
        CheckSize(leaves, size);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path(leaves, index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(m, D[n]): that the tree of the first <paramref name="first"/> leaves is a prefix of the tree of <paramref name="second"/>.</summary>
    public static List<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, long first, long second)
    {
        CheckSize(leaves, second);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof(leaves, first, 0, second, true, proof);
        }

        return proof;
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2).</summary>
    internal static long Split(long n) => 1L << (int)(63 - long.LeadingZeroCount(n - 1));

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, long start, long count)
    {
        if (count == 1)
        {
            return leaves[checked((int)start)];
        }

        var k = Split(count);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, count - k));
    }

    private static void Path(IReadOnlyList<byte[]> leaves, long index, long start, long count, List<byte[]> proof)
    {
        if (count <= 1)
        {
            return;
        }

        var k = Split(count);
        if (index < k)
        {
            Path(leaves, index, start, k, proof);
            proof.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            Path(leaves, index - k, start + k, count - k, proof);
            proof.Add(Subtree(leaves, start, k));
        }
    }

    private static void SubProof(IReadOnlyList<byte[]> leaves, long m, long start, long count, bool whole, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!whole)
            {
                proof.Add(Subtree(leaves, start, count));
            }

            return;
        }

        var k = Split(count);
        if (m <= k)
        {
            SubProof(leaves, m, start, k, whole, proof);
            proof.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            SubProof(leaves, m - k, start + k, count - k, false, proof);
            proof.Add(Subtree(leaves, start, k));
        }
    }

    private static void CheckSize(IReadOnlyList<byte[]> leaves, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, leaves.Count);
    }
}
