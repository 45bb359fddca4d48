using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// On an evaluation path (a method that computes metrics or predictions without backward):
/// NT5003, a model with Dropout/BatchNorm run without eval() before it (here or in every caller);
/// NT5005, the model run with autograd enabled (no no_grad here or around every call of the method).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EvaluationModeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT5003, Descriptors.NT5005);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, TorchVocabulary.ForwardNames, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation call)
    {
        if (!TorchVocabulary.IsForwardName(call.TargetMethod.Name) || model.Classify(call) != StepEventKind.ModelCall ||
            TrainingCodeModel.ReceiverOf(call) is not { } receiver || !model.IsOnEvaluationPath(call, context.CancellationToken))
            return;

        var module = model.ResolveModule(receiver, new Trace(context.CancellationToken));
        if (module.IsKnown && module.HasModeDependentLayer && !EvalBefore(model, call, context))
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            // Asked only of the calls reported: the climb tests every ancestor against an interface.
            if (TrainingCodeModel.ReferencedSymbol(receiver) is not null && call.Ancestors().Any(a => a is IBlockOperation))
            {
                properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.Model, receiver.Syntax.ToString());

                // Inline validation inside a training loop's iteration: the fix must also switch back to train().
                if (EnclosingTrainingLoop(model, call, context) is { } loop)
                    properties = properties.Add(FixProperties.LoopStart, loop.Syntax.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5003, call.Syntax.GetLocation(), properties, module.Name));
        }

        if (!model.IsUnderNoGrad(call, context.CancellationToken))
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (call.Ancestors().Last().Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax { Body: not null })
                properties = properties.Add(FixProperties.Fixable, "true");
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT5005, call.Syntax.GetLocation(), properties));
        }
    }

    /// <summary>The innermost loop around the call in its method (not through a lambda) whose iteration runs backward().</summary>
    private static ILoopOperation? EnclosingTrainingLoop(TrainingCodeModel model, IOperation call, RuleContext context)
    {
        for (var p = call.Parent; p is not null; p = p.Parent)
        {
            if (p.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction) // by kind: no interface test per ancestor
                return null;
            if (p.Kind == OperationKind.Loop && model.FactsOf((ILoopOperation)p, context.CancellationToken).IsTraining)
                return (ILoopOperation)p;
        }

        return null;
    }

    /// <summary>eval() (or train(false)) on some module earlier in the method, or before every call of the method.</summary>
    private static bool EvalBefore(TrainingCodeModel model, IOperation operation, RuleContext context, int hops = 0)
    {
        var root = operation.Ancestors().Last();
        if (root.InvocationsUnder().Any(i => i.Syntax.SpanStart < operation.Syntax.SpanStart && model.Classify(i) == StepEventKind.EvalMode))
            return true;
        if (hops >= 2 || model.EnclosingMethod(operation, context.CancellationToken) is not { } method)
            return false;
        var callers = model.CallSites(method, context.CancellationToken);
        return !callers.IsEmpty && callers.All(c => EvalBefore(model, c, context, hops + 1));
    }
}
