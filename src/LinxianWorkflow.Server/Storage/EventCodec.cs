using System.Collections.Frozen;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LinxianWorkflow.Engine.Instances;

namespace LinxianWorkflow.Server.Storage;

/// <summary>An event as stored: its canonical record text and its place in the stream's hash chain.</summary>
public sealed record StoredEvent(string InstanceId, int Sequence, string Record, string PreviousHash, string Hash);

/// <summary>
/// The canonical serialization of events (docs/storage.md). A record is one JSON object with keys sorted
/// by ordinal order at every level, no insignificant whitespace, non-ASCII text unescaped, times in UTC.
/// The stored text is the record; hash = SHA-256(previous hash ‖ UTF-8 of the record), the first event's
/// previous hash being 32 zero bytes. Verifying needs only the stored text, never a re-serialization.
/// </summary>
public static class EventCodec
{
    /// <summary>The version of the record layout; stored in every record as "v".</summary>
    public const int SchemaVersion = 1;

    public static readonly string GenesisHash = new('0', 64);

    public static readonly JsonSerializerOptions Json = CreateOptions();

    private static readonly FrozenDictionary<string, Type> EventTypes = typeof(WorkflowEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(WorkflowEvent)) && !t.IsAbstract)
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>The canonical record of <paramref name="e"/> in stream <paramref name="instanceId"/>.</summary>
    public static string Encode(string instanceId, RecordedEvent e)
    {
        var node = new JsonObject
        {
            ["v"] = SchemaVersion,
            ["instance"] = instanceId,
            ["seq"] = e.Sequence,
            ["at"] = e.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["actor"] = new JsonObject
            {
                ["id"] = e.ActorId,
                ["name"] = e.ActorName,
                ["role"] = e.Role,
                ["onBehalfOf"] = e.OnBehalfOf,
            },
            ["type"] = e.Data.GetType().Name,
            ["data"] = JsonSerializer.SerializeToNode(e.Data, e.Data.GetType(), Json),
        };
        return Canonical(node);
    }

    /// <summary>Reads a stored record back into the engine's event.</summary>
    /// <exception cref="InvalidDataException">The record is not one this version can read.</exception>
    public static RecordedEvent Decode(string record)
    {
        var node = JsonNode.Parse(record)?.AsObject() ?? throw new InvalidDataException("An event record is empty.");
        var version = (int?)node["v"];
        if (version is not SchemaVersion)
        {
            throw new InvalidDataException($"Event record schema version {version} is not readable by this build (reads {SchemaVersion}).");
        }

        var typeName = (string?)node["type"] ?? throw new InvalidDataException("An event record has no type.");
        if (!EventTypes.TryGetValue(typeName, out var type))
        {
            throw new InvalidDataException($"Unknown event type {typeName}.");
        }

        var actor = node["actor"]!.AsObject();
        var data = (WorkflowEvent)(node["data"].Deserialize(type, Json) ?? throw new InvalidDataException("An event record has no data."));
        return new RecordedEvent(
            (int)node["seq"]!,
            DateTimeOffset.Parse((string)node["at"]!, System.Globalization.CultureInfo.InvariantCulture),
            (string)actor["id"]!,
            (string)actor["name"]!,
            (string)actor["role"]!,
            (string?)actor["onBehalfOf"],
            data);
    }

    /// <summary>The chain hash of <paramref name="record"/> after <paramref name="previousHash"/> (both lowercase hex).</summary>
    public static string Hash(string previousHash, string record) =>
        Audit.DossierVerifier.ChainHash(Convert.FromHexString(previousHash), record);

    /// <summary>Chains <paramref name="events"/> onto a stream whose last hash is <paramref name="previousHash"/>.</summary>
    public static List<StoredEvent> Chain(string instanceId, string previousHash, IEnumerable<RecordedEvent> events)
    {
        var stored = new List<StoredEvent>();
        foreach (var e in events)
        {
            var record = Encode(instanceId, e);
            var hash = Hash(previousHash, record);
            stored.Add(new StoredEvent(instanceId, e.Sequence, record, previousHash, hash));
            previousHash = hash;
        }

        return stored;
    }

    /// <summary>
    /// Checks a stream hash by hash: sequence numbers 1..n with no gap, each record naming its stream and
    /// position, each previous hash the one before, each hash recomputed. Returns the first break, or null.
    /// </summary>
    public static string? Verify(string instanceId, IReadOnlyList<StoredEvent> events)
    {
        // The same check an auditor's verifier makes (LinxianWorkflow.Audit), phrased for the history view.
        var verdict = Audit.DossierVerifier.VerifyChain(instanceId, [.. events.Select(e => (e.Sequence, e.Record, e.PreviousHash, e.Hash))]);
        return verdict.Intact ? null : $"event {verdict.Event}: {verdict.Reason}";
    }

    private static string Canonical(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            WriteSorted(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
