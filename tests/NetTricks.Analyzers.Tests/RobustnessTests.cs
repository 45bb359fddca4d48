using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// The analyzers never throw: not on the samples, not on code as it looks while being typed (prefixes of the
/// sample files), not on code with tokens missing. A seeded, bounded sample keeps this fast.
/// </summary>
public class RobustnessTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> AllAnalyzers = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly IReadOnlyList<MetadataReference> References = Basic.Reference.Assemblies.Net80.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(NetTricks.MiniBatch).Assembly.Location))
        .Concat(Infrastructure.TestReferences.MlNet.Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)))
        .ToList();

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
        var compilation = CSharpCompilation.Create("Fuzz", trees, References, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Add(new InvalidOperationException($"{analyzer.GetType().Name}: {diagnostic}", exception)),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        return await compilation.WithAnalyzers(AllAnalyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Whole_samples_analyze_without_exceptions_and_deterministically(string sample)
    {
        var exceptions = new ConcurrentBag<Exception>();
        var first = await AnalyzeAsync(SampleFiles(sample), exceptions);
        var second = await AnalyzeAsync(SampleFiles(sample), exceptions);
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
        var random = new Random(20261126);
        for (var fileIndex = 0; fileIndex < files.Count; fileIndex++)
        {
            var text = files[fileIndex].Text;

            // A seeded sample of cut points; NETTRICKS_FUZZ_EXHAUSTIVE=1 cuts at every line instead (slow: minutes per sample).
            var cuts = System.Environment.GetEnvironmentVariable("NETTRICKS_FUZZ_EXHAUSTIVE") == "1"
                ? Enumerable.Range(0, text.Length).Where(i => i == 0 || text[i - 1] == '\n')
                : Enumerable.Range(0, 12).Select(_ => random.Next(text.Length)).Append(text.Length / 2).Distinct();
            foreach (var cut in cuts)
            {
                var edited = files.ToList();
                edited[fileIndex] = (files[fileIndex].Path, text.Substring(0, cut));
                await AnalyzeAsync(edited, exceptions);
            }
        }

        Assert.Empty(exceptions);
    }

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Random_token_deletions_never_throw(string sample)
    {
        var files = SampleFiles(sample);
        var exceptions = new ConcurrentBag<Exception>();
        var random = new Random(42);
        for (var round = 0; round < 24; round++)
        {
            var fileIndex = random.Next(files.Count);
            var tokens = CSharpSyntaxTree.ParseText(files[fileIndex].Text).GetRoot().DescendantTokens().ToList();
            var removed = Enumerable.Range(0, 3).Select(_ => tokens[random.Next(tokens.Count)]).ToHashSet();
            var text = string.Concat(tokens.Where(t => !removed.Contains(t)).Select(t => t.ToFullString()));
            var edited = files.ToList();
            edited[fileIndex] = (files[fileIndex].Path, text);
            await AnalyzeAsync(edited, exceptions);
        }

        Assert.Empty(exceptions);
    }
}
