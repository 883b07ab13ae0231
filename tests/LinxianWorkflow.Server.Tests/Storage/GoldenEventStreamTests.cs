using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Tests.Storage;

// Events are kept forever and never rewritten, so every build must read every record an older build wrote.
// The golden streams (GoldenEventStreams) are such records, committed once; these tests read them on every run.
//
// When an event type gains an optional member, do NOT regenerate the golden files: they are the old records.
// The re-encoding check below tolerates exactly that change (a member the stored record lacks, re-encoded with
// its default value); any other difference between the stored text and the re-encoding is format drift.
public class GoldenEventStreamTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>Each stream with the end its fold must reach.</summary>
    public static TheoryData<string, InstanceStatus, EndResult?, string> Streams => new()
    {
        { "archived-with-records", InstanceStatus.Ended, EndResult.Archived, "archived" },
        { "deadline-and-objections-escalated", InstanceStatus.Ended, EndResult.Archived, "archived" },
        { "objection-upheld-then-overturned", InstanceStatus.Ended, EndResult.Terminated, "overturned" },
        { "rehearings-then-withdrawn", InstanceStatus.Ended, EndResult.Terminated, "withdrawn" },
        { "corrected-then-revoked", InstanceStatus.Ended, EndResult.Terminated, "revoked" },
        { "migrated-to-v2", InstanceStatus.Ended, EndResult.Archived, "archived" },
        { "mediation-extended-and-archived", InstanceStatus.Ended, EndResult.Archived, "archived" },
    };

    [Fact]
    public void Golden_streams_are_regenerated_only_on_request()
    {
        // Only on request, and only missing files: rewriting a committed stream would replace the old records with new
        // ones and so hide the drift they exist to catch.
        if (Environment.GetEnvironmentVariable(GoldenEventStreams.WriteVariable) == "1")
        {
            GoldenEventStreams.WriteMissing();
        }

        var onDisk = Directory.GetFiles(GoldenEventStreams.Folder, "*.jsonl").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(GoldenEventStreams.Names.Order(StringComparer.Ordinal), onDisk);
        Assert.Equal(GoldenEventStreams.Names.Order(StringComparer.Ordinal), Streams.Select(row => (string)row[0]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Every_golden_stream_decodes_and_its_chain_verifies(string name, InstanceStatus status, EndResult? result, string endStep)
    {
        var lines = GoldenEventStreams.Read(name);
        Assert.NotEmpty(lines);
        var stored = lines.Select(l => new StoredEvent(name, l.Seq, l.Record, l.PreviousHash, l.Hash)).ToList();
        Assert.Null(EventCodec.Verify(name, stored));

        var previous = EventCodec.GenesisHash;
        var decoded = new List<RecordedEvent>();
        foreach (var line in lines)
        {
            // The chain by hand, from the stored text alone, as docs/storage.md tells an auditor to do it.
            Assert.Equal(previous, line.PreviousHash);
            Assert.Equal(Sha256Hex(line.PreviousHash, line.Record), line.Hash);
            previous = line.Hash;

            var e = EventCodec.Decode(line.Record);
            Assert.Equal(line.Seq, e.Sequence);
            Assert.Equal(line.Record, WithoutAddedDefaults(line.Record, EventCodec.Encode(name, e)));
            decoded.Add(e);
        }

        var state = InstanceState.From(decoded);
        Assert.Equal(lines.Count, state.Version);
        Assert.Equal(status, state.Status);
        Assert.Equal(result, state.Result);
        Assert.Equal(endStep, state.CurrentStep);
        Assert.Equal(name, state.Start!.ProposalId);
    }

    [Fact]
    public void Every_event_type_appears_in_at_least_one_golden_stream()
    {
        // A new event type fails here until a golden stream (GoldenEventStreams) records it.
        var types = typeof(WorkflowEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(WorkflowEvent)) && !t.IsAbstract)
            .Select(t => t.Name)
            .ToList();
        Assert.True(types.Count >= 25, $"only {types.Count} event types found by reflection");
        var recorded = GoldenEventStreams.Names
            .SelectMany(GoldenEventStreams.Read)
            .Select(l => EventCodec.Decode(l.Record).Data.GetType().Name)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(types.Where(t => !recorded.Contains(t)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_record_written_before_an_optional_member_existed_still_decodes_and_its_stored_hash_still_verifies()
    {
        // Rewrite a golden stream as an older build without TaskCompleted.note and TimerScheduled.objectionId
        // would have stored it: the members are absent from the text, and the chain is hashed over that text.
        const string Name = "archived-with-records";
        var golden = GoldenEventStreams.Read(Name);
        var older = new List<StoredEvent>();
        var previous = EventCodec.GenesisHash;
        var stripped = new HashSet<int>();
        foreach (var line in golden)
        {
            var node = JsonNode.Parse(line.Record)!.AsObject();
            var data = node["data"]!.AsObject();
            var member = (string?)node["type"] switch
            {
                nameof(TaskCompleted) => "note",
                nameof(TimerScheduled) => "objectionId",
                _ => null,
            };
            var record = line.Record;
            if (member is not null && data.ContainsKey(member) && data[member] is null)
            {
                data.Remove(member);
                record = node.ToJsonString(Relaxed);
                stripped.Add(line.Seq);
            }

            var hash = EventCodec.Hash(previous, record);
            older.Add(new StoredEvent(Name, line.Seq, record, previous, hash));
            previous = hash;
        }

        Assert.Contains(older, e => stripped.Contains(e.Sequence) && e.Record.Contains("\"type\":\"TaskCompleted\"", StringComparison.Ordinal));
        Assert.Contains(older, e => stripped.Contains(e.Sequence) && e.Record.Contains("\"type\":\"TimerScheduled\"", StringComparison.Ordinal));

        // The chain is checked over the stored text as it is; nothing is re-serialized to verify it.
        Assert.Null(EventCodec.Verify(Name, older));

        var decoded = older.Select(e => EventCodec.Decode(e.Record)).ToList();
        foreach (var (e, line, old) in decoded.Zip(golden, older))
        {
            // The absent member reads as its default, so the event is the one the golden record holds.
            Assert.Equal(EventCodec.Encode(Name, EventCodec.Decode(line.Record)), EventCodec.Encode(Name, e));
            switch (e.Data)
            {
                case TaskCompleted task when stripped.Contains(e.Sequence):
                    Assert.Null(task.Note);
                    break;
                case TimerScheduled timer when stripped.Contains(e.Sequence):
                    Assert.Null(timer.ObjectionId);
                    break;
            }

            // Re-encoding now writes the member (so the bytes differ), which the comparison accepts as an added default.
            var reencoded = EventCodec.Encode(Name, e);
            if (stripped.Contains(e.Sequence))
            {
                Assert.NotEqual(old.Record, reencoded);
            }

            Assert.Equal(old.Record, WithoutAddedDefaults(old.Record, reencoded));
        }

        var state = InstanceState.From(decoded);
        Assert.Equal(InstanceStatus.Ended, state.Status);
        Assert.Equal(EndResult.Archived, state.Result);
    }

    [Fact]
    public void A_record_with_a_data_member_this_build_does_not_know_is_refused()
    {
        // The codec reads with UnmappedMemberHandling.Disallow: a member it does not know (a typo, or a field a newer
        // build added) is an error rather than silently dropped, so a build never folds an event it half understands.
        // Reading old records forward is supported; reading newer records with an older build is not.
        var line = GoldenEventStreams.Read("archived-with-records")
            .First(l => l.Record.Contains("\"type\":\"TaskCompleted\"", StringComparison.Ordinal));
        var node = JsonNode.Parse(line.Record)!.AsObject();
        node["data"]!.AsObject()["reviewedBy"] = "someone";

        var refused = Assert.Throws<JsonException>(() => EventCodec.Decode(node.ToJsonString(Relaxed)));
        Assert.Contains("reviewedBy", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_re_encoding_comparison_forgives_only_default_members_the_stored_record_lacks()
    {
        const string Stored = """{"data":{"a":1,"inner":{"x":"是"},"list":[{"y":2}]},"type":"T"}""";
        const string Added = """{"data":{"a":1,"b":null,"c":false,"d":0,"e":0.0,"inner":{"x":"是","z":null},"list":[{"y":2,"w":false}]},"type":"T"}""";
        Assert.Equal(Stored, WithoutAddedDefaults(Stored, Added));

        // A member with a value, a changed value or a lost member is drift and stays visible.
        Assert.NotEqual(Stored, WithoutAddedDefaults(Stored, """{"data":{"a":1,"f":true,"inner":{"x":"是"},"list":[{"y":2}]},"type":"T"}"""));
        Assert.NotEqual(Stored, WithoutAddedDefaults(Stored, """{"data":{"a":1,"g":"","inner":{"x":"是"},"list":[{"y":2}]},"type":"T"}"""));
        Assert.NotEqual(Stored, WithoutAddedDefaults(Stored, """{"data":{"a":2,"inner":{"x":"是"},"list":[{"y":2}]},"type":"T"}"""));
        Assert.NotEqual(Stored, WithoutAddedDefaults(Stored, """{"data":{"inner":{"x":"是"},"list":[{"y":2}]},"type":"T"}"""));
    }

    /// <summary>
    /// The re-encoded record with every member dropped that the stored record lacks and whose value is null, false
    /// or zero: what a type that gained an optional member writes for an old event. The result is written like the
    /// codec writes (same key order, as the re-encoding is canonical; same escaping), so comparing it with the stored
    /// text catches any other difference byte for byte.
    /// </summary>
    private static string WithoutAddedDefaults(string stored, string reencoded)
    {
        var reencodedNode = JsonNode.Parse(reencoded)!;
        Prune(JsonNode.Parse(stored), reencodedNode);
        return reencodedNode.ToJsonString(Relaxed);
    }

    private static void Prune(JsonNode? stored, JsonNode? reencoded)
    {
        switch (stored, reencoded)
        {
            case (JsonObject s, JsonObject r):
                foreach (var key in r.Select(p => p.Key).ToList())
                {
                    if (!s.ContainsKey(key))
                    {
                        if (IsDefault(r[key]))
                        {
                            r.Remove(key);
                        }
                    }
                    else
                    {
                        Prune(s[key], r[key]);
                    }
                }

                break;
            case (JsonArray s, JsonArray r) when s.Count == r.Count:
                for (var i = 0; i < s.Count; i++)
                {
                    Prune(s[i], r[i]);
                }

                break;
        }
    }

    private static bool IsDefault(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == 0,
        _ => false,
    };

    private static string Sha256Hex(string previousHash, string record) =>
        Convert.ToHexStringLower(SHA256.HashData([.. Convert.FromHexString(previousHash), .. Encoding.UTF8.GetBytes(record)]));
}
