using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT8001: a loop whose iteration runs backward() or a model (directly or through helpers, outside its inner
/// loops) without a dispose scope per iteration, or whose scope opens only after the forward pass.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingLoopWithoutDisposeScopeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT8001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnLoops(context, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model)
    {
        var loop = (ILoopOperation)context.Operation;
        if (model.IsInModuleForward(loop, context.CancellationToken))
            return;
        var events = model.OwnIterationEvents(loop, context.CancellationToken);
        var work = events.Where(e => e.Kind is StepEventKind.Backward or StepEventKind.ModelCall).ToList();
        if (work.Count == 0)
            return;

        // Work written in the loop needs a scope opened in the loop before it; work done inside a helper is covered
        // by a scope in that same helper (a helper that only scopes its own temporaries does not cover the loop's).
        var direct = work.Where(e => !e.ViaCall).ToList();
        var directCovered = direct.Count == 0 || events.Any(e => e.Kind == StepEventKind.DisposeScope && !e.ViaCall &&
            e.Invocation.Syntax.SpanStart <= direct.Min(w => w.Invocation.Syntax.SpanStart));
        var helpersCovered = work.Where(e => e.ViaCall).All(w => events.Any(e => e.Kind == StepEventKind.DisposeScope && e.ViaCall && e.Invocation.Syntax == w.Invocation.Syntax));
        if (directCovered && helpersCovered)
            return;
        if (HasDisposeEverything(model, loop) || DisposesTemporariesWithUsing(model, loop))
            return;

        var what = work.Any(e => e.Kind == StepEventKind.Backward) ? "forward and backward passes" : "model forward passes";
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (loop.Body is IBlockOperation && !WritesTensorsDeclaredOutside(model, loop))
            properties = properties.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT8001, loop.Syntax.GetFirstToken().GetLocation(), properties, what));
    }

    private static bool HasDisposeEverything(TrainingCodeModel model, ILoopOperation loop) =>
        model.ContentsOf(loop).Invocations.Any(i => i.TargetMethod.Name is "DisposeEverything" or "DisposeEverythingBut");

    // The two questions below read the loop body's operations from its tree's contents (a loop body's are kept as a
    // range of them), where walking the body again per reported loop showed in profiles.

    /// <summary><c>using var output = model.forward(x)</c>: temporaries disposed by hand (a tensor declared under a using in the body).</summary>
    private static bool DisposesTemporariesWithUsing(TrainingCodeModel model, ILoopOperation loop) =>
        OperationTreeContents.Of(loop).OfKind<IVariableDeclaratorOperation>(loop.Body, OperationKind.VariableDeclarator)
            .Any(declarator => model.Symbols.IsTensor(declarator.Symbol.Type) && IsUnderUsing(declarator, loop.Body));

    private static bool IsUnderUsing(IOperation operation, IOperation body)
    {
        for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, body); parent = parent.Parent)
        {
            if (parent.Kind is OperationKind.UsingDeclaration or OperationKind.Using)
                return true;
        }

        return false;
    }

    /// <summary>
    /// Tensors assigned to variables that outlive the iteration would escape a new scope: no fix then. (A
    /// deconstruction assigns a tuple, never a tensor as such: the kept assignments are the ones that can.)
    /// </summary>
    private static bool WritesTensorsDeclaredOutside(TrainingCodeModel model, ILoopOperation loop) =>
        OperationTreeContents.Of(loop).Kept(loop.Body).Any(op => op.Kind is OperationKind.SimpleAssignment or OperationKind.CompoundAssignment
            or OperationKind.CoalesceAssignment && op is IAssignmentOperation a &&
            model.Symbols.IsTensor(a.Target.Type) &&
            !(TrainingCodeModel.ReferencedSymbol(a.Target) is ILocalSymbol local &&
              local.DeclaringSyntaxReferences.Any(r => loop.Body.Syntax.Span.Contains(r.Span))));
}
