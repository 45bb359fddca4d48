using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal enum LossKind
{
    None,
    CrossEntropy,
    NegativeLogLikelihood,
    MeanSquared,
    MeanAbsolute,
    SmoothL1,
    Huber,
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    KLDivergence,
}

/// <summary>A call that computes a loss: <c>criterion.forward(output, target)</c>, <c>.call(...)</c>, or a functional loss.</summary>
internal sealed record LossCall(LossKind Kind, IInvocationOperation Invocation, IOperation Input, IOperation Target, string DisplayName)
{
    /// <summary>
    /// True when the loss has settings a rewrite to another functional loss would drop: extra arguments of a
    /// functional call, or a criterion created with arguments (weight, reduction) or from an unknown place.
    /// </summary>
    public bool HasSettings { get; init; }

    public bool IsRegression => Kind is LossKind.MeanSquared or LossKind.MeanAbsolute or LossKind.SmoothL1 or LossKind.Huber;
}

/// <summary>A loss call and the last operation of the model output it receives, computed once for every rule.</summary>
internal sealed record LossFacts(LossCall Loss, OutputActivation Output);

internal sealed partial class TrainingCodeModel
{
    private readonly ConcurrentDictionary<SyntaxNode, LossFacts?> _lossFacts = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.5));

    /// <summary>The loss call at an invocation and what its input's last operation is; null when it is not a loss call. Memoised.</summary>
    public LossFacts? LossFactsOf(IInvocationOperation invocation, CancellationToken cancellationToken)
    {
        // Cheap name test first: most invocations are not losses.
        var name = invocation.TargetMethod.Name;
        if (!TorchVocabulary.IsForwardName(name) && !TorchVocabulary.LossFunctions.ContainsKey(name))
            return null;
        return _lossFacts.GetOrCompute(invocation.Syntax, (Model: this, Invocation: invocation, CancellationToken: cancellationToken), static (_, s) =>
            s.Model.AsLossCall(s.Invocation, new Trace(s.CancellationToken)) is { } loss
                ? new LossFacts(loss, s.Model.OutputOf(loss.Input, new Trace(s.CancellationToken)))
                : null);
    }

    /// <summary>Recognises a loss call; null for anything else. Cheap to call on every invocation (name check first).</summary>
    public LossCall? AsLossCall(IInvocationOperation invocation, Trace trace)
    {
        var method = invocation.TargetMethod;
        LossKind kind;
        string display;
        var hasSettings = invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Ordinal > 1);
        if (TorchVocabulary.LossFunctions.TryGetValue(method.Name, out var functional))
        {
            if (!Symbols.IsTorchSharpType(method.ContainingType))
                return null;
            kind = functional;
            display = method.Name;
        }
        else if (TorchVocabulary.IsForwardName(method.Name) && ReceiverOf(invocation) is { } receiver && Symbols.IsLossModule(receiver.Type))
        {
            var name = LossModuleName(receiver, trace);
            if (name is null || !TorchVocabulary.LossModules.TryGetValue(name, out kind))
                return null;
            display = name;
            hasSettings = !CreatedWithoutArguments(receiver, new Trace(trace.CancellationToken));
        }
        else
        {
            return null;
        }

        var input = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        var target = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 1)?.Value;
        return input is null || target is null ? null : new LossCall(kind, invocation, input, target, display) { HasSettings = hasSettings };
    }

    /// <summary>True when every creation of the criterion is a factory call with no explicit argument (default settings).</summary>
    private bool CreatedWithoutArguments(IOperation receiver, Trace trace)
    {
        receiver = Unwrap(receiver);
        if (receiver is IInvocationOperation creation && Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return creation.Arguments.All(a => a.ArgumentKind != ArgumentKind.Explicit);
        if (!trace.Enter(receiver.Syntax))
            return false;
        try
        {
            var definitions = Definitions(receiver, trace.CancellationToken);
            return !IsOwnOrigin(receiver, definitions) && definitions.Length > 0 && definitions.All(d => CreatedWithoutArguments(d, trace));
        }
        finally
        {
            trace.Exit(receiver.Syntax);
        }
    }

    /// <summary>The TorchSharp loss type behind a criterion, through its static type or its creation.</summary>
    private string? LossModuleName(IOperation receiver, Trace trace)
    {
        receiver = Unwrap(receiver);
        if (receiver.Type is INamedTypeSymbol { IsAbstract: false } type && Symbols.IsTorchSharpType(type) && TorchVocabulary.LossModules.ContainsKey(type.Name))
            return type.Name;
        if (receiver is IInvocationOperation creation && Symbols.IsTorchSharpType(creation.TargetMethod.ContainingType))
            return creation.TargetMethod.ReturnType.Name;
        if (!trace.Enter(receiver.Syntax))
            return null;
        try
        {
            var definitions = Definitions(receiver, trace.CancellationToken);
            if (IsOwnOrigin(receiver, definitions) || definitions.IsEmpty)
                return null;
            var names = definitions.Select(d => LossModuleName(d, trace)).Distinct().ToList();
            return names.Count == 1 ? names[0] : null;
        }
        finally
        {
            trace.Exit(receiver.Syntax);
        }
    }
}
