using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// The analyzers and fixes never throw: not on the samples, not on code as it looks while being typed (prefixes of the
/// sample files), not on code with tokens missing. Every NT diagnostic found goes through every fix that handles it
/// (and FixAll) on the whole samples; on the fuzzed variants a seeded few do. A seeded, bounded sample keeps this fast;
/// <c>NETTRICKS_FUZZ_EXHAUSTIVE=1</c> cuts at every line and fixes every diagnostic. The rule tests' own sources get the
/// same treatment in <see cref="TestSourceRobustnessTests"/>.
/// </summary>
public class RobustnessTests
{
    /// <summary>Fixes applied per fuzzed variant in the default run (seeded choice among the NT diagnostics found).</summary>
    private const int MaxFixedPerVariant = 2;

    private readonly ITestOutputHelper output;

    public RobustnessTests(ITestOutputHelper output) => this.output = output;

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetTricks.Analyzers.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("repository root (NetTricks.Analyzers.sln) not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<object[]> SampleProjects() =>
        Directory.GetDirectories(Path.Combine(RepositoryRoot(), "samples")).Select(d => new object[] { Path.GetFileName(d) });

    internal static List<(string Path, string Text)> SampleFiles(string sample) =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "samples", sample), "*.cs", SearchOption.TopDirectoryOnly)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(p)))
            .ToList();

    internal static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(IEnumerable<(string Path, string Text)> files, ConcurrentBag<Exception> exceptions)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path));
        var compilation = CSharpCompilation.Create("Fuzz", trees, FuzzHarness.References, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Add(new InvalidOperationException($"{analyzer.GetType().Name}: {diagnostic}", exception)),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        return await compilation.WithAnalyzers(FuzzHarness.Analyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Whole_samples_analyze_without_exceptions_and_deterministically(string sample)
    {
        var exceptions = new ConcurrentBag<Exception>();
        var first = await AnalyzeAsync(SampleFiles(sample), exceptions);
        var second = await AnalyzeAsync(SampleFiles(sample), exceptions);
        var stats = new FuzzStats();
        await FuzzHarness.RunAsync(SampleFiles(sample), exceptions, stats, new Random(1), maxFixed: null, sample);
        output.WriteLine(stats.ToString());
        Assert.Empty(exceptions);
        Assert.DoesNotContain(first, d => d.Id == "AD0001");
        static string Key(Diagnostic d) => $"{d.Id} {d.Location.GetLineSpan()}";
        Assert.Equal(first.Select(Key).OrderBy(k => k), second.Select(Key).OrderBy(k => k));
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Prefixes_of_sample_files_as_while_typing_never_throw(string sample)
    {
        var files = SampleFiles(sample);
        var exceptions = new ConcurrentBag<Exception>();
        var stats = new FuzzStats();
        var random = new Random(FuzzHarness.Seed(20261126));
        var fixRandom = new Random(FuzzHarness.Seed(1126)); // its own stream: fixing does not move the cut points
        for (var fileIndex = 0; fileIndex < files.Count; fileIndex++)
        {
            var text = files[fileIndex].Text;

            // A seeded sample of cut points; NETTRICKS_FUZZ_EXHAUSTIVE=1 cuts at every line instead (slow: minutes per sample).
            var cuts = FuzzHarness.Exhaustive
                ? Enumerable.Range(0, text.Length).Where(i => i == 0 || text[i - 1] == '\n')
                : Enumerable.Range(0, 12).Select(_ => random.Next(text.Length)).Append(text.Length / 2).Distinct();
            foreach (var cut in cuts)
            {
                var edited = files.ToList();
                edited[fileIndex] = (files[fileIndex].Path, text.Substring(0, cut));
                await FuzzHarness.RunAsync(edited, exceptions, stats, fixRandom, FuzzHarness.Exhaustive ? null : MaxFixedPerVariant, $"{files[fileIndex].Path} cut at {cut}");
            }
        }

        output.WriteLine(stats.ToString());
        Assert.Empty(exceptions);
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Random_token_deletions_never_throw(string sample)
    {
        var files = SampleFiles(sample);
        var exceptions = new ConcurrentBag<Exception>();
        var stats = new FuzzStats();
        var random = new Random(FuzzHarness.Seed(42));
        var fixRandom = new Random(FuzzHarness.Seed(4242));
        for (var round = 0; round < 24; round++)
        {
            var fileIndex = random.Next(files.Count);
            var tokens = CSharpSyntaxTree.ParseText(files[fileIndex].Text).GetRoot().DescendantTokens().ToList();
            var removed = Enumerable.Range(0, 3).Select(_ => tokens[random.Next(tokens.Count)]).ToHashSet();
            var text = string.Concat(tokens.Where(t => !removed.Contains(t)).Select(t => t.ToFullString()));
            var edited = files.ToList();
            edited[fileIndex] = (files[fileIndex].Path, text);
            var positions = string.Join(", ", removed.Select(t => t.SpanStart).OrderBy(p => p));
            await FuzzHarness.RunAsync(edited, exceptions, stats, fixRandom, FuzzHarness.Exhaustive ? null : MaxFixedPerVariant, $"{files[fileIndex].Path} without the tokens at {positions}");
        }

        output.WriteLine(stats.ToString());
        Assert.Empty(exceptions);
    }

    [Fact]
    public async Task The_harness_reports_a_throwing_analyzer_and_a_throwing_fix()
    {
        var exceptions = new ConcurrentBag<Exception>();
        await FuzzHarness.RunAsync(
            new[] { ("/0/A.cs", "class A { void M() { } }") }, exceptions, new FuzzStats(), new Random(1), maxFixed: null, "harness check",
            analyzers: ImmutableArray.Create<DiagnosticAnalyzer>(new ThrowingAnalyzer()), fixers: ImmutableArray.Create<CodeFixProvider>(new ThrowingFix()));
        var messages = exceptions.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.Contains("analyzer bug", StringComparison.Ordinal) && m.Contains(nameof(ThrowingAnalyzer), StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("fix bug", StringComparison.Ordinal) && m.Contains(nameof(ThrowingFix), StringComparison.Ordinal));
    }

    /// <summary>Reports on classes (so the fix runs) and throws on methods.</summary>
#pragma warning disable RS1036, RS2008 // a stand-in that lives only in this test, never in the package
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Rule = new("NT9999", "harness check", "harness check", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxNodeAction(c => c.ReportDiagnostic(Diagnostic.Create(Rule, c.Node.GetLocation())), SyntaxKind.ClassDeclaration);
            context.RegisterSyntaxNodeAction(_ => throw new InvalidOperationException("analyzer bug"), SyntaxKind.MethodDeclaration);
        }
    }
#pragma warning restore RS1036, RS2008

    private sealed class ThrowingFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NT9999");

        public override FixAllProvider? GetFixAllProvider() => null;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            context.RegisterCodeFix(CodeAction.Create("fix", (System.Threading.CancellationToken _) => Task.FromException<Document>(new InvalidOperationException("fix bug")), "fix"), context.Diagnostics);
            return Task.CompletedTask;
        }
    }
}
