using CsCheck;

namespace LinxianWorkflow.Audit.Tests;

public class MerkleTreeTests
{
    // The eight leaves of RFC 6962's reference test data (Certificate Transparency's merkle_test).
    private static readonly byte[][] Entries =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static readonly List<byte[]> Leaves = [.. Entries.Select(e => MerkleTree.LeafHash(e))];

    private static string Hex(byte[] h) => Convert.ToHexStringLower(h);

    private static List<byte[]> Hashes(params string[] hex) => [.. hex.Select(Convert.FromHexString)];

    [Fact]
    public void The_roots_of_the_reference_trees_are_rfc_6962s()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex(MerkleTree.EmptyRoot()));
        for (var n = 1; n <= 8; n++)
        {
            Assert.Equal(Roots[n - 1], Hex(MerkleTree.Root(Leaves, n)));
        }
    }

    [Fact]
    public void Inclusion_and_consistency_proofs_are_the_reference_ones()
    {
        Assert.Equal(["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"], MerkleTree.InclusionProof(Leaves, 0, 8).Select(Hex));
        Assert.Equal(["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], MerkleTree.InclusionProof(Leaves, 5, 8).Select(Hex));
        Assert.Equal(["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], MerkleTree.ConsistencyProof(Leaves, 6, 8).Select(Hex));
        Assert.Equal(["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"], MerkleTree.ConsistencyProof(Leaves, 2, 5).Select(Hex));
        Assert.Empty(MerkleTree.InclusionProof(Leaves, 0, 1));
        Assert.Empty(MerkleTree.ConsistencyProof(Leaves, 8, 8));
    }

    [Fact]
    public void Every_proof_of_every_tree_up_to_40_leaves_verifies_and_no_other_index_or_size_does()
    {
        var leaves = Enumerable.Range(0, 41).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToList();
        for (var n = 1; n <= 40; n++)
        {
            var root = MerkleTree.Root(leaves, n);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.InclusionProof(leaves, i, n);
                Assert.True(MerkleProof.VerifyInclusion(leaves[i], i, n, proof, root), $"leaf {i} of {n}");
                if (n > 1)
                {
                    Assert.False(MerkleProof.VerifyInclusion(leaves[i], (i + 1) % n, n, proof, root), $"leaf {i} of {n} at another index");
                }

                // Against the checkpoint of the next size (its size and its root), the old path fails.
                Assert.False(MerkleProof.VerifyInclusion(leaves[i], i, n + 1, proof, MerkleTree.Root(leaves, n + 1)), $"leaf {i} of {n} against {n + 1}");
            }

            for (var m = 0; m <= n; m++)
            {
                var proof = MerkleTree.ConsistencyProof(leaves, m, n);
                var oldRoot = MerkleTree.Root(leaves, m);
                Assert.True(MerkleProof.VerifyConsistency(m, n, oldRoot, root, proof), $"{m} → {n}");
                if (m > 0 && m < n)
                {
                    Assert.False(MerkleProof.VerifyConsistency(m, n, root, oldRoot, proof), $"{m} → {n} with the roots swapped");
                    Assert.False(MerkleProof.VerifyConsistency(m, n + 1, oldRoot, MerkleTree.Root(leaves, n + 1), proof), $"{m} → {n} against {n + 1}");
                    if (m > 1)
                    {
                        Assert.False(MerkleProof.VerifyConsistency(m - 1, n, MerkleTree.Root(leaves, m - 1), root, proof), $"{m} → {n} as if from {m - 1}");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_proof_with_any_bit_flipped_truncated_or_extended_fails()
    {
        var root = MerkleTree.Root(Leaves, 7);
        var inclusion = MerkleTree.InclusionProof(Leaves, 4, 7);
        var oldRoot = MerkleTree.Root(Leaves, 3);
        var consistency = MerkleTree.ConsistencyProof(Leaves, 3, 7);
        for (var node = 0; node < inclusion.Count; node++)
        {
            for (var bit = 0; bit < 256; bit++)
            {
                Assert.False(MerkleProof.VerifyInclusion(Leaves[4], 4, 7, Flip(inclusion, node, bit), root));
            }
        }

        for (var node = 0; node < consistency.Count; node++)
        {
            for (var bit = 0; bit < 256; bit++)
            {
                Assert.False(MerkleProof.VerifyConsistency(3, 7, oldRoot, root, Flip(consistency, node, bit)));
            }
        }

        Assert.False(MerkleProof.VerifyInclusion(Leaves[4], 4, 7, inclusion[..^1], root));
        Assert.False(MerkleProof.VerifyInclusion(Leaves[4], 4, 7, [.. inclusion, root], root));
        Assert.False(MerkleProof.VerifyConsistency(3, 7, oldRoot, root, consistency[..^1]));
        Assert.False(MerkleProof.VerifyConsistency(3, 7, oldRoot, root, [.. consistency, root]));
        Assert.False(MerkleProof.VerifyConsistency(3, 7, oldRoot, root, []));
        Assert.False(MerkleProof.VerifyInclusion(Leaves[4], 4, 7, [root[..16]], root));
        Assert.False(MerkleProof.VerifyInclusion(Leaves[4], -1, 7, inclusion, root));
        Assert.False(MerkleProof.VerifyInclusion(Leaves[4], 7, 7, inclusion, root));
        Assert.False(MerkleProof.VerifyConsistency(7, 3, root, oldRoot, consistency));
        Assert.False(MerkleProof.VerifyConsistency(7, 7, root, oldRoot, []));
    }

    [Fact]
    public void Random_logs_every_inclusion_and_consistency_proof_verifies() =>
        Gen.Int[1, 300].SelectMany(n => Gen.Int[0, n - 1].SelectMany(i => Gen.Int[0, n].Select(m => (n, i, m))))
            .Sample(t =>
            {
                var (n, i, m) = t;
                var leaves = Enumerable.Range(0, n).Select(k => MerkleTree.LeafHash(BitConverter.GetBytes(k * 7919))).ToList();
                var root = MerkleTree.Root(leaves, n);
                return MerkleProof.VerifyInclusion(leaves[i], i, n, MerkleTree.InclusionProof(leaves, i, n), root)
                    && MerkleProof.VerifyConsistency(m, n, MerkleTree.Root(leaves, m), root, MerkleTree.ConsistencyProof(leaves, m, n));
            }, iter: 300);

    private static List<byte[]> Flip(List<byte[]> proof, int node, int bit)
    {
        var copy = proof.Select(p => p.ToArray()).ToList();
        copy[node][bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }
}
