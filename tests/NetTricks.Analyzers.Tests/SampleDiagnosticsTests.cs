using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>The flawed sample shows every rule of the catalogue; the fixed one shows none.</summary>
public class SampleDiagnosticsTests
{
    /// <summary>The rules the foundation sample was built to show (Info ones included: its .editorconfig raises them).</summary>
    private static readonly string[] FoundationRules = { "NT1001", "NT1002", "NT1003", "NT1004", "NT3001", "NT3002", "NT4001", "NT4002", "NT5001" };

    [Fact]
    public async Task FlawedTraining_triggers_the_foundation_rules()
    {
        var exceptions = new ConcurrentBag<System.Exception>();
        var diagnostics = await RobustnessTests.AnalyzeAsync(RobustnessTests.SampleFiles("FlawedTraining"), exceptions);
        Assert.Empty(exceptions);
        var reported = diagnostics.Select(d => d.Id).ToHashSet();
        foreach (var id in FoundationRules)
            Assert.Contains(id, reported);
    }

    [Fact]
    public async Task Flawed_samples_trigger_every_warning_rule_of_the_catalogue()
    {
        var exceptions = new ConcurrentBag<System.Exception>();
        var reported = new System.Collections.Generic.HashSet<string>();
        foreach (var sample in RobustnessTests.SampleProjects().Select(p => (string)p[0]).Where(n => n.StartsWith("Flawed", System.StringComparison.Ordinal)))
        {
            foreach (var diagnostic in await RobustnessTests.AnalyzeAsync(RobustnessTests.SampleFiles(sample), exceptions))
                reported.Add(diagnostic.Id);
        }

        Assert.Empty(exceptions);
        var missing = Descriptors.All.Where(d => d.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && !reported.Contains(d.Id)).Select(d => d.Id);
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("FixedTraining")]
    [InlineData("TrainingProbes")]
    public async Task Fixed_and_runtime_samples_trigger_no_rule(string sample)
    {
        var exceptions = new ConcurrentBag<System.Exception>();
        var diagnostics = await RobustnessTests.AnalyzeAsync(RobustnessTests.SampleFiles(sample), exceptions);
        Assert.Empty(exceptions);
        Assert.Empty(diagnostics.Where(d => d.Id.StartsWith("NT", System.StringComparison.Ordinal)).Select(d => d.ToString()));
    }
}
