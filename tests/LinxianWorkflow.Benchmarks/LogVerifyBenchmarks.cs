using System.Text;
using BenchmarkDotNet.Attributes;
using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Benchmarks;

/// <summary>
/// Issue 5's verification target: a whole log of 1,000,000 events (records of ~600 bytes as the service
/// writes them, 1,000 proposals of 1,000 events interleaved) checked by <see cref="LogVerifier"/>: per event
/// the chain hash, the leaf hash and the record's place; the tree built once; the signature once. Baseline:
/// one SHA-256 over each record on one thread, the floor of any single-threaded check of those bytes.
/// Also the cost of producing one inclusion proof from 1,000,000 leaf hashes, as the server does per request.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class LogVerifyBenchmarks
{
    private const int Events = 1_000_000;
    private const int Proposals = 1_000;
    private List<LogEntry> _entries = null!;
    private byte[][] _records = null!;
    private List<byte[]> _leaves = null!;
    private MerkleLevels _levels = null!;
    private string _note = null!;
    private NoteVerifierKey _key = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _entries = new List<LogEntry>(Events);
        _records = new byte[Events][];
        _leaves = new List<byte[]>(Events);
        var previous = Enumerable.Repeat(new string('0', 64), Proposals).ToArray();
        for (var i = 0; i < Events; i++)
        {
            var proposal = i % Proposals;
            var seq = (i / Proposals) + 1;
            var record = $"{{\"actor\":{{\"id\":\"demo-xiwan-secretary\",\"name\":\"王书记（西湾村）\",\"onBehalfOf\":null,\"role\":\"party-secretary\"}},\"at\":\"2026-11-27T09:28:48.4171636Z\",\"data\":{{\"stepId\":\"branch-proposal\",\"visit\":2,\"record\":{{\"meetingKind\":\"branch-committee\",\"members\":7,\"present\":6,\"yes\":5,\"no\":1,\"minutes\":\"会议记录：议程、讨论、表决结果。\"}}}},\"instance\":\"141124109207-20261127-{proposal:0000}\",\"seq\":{seq},\"type\":\"MeetingRecorded\",\"v\":1}}";
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(previous[proposal]), record);
            _entries.Add(new LogEntry(i, record, previous[proposal], hash));
            _records[i] = Encoding.UTF8.GetBytes(record);
            _leaves.Add(MerkleTree.LeafHash(_records[i]));
            previous[proposal] = hash;
        }

        _levels = new MerkleLevels();
        foreach (var leaf in _leaves)
        {
            _levels.Append(leaf);
        }

        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _key = new NoteVerifierKey("bench", NoteVerifierKey.KeyIdOf("bench", publicKey), publicKey);
        _note = SignedNote.Sign(new Checkpoint("bench", Events, MerkleTree.Root(_leaves, Events)).Text(), "bench", key);
        if (!LogVerifier.Verify(_entries, _note, _key).Intact)
        {
            throw new InvalidOperationException("the benchmark's log does not verify");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int Sha256OfTheRecordsOnly()
    {
        var sum = 0;
        foreach (var r in _records)
        {
            sum += System.Security.Cryptography.SHA256.HashData(r)[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public bool VerifyWholeLog() => LogVerifier.Verify(_entries, _note, _key).Intact;

    /// <summary>One inclusion proof over 1,000,000 leaf hashes in memory, rehashing the subtrees (what the server did first).</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public int InclusionProofRehashingTheLeaves()
    {
        _next = (_next + 7919) % Events;
        return MerkleTree.InclusionProof(_leaves, _next, Events).Count;
    }

    /// <summary>One inclusion proof from the kept subtree roots (<see cref="MerkleLevels"/>, what the server does now).</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public int InclusionProofFromKeptSubtrees()
    {
        _next = (_next + 7919) % Events;
        return _levels.InclusionProof(_next % (Events - 3), Events - 3).Count; // a size that is neither a power of two nor the tree's own
    }
}
