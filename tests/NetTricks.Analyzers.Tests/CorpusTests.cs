using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Corpus;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>On a 50k-line corpus of real training code the analyzers never throw and always say the same.</summary>
public class CorpusTests
{
    [Fact]
    public async Task A_50k_line_corpus_analyzes_without_exceptions_and_deterministically()
    {
        var files = SampleCorpus.Generate(RobustnessTests.RepositoryRoot(), minimumLines: 50_000);
        Assert.True(SampleCorpus.LineCount(files) >= 50_000);
        var exceptions = new ConcurrentBag<System.Exception>();
        var first = await RobustnessTests.AnalyzeAsync(files, exceptions);
        var second = await RobustnessTests.AnalyzeAsync(files, exceptions);
        Assert.Empty(exceptions);
        static string Key(Microsoft.CodeAnalysis.Diagnostic d) => $"{d.Id} {d.Location.GetLineSpan()}";
        var nt = first.Where(d => d.Id.StartsWith("NT", System.StringComparison.Ordinal)).Select(Key).OrderBy(k => k, System.StringComparer.Ordinal).ToList();
        Assert.NotEmpty(nt); // the corpus is made of flawed samples: findings must show up
        Assert.Equal(nt, second.Where(d => d.Id.StartsWith("NT", System.StringComparison.Ordinal)).Select(Key).OrderBy(k => k, System.StringComparer.Ordinal).ToList());
        Assert.DoesNotContain(first, d => d.Id == "AD0001");
    }
}
