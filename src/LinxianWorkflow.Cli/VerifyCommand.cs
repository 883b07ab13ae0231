using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Cli;

/// <summary>
/// `linxian verify dossier.json key [--witness key]… [--since earlier.json]`: checks an exported dossier with
/// nothing but the audit library and keys the auditor holds (as text, or files holding them). With a witness
/// key, the dossier must extend a checkpoint that witness co-signed; with an earlier dossier, every earlier
/// event must still be there. `linxian verify-log log.json key` checks a whole log export.
/// Exit 0 when intact; 1 naming the first break; 2 for unusable input.
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
                case "--witness" or "--since":
                    return 2;
                default:
                    return Usage.Show();
            }
        }

        if (Key(args[1]) is not { } key || Read<Dossier>(args[0]) is not { } dossier)
        {
            return 2;
        }

        var verdict = DossierVerifier.Verify(dossier, key, witnesses);
        if (verdict.Intact && earlier is not null)
        {
            var before = DossierVerifier.Verify(earlier, key);
            verdict = before.Intact ? DossierVerifier.VerifySince(earlier, dossier, key) : before with { Reason = "the earlier dossier: " + before.Reason };
        }

        if (verdict.Intact)
        {
            var witnessed = witnesses.Count == 0 ? "" : $", extending checkpoints co-signed by {string.Join(", ", witnesses.Select(w => w.Name))}";
            var since = earlier is null ? "" : $", every event of the earlier dossier ({earlier.Events.Count}) still there";
            Console.WriteLine($"完整 / intact: {dossier.ProposalId}, {dossier.Events.Count} events, checkpoint signed by {key.Name}{witnessed}{since}");
            return 0;
        }

        Console.WriteLine(verdict.Event is { } at
            ? $"不完整 / broken: {dossier.ProposalId}, event {at}: {verdict.Reason}"
            : $"不完整 / broken: {dossier.ProposalId}: {verdict.Reason}");
        return 1;
    }

    public static int RunLog(string path, string keyArgument)
    {
        if (Key(keyArgument) is not { } key || Read<LogFile>(path) is not { } log)
        {
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var verdict = LogVerifier.Verify(log.Entries, log.Checkpoint, key);
        if (verdict.Intact)
        {
            Console.WriteLine($"完整 / intact: {verdict.Size} events of {verdict.NewestSequence.Count} proposals, checkpoint signed by {key.Name} ({started.Elapsed.TotalSeconds:0.00} s)");
            return 0;
        }

        Console.WriteLine(verdict.Position is { } p ? $"不完整 / broken at log position {p}: {verdict.Reason}" : $"不完整 / broken: {verdict.Reason}");
        return 1;
    }

    private sealed record LogFile(string Checkpoint, List<LogEntry> Entries);

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
