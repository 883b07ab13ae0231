using System.Text;
using NSec.Cryptography;

namespace LinxianWorkflow.Audit.Tests;

/// <summary>
/// A synthetic log of two interleaved proposals, built with the library's own primitives, then checked by
/// the whole-log verifier and the dossier verifier (witnesses, an earlier dossier) and broken in each way an
/// insider could.
/// </summary>
public sealed class LogAndDossierTests : IDisposable
{
    private readonly Key _logKey = NewKey();
    private readonly Key _witnessKey = NewKey();

    private static Key NewKey() => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    private static NoteVerifierKey VerifierOf(string name, Key key)
    {
        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        return new NoteVerifierKey(name, NoteVerifierKey.KeyIdOf(name, pub), pub);
    }

    private NoteVerifierKey LogVerifierKey => VerifierOf("test-log", _logKey);

    private NoteVerifierKey WitnessVerifierKey => VerifierOf("witness-qikou", _witnessKey);

    public void Dispose()
    {
        _logKey.Dispose();
        _witnessKey.Dispose();
    }

    /// <summary>Records of proposals A and B interleaved (A1 B1 A2 B2 …), chained per proposal.</summary>
    private static List<LogEntry> Log(int count, Func<int, string>? body = null)
    {
        var previous = new Dictionary<string, (int Seq, string Hash)>();
        var entries = new List<LogEntry>();
        for (var i = 0; i < count; i++)
        {
            var proposal = i % 3 == 2 ? "P-B" : "P-A";
            var (seq, prev) = previous.TryGetValue(proposal, out var p) ? (p.Seq + 1, p.Hash) : (1, new string('0', 64));
            var record = $"{{\"at\":\"2026-11-27T00:00:{i % 60:00}Z\",\"data\":{{\"note\":\"{body?.Invoke(i) ?? "第" + i + "条"}\"}},\"instance\":\"{proposal}\",\"seq\":{seq},\"type\":\"TaskCompleted\",\"v\":1}}";
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(prev), record);
            entries.Add(new LogEntry(i, record, prev, hash));
            previous[proposal] = (seq, hash);
        }

