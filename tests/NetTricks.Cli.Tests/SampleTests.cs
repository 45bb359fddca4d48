using System.IO;
using System.Linq;
using Xunit;

namespace NetTricks.Cli.Tests;

/// <summary>The flawed sample, checked without a build: the rules `dotnet build samples/FlawedTraining` reports.</summary>
public class SampleTests
{
    /// <summary>
    /// What `dotnet build samples/FlawedTraining --no-incremental` prints (the sample's .editorconfig raises the Info
    /// rules NT4001, NT4002 and NT5001 to warnings). The build prints warnings and errors, not Info findings.
    /// </summary>
    private static readonly string[] BuildRuleIds = { "NT1001", "NT1002", "NT1003", "NT1004", "NT3001", "NT3002", "NT4001", "NT4002", "NT5001" };

    [Fact]
    public void Check_of_the_flawed_sample_reports_the_rule_ids_dotnet_build_reports()
    {
        var result = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining"));

        Assert.True(result.ExitCode == 1, result.ToString());
        var reported = result.Findings.Where(f => f.Severity is "warning" or "error").Select(f => f.Id).Distinct().OrderBy(i => i).ToArray();
        Assert.Equal(BuildRuleIds, reported);
        Assert.All(result.Findings, f => Assert.StartsWith(Path.Combine("samples", "FlawedTraining") + Path.DirectorySeparatorChar, f.Path));
        // The .editorconfig of the sample made the Info rules warnings.
        Assert.Contains(result.Findings, f => f.Id == "NT5001" && f.Severity == "warning");
        Assert.Contains("nettricks:", result.Stderr);
    }

    [Fact]
    public void The_project_file_and_solutions_listing_it_give_the_same_findings()
    {
        using var temp = Cli.Temp();
        var project = Path.Combine(Cli.RepositoryRoot, "samples", "FlawedTraining", "FlawedTraining.csproj");
        var relative = Path.GetRelativePath(temp.Path, project);
        var sln = temp.File("All.sln", $$"""
            Microsoft Visual Studio Solution File, Format Version 12.00
            Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "FlawedTraining", "{{relative.Replace('/', '\\')}}", "{024527FA-C964-4B38-9705-F4E01E2F9865}"
            EndProject
            Global
            EndGlobal
            """);
        var slnx = temp.File("All.slnx", $"""
            <Solution>
              <Folder Name="/samples/">
                <Project Path="{relative}" />
              </Folder>
            </Solution>
            """);

        var viaFolder = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining"));
        var viaProject = Cli.Run(Cli.RepositoryRoot, "check", project);
        var viaSln = Cli.Run(Cli.RepositoryRoot, "check", sln);
        var viaSlnx = Cli.Run(Cli.RepositoryRoot, "check", slnx);

        static string[] Keys(CliResult r) => r.Findings.Select(f => $"{Path.GetFileName(f.Path)}({f.Line},{f.Column}) {f.Id}").OrderBy(k => k).ToArray();
        Assert.NotEmpty(Keys(viaFolder));
        Assert.Equal(Keys(viaFolder), Keys(viaProject));
        Assert.Equal(Keys(viaFolder), Keys(viaSln));
        Assert.Equal(Keys(viaFolder), Keys(viaSlnx));
        Assert.All(new[] { viaProject, viaSln, viaSlnx }, r => Assert.True(r.ExitCode == 1, r.ToString()));
    }

    [Fact]
    public void A_file_of_a_project_is_checked_in_its_project_and_reported_alone()
    {
        var one = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining", "Experiments.cs"));
        var models = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining", "Models.cs"));

        // The models the training loops use are defined in Models.cs: they are followed there.
        Assert.True(one.ExitCode == 1, one.ToString());
        Assert.Equal(BuildRuleIds, one.Findings.Where(f => f.Severity is "warning" or "error").Select(f => f.Id).Distinct().OrderBy(i => i).ToArray());
        Assert.Contains("in 1 of 1 file", one.Stderr);
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Empty(models.Findings);
    }

    [Fact]
    public void Fix_on_a_copy_changes_it_and_leaves_fewer_findings()
    {
        using var temp = Cli.Temp();
        var sample = temp.Copy(Path.Combine(Cli.RepositoryRoot, "samples", "FlawedTraining"));
        var before = Cli.Run(temp.Path, "check", "FlawedTraining");
        var original = Directory.GetFiles(sample, "*.cs").ToDictionary(f => f, File.ReadAllText);

        var fix = Cli.Run(temp.Path, "fix", "FlawedTraining");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Contains("FlawedTraining", fix.Stdout);
        Assert.Matches(@"applied \d+ fix(es)? in \d+ files?", fix.Stderr);
        var changed = original.Where(p => File.ReadAllText(p.Key) != p.Value).Select(p => Path.GetFileName(p.Key)).ToList();
        Assert.NotEmpty(changed);
        // The diff is printed: removed and added lines.
        Assert.Contains("\n    - ", fix.Stdout.Replace("\r\n", "\n"));
        Assert.Contains("\n    + ", fix.Stdout.Replace("\r\n", "\n"));

        var after = Cli.Run(temp.Path, "check", "FlawedTraining");
        Assert.NotEqual(2, after.ExitCode); // still parses
        Assert.True(after.Findings.Count < before.Findings.Count, $"before:\n{before}\nafter:\n{after}");
        Assert.DoesNotContain(after.Findings, f => f.Id == "NT3002");

        // The repository's sample itself is untouched.
        Assert.Contains("loss.backward();   // NT3002", File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "samples", "FlawedTraining", "Experiments.cs")));
    }

    [Fact]
    public void Fix_with_a_rule_filter_applies_only_that_rule()
    {
        using var temp = Cli.Temp();
        temp.File("Training.cs", Snippets.Flawed);

        var fix = Cli.Run(temp.Path, "fix", "Training.cs", "--rule", "NT3002");
        var after = Cli.Run(temp.Path, "check", "Training.cs");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Contains("NT3002", fix.Stdout);
        Assert.DoesNotContain("NT1003", fix.Stdout);
        Assert.DoesNotContain(after.Findings, f => f.Id == "NT3002");
        Assert.Contains(after.Findings, f => f.Id == "NT1003");
        Assert.Contains("optimizer.zero_grad();", File.ReadAllText(Path.Combine(temp.Path, "Training.cs")));
    }

    [Fact]
    public void Fix_dry_run_writes_nothing()
    {
        using var temp = Cli.Temp();
        var file = temp.File("Training.cs", Snippets.Flawed);

        var fix = Cli.Run(temp.Path, "fix", "Training.cs", "--dry-run");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Contains("would fix", fix.Stdout);
        Assert.Equal(Snippets.Flawed, File.ReadAllText(file));
    }
}
