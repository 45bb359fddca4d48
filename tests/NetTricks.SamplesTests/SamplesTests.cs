using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace NetTricks.SamplesTests;

/// <summary>
/// samples/FlawedTraining makes the training mistakes NetTricks reports; samples/FixedTraining is the same program
/// with every fix applied. Both print <c>RESULT &lt;experiment&gt; &lt;accuracy|rmse&gt; &lt;value&gt;</c> on held-out
/// data with fixed seeds: every fixed experiment must be strictly better.
/// </summary>
public sealed class SamplesTests
{
    private const string Configuration = "Release";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private readonly ITestOutputHelper output;

    public SamplesTests(ITestOutputHelper output) => this.output = output;

    [Fact(Timeout = 40 * 60 * 1000)]
    public async Task FixedSampleBeatsFlawedSampleOnEveryExperiment()
    {
        var root = SampleRunner.FindRepositoryRoot();
        var flawedProject = Path.Combine(root, "samples", "FlawedTraining", "FlawedTraining.csproj");
        var fixedProject = Path.Combine(root, "samples", "FixedTraining", "FixedTraining.csproj");

        // Build one after the other, and never while another test process builds them.
        using (await SampleRunner.AcquireBuildLockAsync(TimeSpan.FromMinutes(20)))
        {
            foreach (var project in new[] { flawedProject, fixedProject })
            {
                var build = await SampleRunner.BuildAsync(project, Configuration, BuildTimeout, output.WriteLine);
                Assert.True(build.ExitCode == 0, $"Building {project} failed: {build.Describe()}");
            }
        }

        var flawedRun = await RunSampleAsync(flawedProject);
        var fixedRun = await RunSampleAsync(fixedProject);

        var flawed = SampleRunner.ParseResults(flawedRun.StandardOutput);
        var fixedResults = SampleRunner.ParseResults(fixedRun.StandardOutput);
        output.WriteLine(Table("FlawedTraining", flawed, flawedRun));
        output.WriteLine(Table("FixedTraining", fixedResults, fixedRun));
        output.WriteLine(Comparison(flawed, fixedResults));

        Assert.True(flawedRun.ExitCode == 0, $"FlawedTraining: {flawedRun.Describe()}");
        Assert.True(fixedRun.ExitCode == 0, $"FixedTraining: {fixedRun.Describe()}");
        Assert.NotEmpty(flawed);
        AssertUniqueNames(flawed, "FlawedTraining");
        AssertUniqueNames(fixedResults, "FixedTraining");
        Assert.Equal(
            flawed.Select(r => (r.Name, r.Metric)).OrderBy(p => p.Name, StringComparer.Ordinal),
            fixedResults.Select(r => (r.Name, r.Metric)).OrderBy(p => p.Name, StringComparer.Ordinal));

        var notImproved = flawed
            .Select(f => (Flawed: f, Fixed: fixedResults.Single(x => x.Name == f.Name)))
            .Where(pair => !pair.Flawed.IsStrictlyImprovedBy(pair.Fixed))
            .Select(pair => $"{pair.Flawed.Name}: {pair.Flawed.Metric} {Format(pair.Flawed.Value)} (flawed) -> {Format(pair.Fixed.Value)} (fixed)")
            .ToList();
        Assert.True(notImproved.Count == 0, "Fixes that did not improve the validation metric:" + Environment.NewLine + string.Join(Environment.NewLine, notImproved));
    }

    [Fact]
    public void ParsesResultLinesAndComparesByMetricDirection()
    {
        var results = SampleRunner.ParseResults("noise\nRESULT a accuracy 0.5000\r\n  RESULT not-at-start rmse 1\nRESULT b rmse 1.25\n");
        Assert.Equal(new[] { new ExperimentResult("a", "accuracy", 0.5), new ExperimentResult("b", "rmse", 1.25) }, results);
        Assert.True(results[0].IsStrictlyImprovedBy(results[0] with { Value = 0.6 }));
        Assert.False(results[0].IsStrictlyImprovedBy(results[0]));
        Assert.True(results[1].IsStrictlyImprovedBy(results[1] with { Value = 1.0 }));
        Assert.False(results[1].IsStrictlyImprovedBy(results[1] with { Value = 2.0 }));
    }

    private async Task<ProcessResult> RunSampleAsync(string projectPath)
    {
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var dll = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", Configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist after the build.");
        var run = await SampleRunner.RunAsync(SampleRunner.DotnetExecutable(), new[] { dll }, Path.GetDirectoryName(projectPath)!, RunTimeout);
        output.WriteLine($"{name}: exit code {run.ExitCode}, {run.Elapsed.TotalSeconds:F1} s");
        return run;
    }

    private static void AssertUniqueNames(IReadOnlyList<ExperimentResult> results, string sample)
    {
        var duplicates = results.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{sample} prints these experiments more than once: {string.Join(", ", duplicates)}");
    }

    private static string Table(string title, IReadOnlyList<ExperimentResult> results, ProcessResult run)
    {
        var text = new StringBuilder();
        text.AppendLine($"{title} (exit code {run.ExitCode}, {run.Elapsed.TotalSeconds:F1} s)");
        text.AppendLine($"  {"experiment",-26} {"metric",-9} {"value",8}");
        foreach (var result in results)
        {
            text.AppendLine($"  {result.Name,-26} {result.Metric,-9} {Format(result.Value),8}");
        }
        return text.ToString();
    }

    private static string Comparison(IReadOnlyList<ExperimentResult> flawed, IReadOnlyList<ExperimentResult> fixedResults)
    {
        var text = new StringBuilder();
        text.AppendLine("Flawed vs fixed");
        text.AppendLine($"  {"experiment",-26} {"metric",-9} {"flawed",8} {"fixed",8}  better?");
        foreach (var f in flawed)
        {
            var x = fixedResults.FirstOrDefault(r => r.Name == f.Name);
            var verdict = x is null ? "missing" : f.IsStrictlyImprovedBy(x) ? "yes" : "NO";
            text.AppendLine($"  {f.Name,-26} {f.Metric,-9} {Format(f.Value),8} {(x is null ? "-" : Format(x.Value)),8}  {verdict}");
        }
        return text.ToString();
    }

    private static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
