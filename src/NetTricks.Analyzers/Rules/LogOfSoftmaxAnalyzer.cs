using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT1006: <c>log(softmax(x))</c> / <c>softmax(x).log()</c> instead of <c>log_softmax</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LogOfSoftmaxAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1006);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "log", "log_" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation log)
    {
        if (log.TargetMethod.Name is not ("log" or "log_") || !model.Symbols.IsTorchSharpType(log.TargetMethod.ContainingType))
            return;
        var input = log.Instance ?? log.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (input is null || !model.Symbols.IsTensor(input.Type))
            return;
        var output = model.OutputOf(input, new Trace(context.CancellationToken));
        if (output.Kind != ActivationKind.Softmax || output.Sites.IsEmpty)
            return;

        // Reported at the softmax when it is written right here (x.softmax(1).log()); otherwise at the log call.
        var site = output.Sites[0];
        var direct = output.Sites.Length == 1 && site.Shape is SiteShape.FluentCall or SiteShape.FunctionalCall && log.Syntax.Span.Contains(site.Node.Span);
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.SiteShapes, string.Join(",", output.Sites.Select(s => s.Shape.ToString())));
        if (direct)
            properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.InputSpan, FixProperties.Span(log.Syntax));
        var location = direct ? site.Location : log.Syntax.GetLocation();
        var additional = direct ? new[] { log.Syntax.GetLocation() } : output.Sites.Select(s => s.Location).ToArray();
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT1006, location, additional, properties));
    }
}
