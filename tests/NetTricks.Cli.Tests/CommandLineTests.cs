using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NetTricks.Cli.Tests;

public class CommandLineTests
{
    private static readonly string[] KnownRules = { "NT1001", "NT1002", "NT1003", "NT1004", "NT3001", "NT3002", "NT4001", "NT4002", "NT5001" };

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "lint", "x.cs" }, "unknown command 'lint'")]
    [InlineData(new[] { "check" }, "'check' needs at least one path")]
    [InlineData(new[] { "check", "x.cs", "--format", "xml" }, "unknown format 'xml'")]
    [InlineData(new[] { "check", "x.cs", "--fail-on", "sometimes" }, "unknown --fail-on level")]
    [InlineData(new[] { "check", "x.cs", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "fix", "x.cs", "--rule", "NT9999" }, "unknown rule 'NT9999'")]
    [InlineData(new[] { "explain" }, "'explain' needs exactly one rule ID")]
    public void A_wrong_command_line_gives_exit_code_2_and_a_message(string[] arguments, string message)
    {
        var result = Cli.Run(Cli.RepositoryRoot, arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Help_prints_usage()
    {
        var result = Cli.Run(Cli.RepositoryRoot, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nettricks check <paths...>", result.Stdout);
    }

    [Fact]
    public void Exit_codes_follow_fail_on()
    {
        using var temp = Cli.Temp();
        temp.File("Clean.cs", Snippets.Clean);
        temp.File(Path.Combine("flawed", "Training.cs"), Snippets.Flawed);
        temp.File(Path.Combine("flawed", ".editorconfig"), "root = true\n[*.cs]\ndotnet_analyzer_diagnostic.severity = suggestion\n");

        Assert.Equal(0, Cli.Run(temp.Path, "check", "Clean.cs").ExitCode);
        var infos = Cli.Run(temp.Path, "check", "flawed");
        Assert.True(infos.ExitCode == 0, infos.ToString()); // info findings only: below the default --fail-on warning
        Assert.Contains(infos.Findings, f => f.Severity == "info" && f.Id == "NT3002");
        Assert.Equal(1, Cli.Run(temp.Path, "check", "flawed", "--fail-on", "info").ExitCode);
        Assert.Equal(0, Cli.Run(temp.Path, "check", Path.Combine("flawed", "Training.cs"), "--fail-on", "error").ExitCode);
        Assert.Equal(0, Cli.Run(temp.Path, "check", Path.Combine("flawed", "Training.cs"), "--fail-on", "never").ExitCode);
    }

    [Fact]
    public void Rules_lists_the_catalogue_with_fix_availability()
    {
        var table = Cli.Run(Cli.RepositoryRoot, "rules");
        var json = Cli.Run(Cli.RepositoryRoot, "rules", "--format", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"NT1003\s+warning\s+Output\s+yes\s+Softmax before cross-entropy", table.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        var rules = document.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Subset(rules.Keys.ToHashSet(), KnownRules.ToHashSet());
        Assert.True(rules["NT3002"].GetProperty("fixAvailable").GetBoolean());
        Assert.EndsWith("docs/rules/NT1003.md", rules["NT1003"].GetProperty("helpUri").GetString());
    }

    [Fact]
    public void Explain_renders_the_rule_page_outside_the_repository()
    {
        using var temp = Cli.Temp();

        var result = Cli.Run(temp.Path, "explain", "nt1003");
        var unknown = Cli.Run(temp.Path, "explain", "NT0000");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("NT1003: Softmax before cross-entropy\n====", result.Stdout.Replace("\r\n", "\n"));
        Assert.Contains("How to fix", result.Stdout);
        Assert.DoesNotContain("```", result.Stdout);
        Assert.DoesNotContain("| ID |", result.Stdout);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no rule 'NT0000'", unknown.Stderr);
    }

    [Fact]
    public void Sarif_output_is_sarif_2_1_0_with_the_rule_catalogue()
    {
        using var temp = Cli.Temp();
        var sarifPath = Path.Combine(temp.Path, "out.sarif");

        var result = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining"), "--format", "sarif");
        var toFile = Cli.Run(Cli.RepositoryRoot, "check", Path.Combine("samples", "FlawedTraining"), "--format", "sarif", "-o", sarifPath);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(1, toFile.ExitCode);
        using var sarif = JsonDocument.Parse(result.Stdout);
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = sarif.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        var ids = rules.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Subset(ids.ToHashSet(), KnownRules.ToHashSet());
        Assert.All(rules, r => Assert.StartsWith("https://", r.GetProperty("helpUri").GetString()));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(KnownRules, results.Where(r => r.GetProperty("level").GetString() == "warning").Select(r => r.GetProperty("ruleId").GetString()).Distinct().OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(r.GetProperty("ruleId").GetString(), ids[r.GetProperty("ruleIndex").GetInt32()]));
        var location = results[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.StartsWith("samples/FlawedTraining/", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.True(location.GetProperty("region").GetProperty("startLine").GetInt32() > 0);
        using var fromFile = JsonDocument.Parse(File.ReadAllText(sarifPath));
        Assert.Equal(results.Count, fromFile.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void Progress_shows_on_a_terminal_only()
    {
        using var temp = Cli.Temp();
        for (var i = 0; i < 3; i++)
            temp.File($"p{i}/Training.cs", Snippets.Flawed);
        temp.File("p0/A.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>");
        temp.File("p1/B.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>");

        var redirected = Cli.Run(temp.Path, "check", ".");
        Assert.DoesNotContain("checked", redirected.Stderr);
        Assert.DoesNotContain("\r", redirected.Stderr);

        // A pseudo-terminal through script(1), where it exists.
        if (!File.Exists("/usr/bin/script"))
            return;
        var command = $"dotnet '{Cli.ToolPath}' check . --no-color";
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/script", new[] { "-qec", command, "/dev/null" })
        {
            WorkingDirectory = temp.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Contains("checked 0/3 files", output);
        Assert.Contains("NT3002", output);
    }
}
