using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetTricks.Analyzers.Tests.Rules;

/// <summary>
/// samples/FlawedMlNet compiled the way its project builds it (ML.NET referenced, no TorchSharp): it shows NT6001 and
/// NT6002 at their commented lines, and the analyzers never throw on it, whole or as it looks while being typed.
/// </summary>
public class NT6001NT6002FlawedMlNetSampleTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> AllAnalyzers = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly IReadOnlyList<MetadataReference> References = Basic.Reference.Assemblies.Net80.References.All
        .Cast<MetadataReference>()
        .Concat(TestReferences.MlNet
            .Select(a => MetadataReference.CreateFromFile(a.Location)))
        .ToList();

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(IEnumerable<(string Path, string Text)> files, ConcurrentBag<Exception> exceptions)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path));
        var compilation = CSharpCompilation.Create("FlawedMlNet", trees, References, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Add(new InvalidOperationException($"{analyzer.GetType().Name}: {diagnostic}", exception)),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        return await compilation.WithAnalyzers(AllAnalyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public async Task FlawedMlNet_shows_NT6001_and_NT6002_at_their_commented_lines_and_nothing_else()
    {
        var files = RobustnessTests.SampleFiles("FlawedMlNet");
        var exceptions = new ConcurrentBag<Exception>();
        var diagnostics = await AnalyzeAsync(files, exceptions);
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var reported = diagnostics.Where(d => d.Id.StartsWith("NT", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "NT6001", "NT6002" }, reported.Select(d => d.Id).OrderBy(i => i));
        foreach (var diagnostic in reported)
        {
            var lines = diagnostic.Location.SourceTree!.GetText().Lines;
            var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
            var comment = lines[line - 1].ToString() + lines[line].ToString() + (line > 1 ? lines[line - 2].ToString() : "");
            Assert.Contains($"// {diagnostic.Id}:", comment, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FlawedMlNet_prefixes_and_token_deletions_never_throw()
    {
        var files = RobustnessTests.SampleFiles("FlawedMlNet");
        var exceptions = new ConcurrentBag<Exception>();
        var random = new Random(6001);
        for (var fileIndex = 0; fileIndex < files.Count; fileIndex++)
        {
            var text = files[fileIndex].Text;
            foreach (var cut in Enumerable.Range(0, 10).Select(_ => random.Next(text.Length)).Append(text.Length / 2).Distinct())
            {
                var edited = files.ToList();
                edited[fileIndex] = (files[fileIndex].Path, text.Substring(0, cut));
                await AnalyzeAsync(edited, exceptions);
            }

            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().ToList();
            for (var round = 0; round < 10; round++)
            {
                var removed = Enumerable.Range(0, 3).Select(_ => tokens[random.Next(tokens.Count)]).ToHashSet();
                var edited = files.ToList();
                edited[fileIndex] = (files[fileIndex].Path, string.Concat(tokens.Where(t => !removed.Contains(t)).Select(t => t.ToFullString())));
                await AnalyzeAsync(edited, exceptions);
            }
        }

        Assert.Empty(exceptions);
    }
}
