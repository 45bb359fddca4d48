using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT3001: every optimizer step feeds the same whole tensors to the model: the model call whose output reaches
/// the loss that backward() runs on takes a tensor that the training loop never changes.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FullBatchGradientDescentAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT3001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only a call inside a loop can be in a training loop's iteration: the model's and layers' calls elsewhere are not bound.
        Registration.OnInvocations(context, TorchVocabulary.ForwardNames, Analyze, TrainingCodeModel.IsInLoopStatement);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation call)
    {
        if (!TorchVocabulary.IsForwardName(call.TargetMethod.Name) || model.Classify(call) != StepEventKind.ModelCall)
            return;
        var input = call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (input is null || !model.Symbols.IsTensor(input.Type) || TrainingCodeModel.ReferencedSymbol(input) is not { } data)
            return;

        // The innermost loop around the call, in this method, that trains (backward + step).
        var loop = InnermostTrainingLoop(model, call, context);
        if (loop is null || model.IsInModuleForward(call, context.CancellationToken))
            return;

        // L-BFGS re-evaluates the full batch by design.
        if (loop.Events.Any(e => e.Kind == StepEventKind.OptimizerStep && TrainingCodeModel.ReceiverOf(e.Invocation)?.Type?.Name == "LBFGS"))
            return;
        if (IsDeclaredInside(data, loop.Loop) || TrainingCodeModel.IsWrittenIn(data, loop.Loop.Body))
            return;

        // Only the forward pass that is trained on counts (not an evaluation on the validation set in the same loop).
        var trainedLoss = FeedingLoss(model, loop, call, context);
        if (trainedLoss is null)
            return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.LoopStart, loop.Loop.Syntax.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (TrainingCodeModel.ReferencedSymbol(trainedLoss.Target) is { } target && !IsDeclaredInside(target, loop.Loop) &&
            !TrainingCodeModel.IsWrittenIn(target, loop.Loop.Body) && loop.Loop.Syntax.SyntaxTree == call.Syntax.SyntaxTree &&
            trainedLoss.Invocation.Syntax.SyntaxTree == call.Syntax.SyntaxTree && loop.Loop.Syntax.Span.Contains(trainedLoss.Invocation.Syntax.Span))
        {
            properties = properties.Add(FixProperties.Fixable, "true")
                .Add(FixProperties.InputSpan, FixProperties.Span(input.Syntax))
                .Add(FixProperties.TargetSpan, FixProperties.Span(trainedLoss.Target.Syntax));
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT3001, call.Syntax.GetLocation(), properties, data.Name));
    }

    // The ancestors are compared by kind (a virtual property), not tested against ILoopOperation: asked of every model
    // call, most of them layer calls in a forward with no loop around them.
    private static LoopFacts? InnermostTrainingLoop(TrainingCodeModel model, IOperation call, RuleContext context)
    {
        for (var p = call.Parent; p is not null; p = p.Parent)
        {
            if (p.Kind == OperationKind.Loop && model.FactsOf((ILoopOperation)p, context.CancellationToken) is { IsTraining: true } facts && facts.Has(StepEventKind.OptimizerStep))
                return facts;
        }

        return null;
    }

    private static bool IsDeclaredInside(ISymbol symbol, ILoopOperation loop) =>
        symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == loop.Syntax.SyntaxTree && loop.Syntax.Span.Contains(r.Span));

    /// <summary>The loss, computed in the loop and backpropagated there, that this model call feeds; null if none.</summary>
    private static LossCall? FeedingLoss(TrainingCodeModel model, LoopFacts loop, IInvocationOperation call, RuleContext context)
    {
        foreach (var backward in loop.Events.Where(e => e.Kind == StepEventKind.Backward && !e.ViaCall))
        {
            if (backward.Invocation.Instance is not { } lossValue)
                continue;
            var feeding = model.ModelCallsFeeding(lossValue, new Trace(context.CancellationToken));
            if (!feeding.Any(f => f.Syntax == call.Syntax))
                continue;
            foreach (var definition in model.Definitions(lossValue, context.CancellationToken))
            {
                if (TrainingCodeModel.Unwrap(definition) is IInvocationOperation invocation && model.AsLossCall(invocation, new Trace(context.CancellationToken)) is { } loss)
                    return loss;
            }

            // Fed, but the loss is not a recognised call (a custom loss): still full batch, without a fix.
            return new LossCall(LossKind.None, call, call, call, "loss");
        }

        return null;
    }
}