        return entries;
    }

    private static List<byte[]> Leaves(IEnumerable<LogEntry> entries) =>
        [.. entries.Select(e => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e.RecordText)))];

    private string Sign(IReadOnlyList<LogEntry> entries, Key? key = null)
    {
        var leaves = Leaves(entries);
        return SignedNote.Sign(new Checkpoint("test-log", leaves.Count, MerkleTree.Root(leaves, leaves.Count)).Text(), "test-log", key ?? _logKey);
    }

    private static Dossier DossierOf(string proposal, IReadOnlyList<LogEntry> log, string checkpoint, IReadOnlyList<WitnessedCheckpoint>? witnessed = null, ConsistencyProof? since = null)
    {
        var leaves = Leaves(log);
        var events = log.Select(e => (Entry: e, Record: System.Text.Json.JsonDocument.Parse(e.RecordText).RootElement))
            .Where(x => x.Record.GetProperty("instance").GetString() == proposal)
            .Select(x => new DossierEvent(x.Record.GetProperty("seq").GetInt32(), x.Entry.RecordText, x.Entry.PreviousHash, x.Entry.Hash, x.Entry.Position,
                [.. MerkleTree.InclusionProof(leaves, x.Entry.Position, leaves.Count).Select(Convert.ToHexStringLower)]))
            .ToList();
        return new Dossier(proposal, events, checkpoint, witnessed, since);
    }

    private static List<string> Consistency(List<LogEntry> log, long from) =>
        [.. MerkleTree.ConsistencyProof(Leaves(log), from, log.Count).Select(Convert.ToHexStringLower)];

    [Fact]
    public void The_stack_built_root_is_the_recursive_root_for_every_size_up_to_70()
    {
        for (var n = 0; n <= 70; n++)
        {
            var leaves = Leaves(Log(n));
            Assert.Equal(MerkleTree.Root(leaves, n), LogVerifier.Root(leaves.SelectMany(l => l).ToArray(), n));
        }
    }

    [Fact]
    public void An_intact_log_verifies_and_reports_each_proposals_newest_event()
    {
        var log = Log(50);
        var verdict = LogVerifier.Verify(log, Sign(log), LogVerifierKey);
        Assert.True(verdict.Intact, verdict.Reason);
        Assert.Equal(50, verdict.Size);
        Assert.Equal(34, verdict.NewestSequence["P-A"]);
        Assert.Equal(16, verdict.NewestSequence["P-B"]);
    }

    [Fact]
    public void A_changed_record_is_named_by_position_and_a_recomputed_chain_still_breaks_the_signed_root()
    {
        var log = Log(30);
        var note = Sign(log);
        var changed = log.ToList();
        changed[7] = changed[7] with { RecordText = changed[7].RecordText.Replace("第7条", "第七条", StringComparison.Ordinal) };
        var verdict = LogVerifier.Verify(changed, note, LogVerifierKey);
        Assert.False(verdict.Intact);
        Assert.Equal(7, verdict.Position);
        Assert.Contains("record was changed", verdict.Reason, StringComparison.Ordinal);

        // The insider recomputes every hash: the chain holds, the signed tree does not.
        var rewritten = Log(30, i => i == 7 ? "第七条" : "第" + i + "条");
        var again = LogVerifier.Verify(rewritten, note, LogVerifierKey);
        Assert.False(again.Intact);
        Assert.Contains("signed tree", again.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cut_off_swapped_and_renumbered_entries_and_a_foreign_key_all_fail()
    {
        var log = Log(30);
        var note = Sign(log);
        Assert.Contains("cut off", LogVerifier.Verify(log.Take(28).ToList(), note, LogVerifierKey).Reason, StringComparison.Ordinal);

        var swapped = log.ToList();
        (swapped[3], swapped[4]) = (swapped[4] with { Position = 3 }, swapped[3] with { Position = 4 });
        var verdict = LogVerifier.Verify(swapped, note, LogVerifierKey);
        Assert.False(verdict.Intact);
        Assert.Equal(3, verdict.Position);

        var gap = log.Where(e => e.Position != 12).Select((e, i) => e with { Position = i }).ToList();
        Assert.False(LogVerifier.Verify(gap, Sign(gap), LogVerifierKey).Intact); // re-signed, yet proposal A skips a number

        using var other = NewKey();
        Assert.Null(LogVerifier.Verify(log, Sign(log, other), LogVerifierKey).Position);
        Assert.False(LogVerifier.Verify(log, Sign(log, other), LogVerifierKey).Intact);
    }

    [Fact]
    public void A_dossier_extending_a_witnessed_checkpoint_verifies_under_the_witness()
    {
        var early = Log(20);
        var witnessed = SignedNote.CoSign(Sign(early), "witness-qikou", _witnessKey);
        var log = Log(45);
        var dossier = DossierOf("P-A", log, Sign(log), [new WitnessedCheckpoint(witnessed, Consistency(log, 20))]);

        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(dossier, LogVerifierKey, [WitnessVerifierKey]));
        Assert.Contains("no checkpoint", DossierVerifier.Verify(dossier with { Witnessed = [] }, LogVerifierKey, [WitnessVerifierKey]).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_rewritten_with_the_logs_own_key_fails_against_the_witnessed_checkpoint()
    {
        var genuine = Log(45);
        var witnessed = SignedNote.CoSign(Sign(genuine.Take(20).ToList()), "witness-qikou", _witnessKey);

        // Whoever holds the log's key rewrites event 5 (position 6, under the witnessed size) and re-signs everything.
        var forged = Log(45, i => i == 6 ? "伪造" : "第" + i + "条");
        var proof = Consistency(genuine, 20); // the best proof on offer: the genuine one
        var dossier = DossierOf("P-A", forged, Sign(forged), [new WitnessedCheckpoint(witnessed, proof)]);

        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(dossier, LogVerifierKey)); // the stolen key alone convinces
        var verdict = DossierVerifier.Verify(dossier, LogVerifierKey, [WitnessVerifierKey]);
        Assert.False(verdict.Intact);
        Assert.Contains("rewritten", verdict.Reason, StringComparison.Ordinal);
        Assert.False(DossierVerifier.Verify(dossier with { Witnessed = [new WitnessedCheckpoint(witnessed, Consistency(forged, 20))] }, LogVerifierKey, [WitnessVerifierKey]).Intact);
    }

    [Fact]
    public void Newest_events_cut_off_are_named_against_the_earlier_dossier()
    {
        var log = Log(30);
        var earlier = DossierOf("P-A", log, Sign(log));
        var grown = Log(36);

        // Later: the log grew, but P-A's last two events (positions 28 and 27) are left out of the export.
        var later = DossierOf("P-A", grown, Sign(grown), since: new ConsistencyProof(30, Consistency(grown, 30)));
        Assert.Equal(Verdict.Ok, DossierVerifier.VerifySince(earlier, later, LogVerifierKey));
        var cut = later with { Events = [.. later.Events.Where(e => e.Position < 27)] };
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(cut, LogVerifierKey)); // on its own it looks whole
        var verdict = DossierVerifier.VerifySince(earlier, cut, LogVerifierKey);
        Assert.False(verdict.Intact);
        Assert.Equal(earlier.Events.Single(e => e.Position == 27).Sequence, verdict.Event);
        Assert.Contains("cut off", verdict.Reason, StringComparison.Ordinal);

        // A log rebuilt without those leaves and re-signed cannot prove it extends the earlier one.
        var rebuilt = log.Take(27).ToList();
        var shrunk = DossierOf("P-A", rebuilt, Sign(rebuilt), since: new ConsistencyProof(30, []));
        Assert.Contains("rewritten", DossierVerifier.VerifySince(earlier, shrunk, LogVerifierKey).Reason, StringComparison.Ordinal);
        Assert.Contains("?since=30", DossierVerifier.VerifySince(earlier, later with { Since = null }, LogVerifierKey).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dossier_signed_after_a_key_hand_over_verifies_from_the_first_key_and_an_unfollowed_key_is_named()
    {
        using var next = NewKey();
        using var stranger = NewKey();
        var nextKey = VerifierOf("test-log", next);
        var log = Log(9);
        var atFour = Leaves(log.Take(4));
        var handOver = new KeyHandOver("test-log", LogVerifierKey, nextKey, 4, MerkleTree.Root(atFour, 4)).Sign(_logKey, next);
        var dossier = DossierOf("P-A", log, Sign(log, next)) with { HandOvers = [handOver] };

        // From the first key, through the hand-over the dossier carries (the server's copy counts only by the first key's signature).
        var trusted = TrustedKeys.Follow(LogVerifierKey, dossier.HandOvers!);
        Assert.Equal([(0L, (long?)4L), (4L, null)], trusted.Keys.Select(k => (k.SignsAfter, k.SignsUpTo)));
        Assert.Equal(Verdict.Ok, DossierVerifier.Verify(dossier, trusted, []));

        // Without it, the verdict names the checkpoint's size and the key that signed it.
        var alone = DossierVerifier.Verify(dossier with { HandOvers = [] }, TrustedKeys.Follow(LogVerifierKey, []), []);
        Assert.False(alone.Intact);
        Assert.Contains($"(size 9) is signed by test-log+{nextKey.KeyId:x8}", alone.Reason, StringComparison.Ordinal);

        // A hand-over the trusted key did not sign (another key signed it, naming the first key as the old one) is refused, and said so.
        var forged = new KeyHandOver("test-log", LogVerifierKey, nextKey, 4, MerkleTree.Root(atFour, 4)).Sign(stranger, next);
        var refused = DossierVerifier.Verify(dossier with { HandOvers = [forged] }, TrustedKeys.Follow(LogVerifierKey, [forged]), []);
        Assert.False(refused.Intact);
        Assert.Contains($"the hand-over naming test-log+{nextKey.KeyId:x8} after size 4 is not signed by a trusted key", refused.Reason, StringComparison.Ordinal);

        // The first key signing past its hand-over (a checkpoint given up at a restore, or a stolen retired key) is not the log.
        var stale = DossierVerifier.Verify(DossierOf("P-A", log, Sign(log)) with { HandOvers = [handOver] }, trusted, []);
        Assert.False(stale.Intact);
        Assert.Contains($"(size 9) is signed by test-log+{LogVerifierKey.KeyId:x8} after it handed the log over at size 4", stale.Reason, StringComparison.Ordinal);
    }
}

public sealed class MerkleLevelsTests
{
    [Fact]
    public void Roots_and_every_inclusion_and_consistency_proof_equal_the_recursive_trees_up_to_70_leaves()
    {
        var leaves = Enumerable.Range(0, 70).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToList();
        var levels = new MerkleLevels();
        foreach (var leaf in leaves)
        {
            levels.Append(leaf);
        }

        for (var n = 0; n <= 70; n++)
        {
            Assert.Equal(MerkleTree.Root(leaves, n), levels.Root(n));
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(MerkleTree.InclusionProof(leaves, i, n), levels.InclusionProof(i, n));
            }

            for (var m = 0; m <= n; m++)
            {
                Assert.Equal(MerkleTree.ConsistencyProof(leaves, m, n), levels.ConsistencyProof(m, n));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => levels.Root(71));
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.InclusionProof(5, 5));
    }
}
