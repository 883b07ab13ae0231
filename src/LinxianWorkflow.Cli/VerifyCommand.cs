using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Cli;

/// <summary>
/// `linxian verify dossier.json key [--witness key]… [--since earlier.json] [--hand-over file]…`: checks an exported
/// dossier with nothing but the audit library and keys the auditor holds (as text, or files holding them). The key is
/// the log key the auditor trusts; when the log's key was handed over since, the hand-overs (carried in the dossier,
/// or given as files: a signed note, or GET /api/public/log/keys saved) lead from it to the key that signed, each
/// accepted only when signed by the key before. With a witness key, the dossier must extend a checkpoint that witness
/// co-signed; with an earlier dossier, every earlier event must still be there. `linxian verify-log log.json key
/// [--hand-over file]…` checks a whole log export. Exit 0 when intact; 1 naming the first break; 2 for unusable input.
/// </summary>
internal static class VerifyCommand
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count < 2)
        {
            return Usage.Show();
        }

        var witnesses = new List<NoteVerifierKey>();
        var handOvers = new List<string>();
        Dossier? earlier = null;
        for (var i = 2; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                return Usage.Show();
            }

            switch (args[i])
            {
                case "--witness" when Key(args[i + 1]) is { } w:
                    witnesses.Add(w);
                    break;
                case "--since" when Read<Dossier>(args[i + 1]) is { } d:
                    earlier = d;
                    break;
                case "--hand-over" when HandOvers(args[i + 1]) is { } notes:
                    handOvers.AddRange(notes);
                    break;
                case "--witness" or "--since" or "--hand-over":
                    return 2;
                default:
                    return Usage.Show();
            }
        }

        if (Key(args[1]) is not { } key || Read<Dossier>(args[0]) is not { } dossier)
        {
            return 2;
        }

        var trusted = TrustedKeys.Follow(key, [.. dossier.HandOvers ?? [], .. earlier?.HandOvers ?? [], .. handOvers]);
        var verdict = DossierVerifier.Verify(dossier, trusted, witnesses);
        if (verdict.Intact && earlier is not null)
        {
            var before = DossierVerifier.Verify(earlier, trusted, []);
            verdict = before.Intact ? DossierVerifier.VerifySince(earlier, dossier, trusted.All) : before with { Reason = "the earlier dossier: " + before.Reason };
        }

        if (verdict.Intact)
        {
            var witnessed = witnesses.Count == 0 ? "" : $", extending checkpoints co-signed by {string.Join(", ", witnesses.Select(w => w.Name))}";
            var since = earlier is null ? "" : $", every event of the earlier dossier ({earlier.Events.Count}) still there";
            Console.WriteLine($"完整 / intact: {dossier.ProposalId}, {dossier.Events.Count} events, checkpoint signed by {SignedBy(trusted, dossier.Checkpoint)}{witnessed}{since}");
            return 0;
        }

        Console.WriteLine(verdict.Event is { } at
            ? $"不完整 / broken: {dossier.ProposalId}, event {at}: {verdict.Reason}"
            : $"不完整 / broken: {dossier.ProposalId}: {verdict.Reason}");
        return 1;
    }

    public static int RunLog(IReadOnlyList<string> args)
    {
        var handOvers = new List<string>();
        for (var i = 2; i < args.Count; i += 2)
        {
            if (args[i] != "--hand-over" || i + 1 >= args.Count)
            {
                return Usage.Show();
            }

            if (HandOvers(args[i + 1]) is not { } notes)
            {
                return 2;
            }

            handOvers.AddRange(notes);
        }

        if (args.Count < 2 || Key(args[1]) is not { } root || Read<LogFile>(args[0]) is not { } log)
        {
            return args.Count < 2 ? Usage.Show() : 2;
        }

        var trusted = TrustedKeys.Follow(root, [.. log.HandOvers ?? [], .. handOvers]);
        var (key, problem) = trusted.SignerOf(log.Checkpoint);
        if (key is null)
        {
            Console.WriteLine($"不完整 / broken: {problem}");
            return 1;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var verdict = LogVerifier.Verify(log.Entries, log.Checkpoint, key);
        if (verdict.Intact)
        {
            Console.WriteLine($"完整 / intact: {verdict.Size} events of {verdict.NewestSequence.Count} proposals, checkpoint signed by {SignedBy(trusted, log.Checkpoint)} ({started.Elapsed.TotalSeconds:0.00} s)");
            return 0;
        }

        Console.WriteLine(verdict.Position is { } p ? $"不完整 / broken at log position {p}: {verdict.Reason}" : $"不完整 / broken: {verdict.Reason}");
        return 1;
    }

    private sealed record LogFile(string Checkpoint, List<LogEntry> Entries, List<string>? HandOvers);

    /// <summary>The key that signed, and how it was reached from the trusted one.</summary>
    private static string SignedBy(TrustedKeys trusted, string checkpoint)
    {
        var key = trusted.SignerOf(checkpoint).Key!;
        var steps = trusted.Keys.ToList().FindIndex(k => k.Key.ToString() == key.ToString());
        return steps == 0 ? key.Name : $"{key.Name}+{key.KeyId:x8}, reached from the trusted key {trusted.Keys[0].Key.Name}+{trusted.Keys[0].Key.KeyId:x8} through {steps} key hand-over(s)";
    }

    /// <summary>
    /// Hand-over notes from a file: one signed note, or the JSON of GET /api/public/log/keys (each key's handOver);
    /// null (said on standard error) when the file cannot be read or holds neither.
    /// </summary>
    private static List<string>? HandOvers(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"无法读取 / cannot read {path}: {e.Message}");
            return null;
        }

        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                return [.. (JsonSerializer.Deserialize<List<KeyEntry>>(text, Json) ?? []).Select(k => k.HandOver).OfType<string>()];
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"无法读取 / cannot read {path}: {e.Message}");
                return null;
            }
        }

        if (SignedNote.UnverifiedText(text) is { } note && KeyHandOver.Parse(note) is not null)
        {
            return [text];
        }

        Console.Error.WriteLine($"不是密钥交接声明 / {path} holds no key hand-over (a signed note, or GET /api/public/log/keys saved)");
        return null;
    }

    private sealed record KeyEntry(string? HandOver);

    internal static NoteVerifierKey? Key(string argument)
    {
        var text = File.Exists(argument) ? File.ReadAllText(argument).Trim() : argument.Trim();
        if (NoteVerifierKey.Parse(text) is { } key)
        {
            return key;
        }

        Console.Error.WriteLine($"公钥格式无效 / not a verifier key (name+keyid+base64): {text}");
        return null;
    }

    private static T? Read<T>(string path)
        where T : class
    {
        try
        {
            if (JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) is { } value)
            {
                return value;
            }

            Console.Error.WriteLine($"文件为空 / {path} is empty");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"无法读取 / cannot read {path}: {e.Message}");
        }

        return null;
    }
}
