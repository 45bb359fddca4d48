using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// Projects without TorchSharp pay nothing: no per-operation or per-tree work is registered, nothing is reported.
/// With TorchSharp every analyzer registers actions that run while typing (operation, symbol or per-tree semantic
/// model actions), never a compilation-end action.
/// </summary>
public class RegistrationTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> AllAnalyzers = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)System.Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private const string LooksLikeTraining = """
        using System.Collections.Generic;
        class Tensor { public void backward() { } public Tensor softmax(int dim) => this; }
        class Optimizer { public void step() { } }
        static class Program
        {
            static Tensor CrossEntropyLoss(Tensor a, Tensor b) => a;
            static void Main()
            {
                var optimizer = new Optimizer();
                for (var i = 0; i < 10; i++)
                {
                    var loss = CrossEntropyLoss(new Tensor().softmax(1), new Tensor());
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """;

    private static CSharpCompilation Compile(string source, bool withTorchSharp)
    {
        var references = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>().ToList();
        if (withTorchSharp)
            references.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        return CSharpCompilation.Create("Test", new[] { CSharpSyntaxTree.ParseText(source) }, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication));
    }

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, AnalyzerTelemetryInfo Telemetry, ImmutableArray<AnalyzerTelemetryInfo> PerAnalyzer)> RunAsync(CSharpCompilation compilation)
    {
        var withAnalyzers = compilation.WithAnalyzers(AllAnalyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = new AnalyzerTelemetryInfo();
        var perAnalyzer = ImmutableArray.CreateBuilder<AnalyzerTelemetryInfo>();
        foreach (var analyzer in AllAnalyzers)
        {
            var info = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
            perAnalyzer.Add(info);
            telemetry.SemanticModelActionsCount += info.SemanticModelActionsCount;
            telemetry.OperationActionsCount += info.OperationActionsCount;
            telemetry.SyntaxNodeActionsCount += info.SyntaxNodeActionsCount;
            telemetry.SymbolActionsCount += info.SymbolActionsCount;
            telemetry.CompilationEndActionsCount += info.CompilationEndActionsCount;
            telemetry.CompilationStartActionsCount += info.CompilationStartActionsCount;
        }

        return (diagnostics, telemetry, perAnalyzer.ToImmutable());
    }

    [Fact]
    public async Task Without_TorchSharp_no_operation_or_tree_action_is_registered_and_nothing_is_reported()
    {
        var compilation = Compile(LooksLikeTraining, withTorchSharp: false);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var (diagnostics, telemetry, _) = await RunAsync(compilation);
        Assert.Empty(diagnostics);
        Assert.True(telemetry.CompilationStartActionsCount >= AllAnalyzers.Length);
        Assert.Equal(0, telemetry.OperationActionsCount);
        Assert.Equal(0, telemetry.SemanticModelActionsCount);
        Assert.Equal(0, telemetry.SyntaxNodeActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount);
        Assert.Equal(0, telemetry.CompilationEndActionsCount);
    }

    [Fact]
    public async Task With_TorchSharp_every_analyzer_registers_an_action_that_runs_while_typing_and_none_at_compilation_end()
    {
        var compilation = Compile(Sources.Usings + "static class Program { static void Main() { } }", withTorchSharp: true);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var (diagnostics, telemetry, perAnalyzer) = await RunAsync(compilation);
        Assert.Empty(diagnostics);
        for (var i = 0; i < AllAnalyzers.Length; i++)
        {
            var info = perAnalyzer[i];
            Assert.True(info.OperationActionsCount + info.SymbolActionsCount + info.SemanticModelActionsCount > 0, AllAnalyzers[i].GetType().Name + " registers nothing");
        }

        Assert.Equal(0, telemetry.CompilationEndActionsCount);
    }
}
