using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// The code the rule tests are written in (taken from their verifier calls, markup removed) goes through every
/// analyzer and every fix: whole, cut as while typing, and with tokens deleted. Nothing may throw. The default run
/// takes a seeded sample; <c>NETTRICKS_FUZZ_EXHAUSTIVE=1</c> cuts every source at every line and fixes every diagnostic.
/// </summary>
public class TestSourceRobustnessTests
{
    private readonly ITestOutputHelper output;

    public TestSourceRobustnessTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Rule test files that feed sample files, not embedded sources, to the analyzers (the sample fuzz covers those).</summary>
    private static readonly string[] SampleBasedTestFiles = { "NT6001NT6002FlawedMlNetSampleTests.cs" };

    /// <summary>Seeded sample per test source in the default run: prefixes (cut at any character) and token-deletion variants.</summary>
    private const int PrefixesPerCase = 3;
    private const int DeletionsPerCase = 2;
    private const int ExhaustiveDeletionsPerCase = 8; // the exhaustive run cuts at every line; deletions stay sampled, just more
    private const int MaxFixedPerVariant = 2;

    public static IEnumerable<object[]> RuleTestFiles() =>
        TestSourceExtractor.RuleTestFiles(RobustnessTests.RepositoryRoot()).Except(SampleBasedTestFiles).Select(f => new object[] { f });

    private static IReadOnlyList<TestSourceCase> Cases(string file) => TestSourceExtractor.Extract(RobustnessTests.RepositoryRoot(), file);

    private static List<(string Path, string Text)> Files(IReadOnlyList<string> sources) =>
        sources.Select((s, i) => ($"/0/Test{i}.cs", s)).ToList();

