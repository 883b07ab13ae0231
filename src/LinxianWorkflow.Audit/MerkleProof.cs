using System.Security.Cryptography;

namespace LinxianWorkflow.Audit;

/// <summary>
/// Checking proofs as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) say, from the proof alone.
/// Every check answers false on anything malformed (a hash of the wrong length, a path too short or too
/// long, an index outside the tree); none throws on bad input.
/// </summary>
public static class MerkleProof
{
    /// <summary>True when <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of <paramref name="size"/> leaves whose root is <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size || leafHash.Length != MerkleTree.HashSize || root.Length != MerkleTree.HashSize || !WellFormed(proof))
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleTree.NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>True when the tree of <paramref name="first"/> leaves with root <paramref name="firstRoot"/> is a prefix of the tree of <paramref name="second"/> leaves with root <paramref name="secondRoot"/>.</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first < 0 || second < first || firstRoot.Length != MerkleTree.HashSize || secondRoot.Length != MerkleTree.HashSize || !WellFormed(proof))
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRoot, secondRoot);
        }

        if (first == 0)
        {
            return proof.Count == 0; // the empty tree is a prefix of every tree
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((first & (first - 1)) == 0)
        {
            path.Add(firstRoot.ToArray()); // a complete subtree: the old root is the proof's first node
        }

        path.AddRange(proof);
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleTree.NodeHash(c, fr);
                sr = MerkleTree.NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleTree.NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, firstRoot) && CryptographicOperations.FixedTimeEquals(sr, secondRoot);
    }

    private static bool WellFormed(IReadOnlyList<byte[]>? proof) =>
        proof is not null && proof.Count <= 64 && proof.All(p => p is { Length: MerkleTree.HashSize });
}
