using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>The flawed sample shows every rule of the catalogue; the fixed one shows none.</summary>
public class SampleDiagnosticsTests
{
    [Fact]
    public async Task FlawedTraining_triggers_every_rule()
    {
        var exceptions = new ConcurrentBag<System.Exception>();
        var diagnostics = await RobustnessTests.AnalyzeAsync(RobustnessTests.SampleFiles("FlawedTraining"), exceptions);
        Assert.Empty(exceptions);
        var reported = diagnostics.Select(d => d.Id).ToHashSet();
        foreach (var descriptor in Descriptors.All)
            Assert.Contains(descriptor.Id, reported);
    }

    [Fact]
    public async Task FixedTraining_triggers_no_rule()
    {
        var exceptions = new ConcurrentBag<System.Exception>();
        var diagnostics = await RobustnessTests.AnalyzeAsync(RobustnessTests.SampleFiles("FixedTraining"), exceptions);
        Assert.Empty(exceptions);
        Assert.Empty(diagnostics.Where(d => d.Id.StartsWith("NT", System.StringComparison.Ordinal)).Select(d => d.ToString()));
    }
}
