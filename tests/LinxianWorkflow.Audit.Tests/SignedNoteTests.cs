using NSec.Cryptography;

namespace LinxianWorkflow.Audit.Tests;

public class SignedNoteTests
{
    // The example of golang.org/x/mod/sumdb/note (checked independently with Python's cryptography package).
    private const string PeterNeumann = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string Note = Text + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    private static Key NewKey() => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    private static NoteVerifierKey VerifierOf(string name, Key key)
    {
        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        return new NoteVerifierKey(name, NoteVerifierKey.KeyIdOf(name, pub), pub);
    }

    [Fact]
    public void The_reference_note_verifies_under_its_key_and_the_key_round_trips()
    {
        var key = NoteVerifierKey.Parse(PeterNeumann)!;
        Assert.Equal(0xc74f20a3u, key.KeyId);
        Assert.Equal(PeterNeumann, key.ToString());
        Assert.Equal(Text, SignedNote.Open(Note, key));
    }

    [Fact]
    public void A_verifier_key_whose_base64_holds_a_plus_sign_round_trips()
    {
        for (var i = 0; i < 200; i++)
        {
            using var key = NewKey();
            var verifier = VerifierOf("log", key);
            var text = verifier.ToString();
            if (text.Split('+').Length > 3)
            {
                Assert.Equal(verifier.KeyId, NoteVerifierKey.Parse(text)!.KeyId);
                Assert.Equal(text, NoteVerifierKey.Parse(text)!.ToString());
                return;
            }
        }

        Assert.Fail("no key with '+' in its base64 in 200 tries");
    }

    [Fact]
    public void A_changed_text_a_changed_signature_another_key_or_a_broken_layout_fails()
    {
        var key = NoteVerifierKey.Parse(PeterNeumann)!;
        Assert.Null(SignedNote.Open(Note.Replace("problem,", "problem;", StringComparison.Ordinal), key));
        Assert.Null(SignedNote.Open(Note.Replace("x08go", "x08gp", StringComparison.Ordinal), key));
        Assert.Null(SignedNote.Open(Note.Replace("\n\n", "\n", StringComparison.Ordinal), key));
        Assert.Null(SignedNote.Open(Note.Replace("\u2014 ", "- ", StringComparison.Ordinal), key));
        Assert.Null(SignedNote.Open(Note[..^1], key));
        using var other = NewKey();
        Assert.Null(SignedNote.Open(Note, VerifierOf("PeterNeumann", other)));
        Assert.Null(NoteVerifierKey.Parse(PeterNeumann.Replace("c74f20a3", "c74f20a4", StringComparison.Ordinal)));
        Assert.Null(NoteVerifierKey.Parse("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
    }

    [Fact]
    public void A_checkpoint_signed_by_the_log_and_cosigned_by_a_witness_verifies_under_both_and_an_altered_size_under_neither()
    {
        using var log = NewKey();
        using var witness = NewKey();
        var root = MerkleTree.Root([MerkleTree.LeafHash([1]), MerkleTree.LeafHash([2])], 2);
        var text = new Checkpoint("linxian.example/141124", 2, root).Text();
        var note = SignedNote.CoSign(SignedNote.Sign(text, "linxian.example/141124", log), "township-141124109", witness);

        Assert.Equal(text, SignedNote.Open(note, VerifierOf("linxian.example/141124", log)));
        Assert.Equal(text, SignedNote.Open(note, VerifierOf("township-141124109", witness)));
        var checkpoint = Checkpoint.Parse(SignedNote.Open(note, VerifierOf("linxian.example/141124", log))!)!;
        Assert.Equal(2, checkpoint.Size);
        Assert.Equal(root, checkpoint.Root);

        var altered = note.Replace("\n2\n", "\n3\n", StringComparison.Ordinal);
        Assert.Null(SignedNote.Open(altered, VerifierOf("linxian.example/141124", log)));
        Assert.Null(SignedNote.Open(altered, VerifierOf("township-141124109", witness)));
    }

    [Fact]
    public void A_checkpoint_is_exactly_origin_size_and_root()
    {
        var root = new byte[32];
        Assert.Throws<ArgumentException>(() => new Checkpoint("linxian\n7\nAAAA", 1, root).Text());
        Assert.Throws<ArgumentException>(() => new Checkpoint("", 1, root).Text());
        Assert.Throws<ArgumentException>(() => new Checkpoint("o", 1, new byte[31]).Text());
        var good = new Checkpoint("o", 12, root).Text();
        Assert.NotNull(Checkpoint.Parse(good));
        Assert.NotNull(Checkpoint.Parse(good + "extension line\n"));
        Assert.Null(Checkpoint.Parse(good.Replace("\n12\n", "\n012\n", StringComparison.Ordinal)));
        Assert.Null(Checkpoint.Parse(good.Replace("\n12\n", "\n-12\n", StringComparison.Ordinal)));
        Assert.Null(Checkpoint.Parse(good.Replace("\n12\n", "\n1 2\n", StringComparison.Ordinal)));
        Assert.Null(Checkpoint.Parse(good[..^1]));
        Assert.Null(Checkpoint.Parse("o\n12\n" + Convert.ToBase64String(new byte[31]) + "\n"));
        Assert.Null(Checkpoint.Parse("o\n12\n"));
        Assert.Null(Checkpoint.Parse(good + "\n"));
    }
}
