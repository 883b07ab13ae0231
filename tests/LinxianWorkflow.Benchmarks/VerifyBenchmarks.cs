using System.Text;
using BenchmarkDotNet.Attributes;
using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Benchmarks;

/// <summary>
/// An auditor's verification of a dossier of 10,000 events (records of ~600 bytes, as the service writes
/// them) in a log of 10,000 leaves: the checkpoint's signature once, then per event the chain hash, the leaf
/// hash and a 14-node inclusion proof. The baseline hashes the same bytes once with SHA-256, the floor of any
/// verification of them.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class VerifyBenchmarks
{
    private const int Events = 10_000;
    private Dossier _dossier = null!;
    private NoteVerifierKey _key = null!;
    private byte[][] _records = null!;

    [GlobalSetup]
    public void Setup()
    {
        var records = Enumerable.Range(1, Events)
            .Select(i => $"{{\"actor\":{{\"id\":\"demo-xiwan-secretary\",\"name\":\"王书记（西湾村）\",\"onBehalfOf\":null,\"role\":\"party-secretary\"}},\"at\":\"2026-11-27T09:28:48.4171636Z\",\"data\":{{\"stepId\":\"branch-proposal\",\"visit\":2,\"record\":{{\"meetingKind\":\"branch-committee\",\"members\":7,\"present\":6,\"yes\":5,\"no\":1,\"minutes\":\"会议记录：议程、讨论、表决结果。\"}}}},\"instance\":\"141124109207-20261127-BENCH\",\"seq\":{i},\"type\":\"MeetingRecorded\",\"v\":1}}")
            .ToList();
        _records = [.. records.Select(Encoding.UTF8.GetBytes)];
        var leaves = records.Select(r => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(r))).ToList();
        var root = MerkleTree.Root(leaves, Events);
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _key = new NoteVerifierKey("bench", NoteVerifierKey.KeyIdOf("bench", publicKey), publicKey);
        var note = SignedNote.Sign(new Checkpoint("bench", Events, root).Text(), "bench", key);
        var previous = new string('0', 64);
        var events = new List<DossierEvent>(Events);
        for (var i = 0; i < Events; i++)
        {
            var hash = DossierVerifier.ChainHash(Convert.FromHexString(previous), records[i]);
            events.Add(new DossierEvent(i + 1, records[i], previous, hash, i, [.. MerkleTree.InclusionProof(leaves, i, Events).Select(Convert.ToHexStringLower)]));
            previous = hash;
        }

        _dossier = new Dossier("141124109207-20261127-BENCH", events, note);
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
    public bool VerifyDossier() => DossierVerifier.Verify(_dossier, _key).Intact;
}
