using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT6002: a model is scored on the data it was trained on. ML.NET: <c>Evaluate</c> on <c>model.Transform(rows)</c>
/// where <c>model</c> was fitted on rows that overlap them, and the same fitted model is never evaluated on held-out
/// data. TorchSharp: every evaluation of a model (outside its training loops) reads a tensor its training reads.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EvaluatingOnTrainingDataAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT6002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnTorchSharpOrMlNetInvocations(context, new[] { "Evaluate", "EvaluateNonCalibrated" }, AnalyzeMlNet);
        Registration.OnTrees(context, AnalyzeTorchSharp);
    }

    private static void AnalyzeMlNet(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        if (model.MlNet is not null && model.IsMlNetEvaluate(invocation) && model.EvaluationOnTrainingData(invocation, context.CancellationToken) is { } finding)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT6002, invocation.Syntax.GetLocation(), new[] { finding.Fit.Syntax.GetLocation() },
                finding.Transformer.Syntax.ToString(), finding.EvaluatedData.Syntax.ToString()));
        }
    }

    /// <summary>TorchSharp: the report sites (model calls on evaluation paths, calls of metric helpers) are computed once per compilation.</summary>
    private static void AnalyzeTorchSharp(TreeReporter context, TrainingCodeModel model)
    {
        var tree = context.SemanticModel.SyntaxTree;
        if (!model.HasTorchSharp || TreeIndex.For(tree).ByName.Count == 0)
            return;
        foreach (var site in model.ScoresOnTrainingTensors(tree, context.CancellationToken))
        {
            if (context.FilterSpan is not { } span || span.IntersectsWith(site.Key.Span))
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT6002, site.Key.GetLocation(), site.Value.Model, site.Value.Data));
        }
    }
}
