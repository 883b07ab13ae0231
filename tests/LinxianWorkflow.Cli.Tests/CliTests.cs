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
        Assert.Contains("valid: 1 procedure(s), 2 definition(s), 4 profile(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_a_broken_copy_naming_the_file_and_the_step()
    {
        var copy = Directory.CreateTempSubdirectory("linxian-broken-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repository.WorkflowsFolder, "*.json", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy.FullName, Path.GetRelativePath(Repository.WorkflowsFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var definition = Path.Combine(copy.FullName, "siyi-liangkai.v1.workflow.json");
            File.WriteAllText(definition, File.ReadAllText(definition).Replace("\"to\": \"archived\"", "\"to\": \"archive\"", StringComparison.Ordinal));

            var (exit, _, error) = Linxian("validate", copy.FullName);
            Assert.Equal(1, exit);
            Assert.Contains("siyi-liangkai.v1.workflow.json: step 'result-disclosure': outcome 'closed' leads to 'archive', which is not a step", error, StringComparison.Ordinal);
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
}
