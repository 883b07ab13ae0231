using System.Diagnostics;

namespace LinxianWorkflow.Cli.Tests;

// `linxian validate`, run as a real process the way a clerk or CI runs it.
public class CliTests
{
    private static (int Exit, string Out, string Err) Linxian(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "linxian.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "linxian did not finish within a minute");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Validate_accepts_the_repositorys_workflows()
    {
        var (exit, output, error) = Linxian("validate", Repository.WorkflowsFolder);
        Assert.True(exit == 0, error);
        Assert.Contains("siyi-liangkai@1", output, StringComparison.Ordinal);
        Assert.Contains("siyi-liangkai@2", output, StringComparison.Ordinal);
        Assert.Contains("procedure  siyi-liangkai  四议两公开 / Four deliberations, two disclosures  versions 1, 2 (new instances start on 2)", output, StringComparison.Ordinal);
        Assert.Contains("procedure  renmin-tiaojie  人民调解 / People's mediation  (不公开 / not public)  versions 1 (new instances start on 1)", output, StringComparison.Ordinal);
        Assert.Contains("renmin-tiaojie/linxian@1", output, StringComparison.Ordinal);
        Assert.Contains("valid: 2 procedure(s), 3 definition(s), 6 profile(s)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("siyi-liangkai.v1.workflow.json", "\"to\": \"archived\"", "\"to\": \"archive\"",
        "siyi-liangkai.v1.workflow.json: step 'result-disclosure': outcome 'closed' leads to 'archive', which is not a step")]
    [InlineData("renmin-tiaojie.v1.workflow.json", "\"covers\": \"parties\", \"outcomes\": [\"writtenAgreement\"]", "\"covers\": \"party\", \"outcomes\": [\"writtenAgreement\"]",
        "renmin-tiaojie.v1.workflow.json: step 'mediation': field 'agreementSignedBy': 'covers' names 'party', which is no names field of this definition")]
    [InlineData("renmin-tiaojie.v1.workflow.json", "\"roles\": [\"judicial-assistant\"],", "\"roles\": [\"township-reviewer\"],",
        "renmin-tiaojie.v1.workflow.json: step 'take-over': 'intervention 'take-over' roles' names unknown role 'township-reviewer'")]
    [InlineData("renmin-tiaojie.v1.workflow.json", "\"requiresEntries\": [\"follow-up\"]", "\"requiresEntries\": [\"visit\"]",
        "renmin-tiaojie.v1.workflow.json: step 'performance': outcome 'performed': 'requiresEntries' names 'visit', which is not an entry of this step",
        2)] // performed and notPerformed; the broken definition's profiles are not also reported as orphans
    public void Validate_rejects_a_broken_copy_naming_the_file_and_the_step(string file, string from, string to, string expected, int? errors = null)
    {
        var copy = Directory.CreateTempSubdirectory("linxian-broken-");
        try
        {
            foreach (var source in Directory.EnumerateFiles(Repository.WorkflowsFolder, "*.json", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy.FullName, Path.GetRelativePath(Repository.WorkflowsFolder, source));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
            }

            var definition = Path.Combine(copy.FullName, file);
            var text = File.ReadAllText(definition);
            Assert.Contains(from, text, StringComparison.Ordinal);
            File.WriteAllText(definition, text.Replace(from, to, StringComparison.Ordinal));

            var (exit, _, error) = Linxian("validate", copy.FullName);
            Assert.Equal(1, exit);
            Assert.Contains(expected, error, StringComparison.Ordinal);
            if (errors is { } count)
            {
                Assert.Contains($"{count} error(s)", error, StringComparison.Ordinal);
            }
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void Walk_takes_a_sample_proposal_to_the_archive()
    {
        var (exit, output, error) = Linxian("walk", Repository.WorkflowsFolder, "linxian");
        Assert.True(exit == 0, error);
        Assert.Contains("村务监督委员会核议", output, StringComparison.Ordinal);
        Assert.Contains("result: Archived", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Walk_takes_a_sample_mediation_case_to_the_archive()
    {
        var (exit, output, error) = Linxian("walk", Repository.WorkflowsFolder, "linxian", "renmin-tiaojie");
        Assert.True(exit == 0, error);
        Assert.Contains("进入「调解」", output, StringComparison.Ordinal);
        Assert.Contains("EntryRecorded", output, StringComparison.Ordinal);
        Assert.Contains("writtenAgreement", output, StringComparison.Ordinal);
        Assert.Contains("result: Archived at archived", output, StringComparison.Ordinal);
    }
}
