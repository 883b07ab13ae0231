using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Cli;

/// <summary>
/// A township's witness (issue 5). `linxian witness-key name keyfile` makes the township's Ed25519 key (the
/// file holds the name and the private seed; keep it off the server) and prints the verifier key an
/// administrator registers. `linxian witness server token keyfile logkey` fetches the newest checkpoint,
/// checks it is signed by the log key it was given (or one that key's hand-overs reach, for its size), checks the
/// consistency proof from the last checkpoint the township signed (whose witness signature it checks too), and only
/// then co-signs and hands it in. After a restore the log restarts below what the township signed: the witness accepts
/// that only on a hand-over signed by the key it trusts that gives up the checkpoint it signed; it co-signs the
/// hand-over (the township's decision, kept by the server and in keyfile.restarts.json) and then the restarted log.
/// </summary>
internal static class WitnessCommand
{
    public static int NewKey(string name, string path)
    {
        if (File.Exists(path))
        {
            Console.Error.WriteLine($"文件已存在，不覆盖 / {path} exists; not overwriting a key");
            return 2;
        }

        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        File.WriteAllText(path, $"{name}\n{Convert.ToBase64String(key.Export(KeyBlobFormat.RawPrivateKey))}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Console.WriteLine(new NoteVerifierKey(name, NoteVerifierKey.KeyIdOf(name, pub), pub));
        return 0;
    }

    private sealed record Request(string Township, string WitnessKey, string Checkpoint, long Size, string? Previous, long PreviousSize, List<string> Consistency, string? HandOver);

    private sealed record KeyEntry(string? HandOver);

    /// <summary>A restart this witness accepted, kept beside its key (<c>&lt;keyfile&gt;.restarts.json</c>).</summary>
    private sealed record Accepted(string Township, long AbandonedSize, long RestartSize, string HandOver, DateTimeOffset At);

    public static async Task<int> SignAsync(string server, string token, string keyPath, string logKeyArgument)
    {
        if (VerifyCommand.Key(logKeyArgument) is not { } logKey)
        {
            return 2;
        }

        var lines = File.ReadAllLines(keyPath);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(lines[1].Trim()), KeyBlobFormat.RawPrivateKey);
        var name = lines[0].Trim();
        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var self = new NoteVerifierKey(name, NoteVerifierKey.KeyIdOf(name, pub), pub);

        using var http = new HttpClient { BaseAddress = new Uri(server) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var reply = await http.GetAsync(new Uri("/api/witness/checkpoint", UriKind.Relative));
        if (!reply.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"服务器拒绝 / the server refused ({(int)reply.StatusCode}): {await reply.Content.ReadAsStringAsync()}");
            return 2;
        }

        // The log's keys this witness accepts: the one it was given, and those the hand-overs signed by it reach
        // (published by the server, and the restarts this witness accepted before; only the trusted key's signature counts).
        var recordPath = keyPath + ".restarts.json";
        var accepted = File.Exists(recordPath) ? JsonSerializer.Deserialize<List<Accepted>>(await File.ReadAllTextAsync(recordPath), VerifyCommand.Json) ?? [] : [];
        var published = await http.GetFromJsonAsync<List<KeyEntry>>(new Uri("/api/public/log/keys", UriKind.Relative), VerifyCommand.Json) ?? [];
        var trusted = TrustedKeys.Follow(logKey, [.. accepted.Select(a => a.HandOver), .. published.Select(k => k.HandOver).OfType<string>()]);

        var request = (await reply.Content.ReadFromJsonAsync<Request>(VerifyCommand.Json))!;
        var (signer, problem) = trusted.SignerOf(request.Checkpoint);
        if (signer is null || Checkpoint.Parse(SignedNote.Open(request.Checkpoint, signer)!) is not { } checkpoint)
        {
            Console.WriteLine($"拒签 / refused: {problem}");
            return 1;
        }

        // The last checkpoint this township co-signed: the server's record, or this witness's own (keyfile.last) when
        // that is larger, so a server that lost or hid its record cannot make the witness sign a fork.
        var lastPath = keyPath + ".last";
        var previousNote = request.Previous;
        if (File.Exists(lastPath) && await File.ReadAllTextAsync(lastPath) is var kept && SignedNote.UnverifiedText(kept) is { } keptText
            && Checkpoint.Parse(keptText) is { } keptCheckpoint && (previousNote is null || keptCheckpoint.Size > Checkpoint.Parse(SignedNote.UnverifiedText(previousNote) ?? "")?.Size))
        {
            previousNote = kept;
        }

        Accepted? restart = null;
        if (previousNote is not null)
        {
            if (SignedNote.Open(previousNote, self) is null || trusted.All.Select(k => SignedNote.Open(previousNote, k)).FirstOrDefault(t => t is not null) is not { } previousText
                || Checkpoint.Parse(previousText) is not { } previous)
            {
                Console.WriteLine("拒签 / refused: the previous checkpoint shown is not one this key co-signed");
                return 1;
            }

            // Given up when the log is now smaller, or its key handed the log over below it (a restore).
            var givenUp = previous.Size > checkpoint.Size || trusted.SignerOf(previousNote).Key is null;
            if (!givenUp)
            {
                var proof = await ConsistencyAsync(http, previous.Size, checkpoint.Size);
                if (!MerkleProof.VerifyConsistency(previous.Size, checkpoint.Size, previous.Root, checkpoint.Root, proof))
                {
                    Console.WriteLine($"拒签 / refused: the log of size {checkpoint.Size} does not extend the one this township witnessed at size {previous.Size}: report it to the county auditors");
                    return 1;
                }
            }
            else
            {
                // Only a hand-over signed by a trusted key that gives this checkpoint up lets the witness go on.
                var handOvers = trusted.Keys.Skip(1).Select(k => (Key: k, Note: HandOverNaming(k.Key, [.. accepted.Select(a => a.HandOver), .. published.Select(p => p.HandOver).OfType<string>()])))
                    .Where(h => h.Note is not null).Select(h => (h.Note!, KeyHandOver.Parse(SignedNote.UnverifiedText(h.Note!)!)!)).ToList();
                var gives = handOvers.LastOrDefault(h => h.Item2.Abandoned is { } a && h.Item2.Size < previous.Size && previous.Size <= a.Size
                    && (previous.Size != a.Size || previous.Root.AsSpan().SequenceEqual(a.Root)));
                if (gives.Item2 is not { } handOver)
                {
                    Console.WriteLine($"拒签 / refused: the log (size {checkpoint.Size}) does not extend the checkpoint this township witnessed at size {previous.Size}, and no hand-over signed by the log key this witness trusts gives that checkpoint up: report it to the county auditors");
                    return 1;
                }

                var proof = await ConsistencyAsync(http, handOver.Size, checkpoint.Size);
                if (!MerkleProof.VerifyConsistency(handOver.Size, checkpoint.Size, handOver.Root, checkpoint.Root, proof))
                {
                    Console.WriteLine($"拒签 / refused: the restarted log of size {checkpoint.Size} does not extend the hand-over's checkpoint of size {handOver.Size}: report it to the county auditors");
                    return 1;
                }

                if (accepted.All(a => SignedNote.UnverifiedText(a.HandOver) != SignedNote.UnverifiedText(gives.Item1)))
                {
                    // The restart accepted: the hand-over co-signed and handed in (the township's decision, on the record), and kept here.
                    var cosignedHandOver = SignedNote.CoSign(gives.Item1, name, key);
                    using var recorded = await http.PostAsJsonAsync(new Uri("/api/witness/restarts", UriKind.Relative), new { note = cosignedHandOver, township = request.Township });
                    if (!recorded.IsSuccessStatusCode)
                    {
                        Console.Error.WriteLine($"服务器拒绝 / the server refused ({(int)recorded.StatusCode}): {await recorded.Content.ReadAsStringAsync()}");
                        return 2;
                    }

                    restart = new Accepted(request.Township, handOver.Abandoned!.Size, handOver.Size, cosignedHandOver, DateTimeOffset.UtcNow);
                    await File.WriteAllTextAsync(recordPath, JsonSerializer.Serialize<List<Accepted>>([.. accepted, restart], VerifyCommand.Json));
                    Console.WriteLine($"已接受重启 / restart accepted: {request.Township} gives up the checkpoint of size {previous.Size} it witnessed; the log restarts from size {handOver.Size} under {handOver.New.Name}+{handOver.New.KeyId:x8} (kept in {recordPath})");
                }
            }
        }

        var cosigned = SignedNote.CoSign(request.Checkpoint, name, key);
        using var handed = await http.PostAsJsonAsync(new Uri("/api/witness/cosignatures", UriKind.Relative), new { note = cosigned, township = request.Township });
        if (!handed.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"服务器拒绝 / the server refused ({(int)handed.StatusCode}): {await handed.Content.ReadAsStringAsync()}");
            return 2;
        }

