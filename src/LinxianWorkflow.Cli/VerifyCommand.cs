using System.Text.Json;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Cli;

/// <summary>
/// `linxian verify dossier.json key`: checks an exported dossier with nothing but the audit library and the
/// log's verifier key (given as text, or a file holding it). Exit 0 when intact; 1 naming the first break.
/// </summary>
internal static class VerifyCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static int Run(string dossierPath, string keyArgument)
    {
        var keyText = File.Exists(keyArgument) ? File.ReadAllText(keyArgument).Trim() : keyArgument.Trim();
        if (NoteVerifierKey.Parse(keyText) is not { } key)
        {
            Console.Error.WriteLine($"公钥格式无效 / not a verifier key (name+keyid+base64): {keyText}");
            return 2;
        }

        Dossier? dossier;
        try
        {
            dossier = JsonSerializer.Deserialize<Dossier>(File.ReadAllText(dossierPath), Json);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            Console.Error.WriteLine($"无法读取档案 / cannot read the dossier {dossierPath}: {e.Message}");
            return 2;
        }

        if (dossier is null)
        {
            Console.Error.WriteLine($"档案为空 / the dossier {dossierPath} is empty");
            return 2;
        }

        var verdict = DossierVerifier.Verify(dossier, key);
        if (verdict.Intact)
        {
            Console.WriteLine($"完整 / intact: {dossier.ProposalId}, {dossier.Events.Count} events, checkpoint signed by {key.Name}");
            return 0;
        }

        Console.WriteLine(verdict.Event is { } at
            ? $"不完整 / broken: {dossier.ProposalId}, event {at}: {verdict.Reason}"
            : $"不完整 / broken: {dossier.ProposalId}: {verdict.Reason}");
        return 1;
    }
}