    [Fact]
    public void Every_rule_test_file_yields_plain_sources_including_each_InlineData_row()
    {
        var byFile = RuleTestFiles().Select(f => (string)f[0]).ToDictionary(f => f, Cases);
        Assert.Empty(byFile.Where(p => p.Value.Count == 0).Select(p => p.Key));
        var sources = byFile.Values.SelectMany(c => c).SelectMany(c => c.Sources).ToList();
        output.WriteLine($"{byFile.Values.Sum(c => c.Count)} test sources (projects), {sources.Count} files, {sources.Sum(s => LineStarts(s).Count())} lines");
        Assert.DoesNotContain(sources, s => s.Contains("{|", StringComparison.Ordinal) || s.Contains("[|", StringComparison.Ordinal) || s.Contains("|}", StringComparison.Ordinal));

        // Concatenated consts, the markup's inner text, and one case per project: the first NT1003 test, verbatim.
        var nt1003 = byFile["NT1003SoftmaxBeforeCrossEntropyTests.cs"][0];
        Assert.Equal("Sequential_with_named_Softmax_element_and_criterion_forward_fires", nt1003.Method);
        Assert.Equal(Sources.Usings + """
            class Program
            {
                static void Main()
                {
                    var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
                    var criterion = CrossEntropyLoss();
                    var x = randn(8, 10);
                    var y = randint(0, 3, new long[] { 8 });
                    var loss = criterion.forward(model.forward(x), y);
                }
            }
            """, Assert.Single(nt1003.Sources));

        // Several sources passed to one verifier call stay one project.
        Assert.Contains(byFile["NT1003SoftmaxBeforeCrossEntropyTests.cs"], c => c.Sources.Count == 2 && c.Sources[0] == Sources.SoftmaxClassifierFile);

        // Interpolated theory sources: one per [InlineData] row (10 for NT1001, 6 for NT1003), holes filled.
        var spelling = byFile["SpellingTests.cs"];
        Assert.Equal(10, spelling.Count(c => c.Method == "NT1001_recognises_each_spelling_of_a_final_bounded_activation"));
        Assert.Equal(6, spelling.Count(c => c.Method == "NT1003_recognises_each_spelling_of_a_final_softmax"));
        Assert.Contains(spelling, c => c.Sources[0].Contains("torch.special.softmax(model.forward(x), 1)", StringComparison.Ordinal));

        // Templates filled with Replace: no placeholder is left.
        Assert.DoesNotContain(byFile["NT4001ClippingMasksExplodingErrorsTests.cs"].SelectMany(c => c.Sources), s => s.Contains("CLIP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Whole_test_sources_analyze_and_every_fix_applies_without_exceptions()
    {
        var exceptions = new ConcurrentBag<Exception>();
        var stats = new FuzzStats();
        var random = new Random(7);
        foreach (var file in RuleTestFiles().Select(f => (string)f[0]))
        {
            foreach (var testCase in Cases(file))
                await FuzzHarness.RunAsync(Files(testCase.Sources), exceptions, stats, random, maxFixed: null, testCase.ToString());
        }

        output.WriteLine(stats.ToString());
        Assert.Empty(exceptions);
        // The harness reaches every fix and FixAll: each provider computed at least one edit on the tests' own code.
        var neverApplied = FuzzHarness.Fixers.Select(f => f.GetType().Name).Where(n => !stats.ActionsByFixer.ContainsKey(n)).ToList();
        Assert.Empty(neverApplied);
        Assert.True(stats.FixAlls > 0, stats.ToString());
    }

    [Theory]
    [MemberData(nameof(RuleTestFiles))]
    public async Task Prefixes_and_token_deletions_of_test_sources_never_throw(string file)
    {
        var cases = Cases(file);
        Assert.NotEmpty(cases);
        var exceptions = new ConcurrentBag<Exception>();
        var stats = new FuzzStats();
        var random = new Random(FuzzHarness.Seed(StableSeed(file)));
        var fixRandom = new Random(FuzzHarness.Seed(StableSeed(file) + 1)); // its own stream: which fixes run does not move the cut points
        var exhaustive = FuzzHarness.Exhaustive;
        int? maxFixed = exhaustive ? null : MaxFixedPerVariant;
        foreach (var testCase in cases)
        {
            // Prefixes: code as it looks while being typed, one file cut, the others of the project whole.
            var cuts = exhaustive
                ? testCase.Sources.SelectMany((s, i) => LineStarts(s).Select(cut => (File: i, Cut: cut)))
                : Enumerable.Range(0, PrefixesPerCase).Select(_ => random.Next(testCase.Sources.Count)).Select(i => (File: i, Cut: random.Next(testCase.Sources[i].Length)));
            foreach (var (fileIndex, cut) in cuts.ToList())
            {
                var sources = testCase.Sources.ToList();
                sources[fileIndex] = sources[fileIndex].Substring(0, cut);
                var withRuntime = random.Next(2) == 0;
                await FuzzHarness.RunAsync(Files(sources), exceptions, stats, fixRandom, maxFixed, $"{testCase} source {fileIndex} cut at {cut}{(withRuntime ? "" : " without the runtime")}", withRuntime);
            }

            // Random token deletions: one to three tokens missing anywhere.
            for (var round = 0; round < (exhaustive ? ExhaustiveDeletionsPerCase : DeletionsPerCase); round++)
            {
                var fileIndex = random.Next(testCase.Sources.Count);
                var tokens = CSharpSyntaxTree.ParseText(testCase.Sources[fileIndex]).GetRoot().DescendantTokens().ToList();
                var removed = Enumerable.Range(0, random.Next(1, 4)).Select(_ => tokens[random.Next(tokens.Count)]).ToHashSet();
                var sources = testCase.Sources.ToList();
                sources[fileIndex] = string.Concat(tokens.Where(t => !removed.Contains(t)).Select(t => t.ToFullString()));
                var positions = string.Join(", ", removed.Select(t => t.SpanStart).OrderBy(p => p));
                var withRuntime = random.Next(2) == 0;
                await FuzzHarness.RunAsync(Files(sources), exceptions, stats, fixRandom, maxFixed, $"{testCase} source {fileIndex} without the tokens at {positions}{(withRuntime ? "" : " nor the runtime")}", withRuntime);
            }
        }

        output.WriteLine($"{cases.Count} test sources: {stats}");
        Assert.Empty(exceptions);
    }

    private static IEnumerable<int> LineStarts(string text) =>
        Enumerable.Range(0, text.Length).Where(i => i == 0 || text[i - 1] == '\n');

    /// <summary>FNV-1a: string.GetHashCode differs per process, a seed must not.</summary>
    private static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }
}