        await File.WriteAllTextAsync(lastPath, cosigned);
        var extending = restart is not null ? $", extending the restart at size {restart.RestartSize}" : request.Previous is null ? "" : $", extending size {request.PreviousSize}";
        Console.WriteLine($"已见证 / witnessed: {request.Township}, checkpoint of size {checkpoint.Size}{extending}");
        return 0;
    }

    /// <summary>The hand-over note among <paramref name="notes"/> that names <paramref name="next"/> as the new key (already checked by <see cref="TrustedKeys"/>).</summary>
    private static string? HandOverNaming(NoteVerifierKey next, IEnumerable<string> notes) =>
        notes.FirstOrDefault(n => SignedNote.UnverifiedText(n) is { } t && KeyHandOver.Parse(t) is { } h && h.New.ToString() == next.ToString() && KeyHandOver.Open(n, h.Old) is not null);

    private sealed record ConsistencyReply(List<string> Proof);

    /// <summary>The log's consistency proof between two sizes (GET /api/public/log/consistency).</summary>
    private static async Task<byte[][]> ConsistencyAsync(HttpClient http, long from, long to)
    {
        var reply = await http.GetFromJsonAsync<ConsistencyReply>(new Uri($"/api/public/log/consistency?from={from}&to={to}", UriKind.Relative), VerifyCommand.Json);
        return [.. (reply?.Proof ?? []).Select(Convert.FromHexString)];
    }
}
