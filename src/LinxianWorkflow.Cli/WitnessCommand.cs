using System.Net.Http.Headers;
using System.Net.Http.Json;
using LinxianWorkflow.Audit;
using NSec.Cryptography;

namespace LinxianWorkflow.Cli;

/// <summary>
/// A township's witness (issue 5). `linxian witness-key name keyfile` makes the township's Ed25519 key (the
/// file holds the name and the private seed; keep it off the server) and prints the verifier key an
/// administrator registers. `linxian witness server token keyfile logkey` fetches the newest checkpoint,
/// checks it is signed by the log key it was given, checks the consistency proof from the last checkpoint the
/// township signed (whose witness signature it checks too), and only then co-signs and hands it in.
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

    private sealed record Request(string Township, string WitnessKey, string Checkpoint, long Size, string? Previous, long PreviousSize, List<string> Consistency);

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

        var request = (await reply.Content.ReadFromJsonAsync<Request>(VerifyCommand.Json))!;
        if (SignedNote.Open(request.Checkpoint, logKey) is not { } text || Checkpoint.Parse(text) is not { } checkpoint)
        {
            Console.WriteLine($"拒签 / refused: the checkpoint is not signed by {logKey.Name}");
            return 1;
        }

        if (request.Previous is not null)
        {
            if (SignedNote.Open(request.Previous, self) is null || SignedNote.Open(request.Previous, logKey) is not { } previousText
                || Checkpoint.Parse(previousText) is not { } previous)
            {
                Console.WriteLine("拒签 / refused: the previous checkpoint shown is not one this key co-signed");
                return 1;
            }

            if (!MerkleProof.VerifyConsistency(previous.Size, checkpoint.Size, previous.Root, checkpoint.Root, [.. request.Consistency.Select(Convert.FromHexString)]))
            {
                Console.WriteLine($"拒签 / refused: the log of size {checkpoint.Size} does not extend the one this township witnessed at size {previous.Size}: report it to the county auditors");
                return 1;
            }
        }

        var cosigned = SignedNote.CoSign(request.Checkpoint, name, key);
        using var handed = await http.PostAsJsonAsync(new Uri("/api/witness/cosignatures", UriKind.Relative), new { note = cosigned, township = request.Township });
        if (!handed.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"服务器拒绝 / the server refused ({(int)handed.StatusCode}): {await handed.Content.ReadAsStringAsync()}");
            return 2;
        }

        Console.WriteLine($"已见证 / witnessed: {request.Township}, checkpoint of size {checkpoint.Size}" + (request.Previous is null ? "" : $", extending size {request.PreviousSize}"));
        return 0;
    }
}
