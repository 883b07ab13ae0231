using NSec.Cryptography;

namespace LinxianWorkflow.Audit.Tests;

public class KeyHandOverTests
{
    private const string Origin = "linxian-workflow";

    private static Key NewKey() => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    private static NoteVerifierKey VerifierOf(Key key)
    {
        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        return new NoteVerifierKey(Origin, NoteVerifierKey.KeyIdOf(Origin, pub), pub);
    }

    [Fact]
    public void A_hand_over_opens_with_the_old_key_only_and_the_chain_is_followed_from_the_first_key()
    {
        using var first = NewKey();
        using var second = NewKey();
        using var third = NewKey();
        var root = MerkleTree.Root([MerkleTree.LeafHash([1])], 1);
        var one = new KeyHandOver(Origin, VerifierOf(first), VerifierOf(second), 1, root).Sign(first, second);
        var two = new KeyHandOver(Origin, VerifierOf(second), VerifierOf(third), 5, root, new Checkpoint(Origin, 9, root)).Sign(second, third);

        var opened = KeyHandOver.Open(one, VerifierOf(first))!;
        Assert.Equal((VerifierOf(second).ToString(), 1L, Convert.ToHexString(root)), (opened.New.ToString(), opened.Size, Convert.ToHexString(opened.Root)));
        Assert.Null(KeyHandOver.Open(one, VerifierOf(second))); // the new key signed it too, but it does not name itself as the old one
        Assert.Equal(9, KeyHandOver.Open(two, VerifierOf(second))!.Abandoned!.Size);
        Assert.Equal(new[] { first, second, third }.Select(k => VerifierOf(k).ToString()), KeyHandOver.Follow(VerifierOf(first), [two, one]).Select(k => k.ToString()));

        // The chain stops where no hand-over signed by the current key goes on; another key's hand-over is ignored.
        using var stranger = NewKey();
        var forged = new KeyHandOver(Origin, VerifierOf(first), VerifierOf(stranger), 1, root).Sign(stranger, stranger);
        Assert.Single(KeyHandOver.Follow(VerifierOf(first), [forged]));
        Assert.Null(KeyHandOver.Open(one.Replace("\n1\n", "\n2\n", StringComparison.Ordinal), VerifierOf(first)));
    }

    [Fact]
    public void A_hand_over_without_the_new_keys_signature_or_with_a_malformed_line_is_refused()
    {
        using var old = NewKey();
        using var next = NewKey();
        var handOver = new KeyHandOver(Origin, VerifierOf(old), VerifierOf(next), 3, MerkleTree.EmptyRoot());
        Assert.Null(KeyHandOver.Open(SignedNote.Sign(handOver.Text(), Origin, old), VerifierOf(old)));
        Assert.Equal(handOver.Text(), KeyHandOver.Parse(handOver.Text())!.Text());
        Assert.Null(KeyHandOver.Parse(handOver.Text().Replace("key hand-over", "key handover", StringComparison.Ordinal)));
        Assert.Null(KeyHandOver.Parse(handOver.Text() + "abandoned x y\n"));
    }
}
