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

/// <summary>Projects without TorchSharp pay nothing: no per-operation work is registered, nothing is reported.</summary>
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

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, AnalyzerTelemetryInfo Telemetry)> RunAsync(CSharpCompilation compilation)
    {
        var withAnalyzers = compilation.WithAnalyzers(AllAnalyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = new AnalyzerTelemetryInfo();
        foreach (var analyzer in AllAnalyzers)
        {
            var info = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
            telemetry.OperationActionsCount += info.OperationActionsCount;
            telemetry.SyntaxNodeActionsCount += info.SyntaxNodeActionsCount;
            telemetry.SymbolActionsCount += info.SymbolActionsCount;
            telemetry.CompilationEndActionsCount += info.CompilationEndActionsCount;
            telemetry.CompilationStartActionsCount += info.CompilationStartActionsCount;
        }

        return (diagnostics, telemetry);
    }

    [Fact]
    public async Task Without_TorchSharp_no_operation_action_is_registered_and_nothing_is_reported()
    {
        var compilation = Compile(LooksLikeTraining, withTorchSharp: false);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var (diagnostics, telemetry) = await RunAsync(compilation);
        Assert.Empty(diagnostics);
        Assert.Equal(AllAnalyzers.Length, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.OperationActionsCount);
        Assert.Equal(0, telemetry.SyntaxNodeActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount);
        Assert.Equal(0, telemetry.CompilationEndActionsCount);
    }

    [Fact]
    public async Task With_TorchSharp_every_analyzer_registers_its_operation_or_symbol_action()
    {
        var compilation = Compile(Sources.Usings + "static class Program { static void Main() { } }", withTorchSharp: true);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var (diagnostics, telemetry) = await RunAsync(compilation);
        Assert.Empty(diagnostics);
        Assert.True(telemetry.OperationActionsCount + telemetry.SymbolActionsCount >= AllAnalyzers.Length,
            $"{telemetry.OperationActionsCount} operation + {telemetry.SymbolActionsCount} symbol actions for {AllAnalyzers.Length} analyzers");
        Assert.Equal(0, telemetry.CompilationEndActionsCount);
    }
}
