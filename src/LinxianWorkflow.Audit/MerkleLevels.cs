namespace LinxianWorkflow.Audit;

/// <summary>
/// An append-only Merkle tree that keeps every complete subtree's hash: level k holds the roots of the
/// aligned subtrees of 2^k leaves. Appending costs one hash per completed subtree (two per leaf on average),
/// and roots, inclusion proofs and consistency proofs of any size so far cost O(log² n) hashes instead of
/// <see cref="MerkleTree"/>'s O(n). Memory: about two hashes per leaf. Same results as <see cref="MerkleTree"/>
/// (tests compare them); not thread-safe: the caller serialises appends against reads.
/// </summary>
public sealed class MerkleLevels
{
    private readonly List<List<byte[]>> _levels = [[]];

    /// <summary>How many leaves the tree holds.</summary>
    public long Count => _levels[0].Count;

    public void Append(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        if (leafHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        }

        _levels[0].Add(leafHash);
        var node = leafHash;
        for (var k = 0; (_levels[k].Count & 1) == 0; k++)
        {
            // The level below just completed a pair: its parent is complete too.
            node = MerkleTree.NodeHash(_levels[k][^2], node);
            if (_levels.Count == k + 1)
            {
                _levels.Add([]);
            }

            _levels[k + 1].Add(node);
        }
    }

    /// <summary>MTH of the first <paramref name="size"/> leaves.</summary>
    public byte[] Root(long size)
    {
        Check(size);
        return size == 0 ? MerkleTree.EmptyRoot() : Subtree(0, size);
    }

    /// <summary>PATH(index, D[size]), as <see cref="MerkleTree.InclusionProof"/>.</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        Check(size);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(first, D[second]), as <see cref="MerkleTree.ConsistencyProof"/>.</summary>
    public List<byte[]> ConsistencyProof(long first, long second)
    {
        Check(second);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var proof = new List<byte[]>();
        if (first > 0 && first < second)
        {
            SubProof(first, 0, second, true, proof);
        }

        return proof;
    }

    private byte[] Subtree(long start, long count)
    {
        // A complete, aligned subtree is stored; any other is split as RFC 6962 splits it.
        if ((count & (count - 1)) == 0 && start % count == 0)
        {
            var k = System.Numerics.BitOperations.Log2((ulong)count);
            return _levels[k][checked((int)(start / count))];
        }

        var split = MerkleTree.Split(count);
        return MerkleTree.NodeHash(Subtree(start, split), Subtree(start + split, count - split));
    }

    private void Path(long index, long start, long count, List<byte[]> proof)
    {
        if (count <= 1)
        {
            return;
        }

        var k = MerkleTree.Split(count);
        if (index < k)
        {
            Path(index, start, k, proof);
            proof.Add(Subtree(start + k, count - k));
        }
        else
        {
            Path(index - k, start + k, count - k, proof);
            proof.Add(Subtree(start, k));
        }
    }

    private void SubProof(long m, long start, long count, bool whole, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!whole)
            {
                proof.Add(Subtree(start, count));
            }

            return;
        }

        var k = MerkleTree.Split(count);
        if (m <= k)
        {
            SubProof(m, start, k, whole, proof);
            proof.Add(Subtree(start + k, count - k));
        }
        else
        {
            SubProof(m - k, start + k, count - k, false, proof);
            proof.Add(Subtree(start, k));
        }
    }

    private void Check(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Count);
    }
}
