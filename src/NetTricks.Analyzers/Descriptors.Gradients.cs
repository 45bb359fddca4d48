using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT4003 = Create(
        DiagnosticIds.HandWrittenBackwardWithoutGradientCheck, "Hand-written backward without gradient check",
        "'{0}' implements backward by hand and nothing in this compilation checks it; check it with GradientChecker or mark it [GradientChecked]",
        RuleCategories.Gradients, DiagnosticSeverity.Info,
        "A wrong hand-written gradient trains silently and badly. Compare it with finite differences once.");

    public static readonly DiagnosticDescriptor NT4004 = Create(
        DiagnosticIds.NonDifferentiableOpInForward, "Non-differentiable op in forward",
        "{0} on the path to forward's output has zero (or no) gradient: the layers before it do not learn through it",
        RuleCategories.Gradients, DiagnosticSeverity.Info,
        "round, sign, floor, ceil, argmax, comparisons and detach() pass no gradient. Layers whose only path to the loss crosses them never train.");

    public static readonly DiagnosticDescriptor NT4005 = Create(
        DiagnosticIds.VanillaRnn, "Vanilla RNN",
        "A vanilla {0} forgets long-range dependencies (vanishing gradients through time); GRU or LSTM learn them",
        RuleCategories.Gradients, DiagnosticSeverity.Info,
        "Gated recurrent layers keep an additive path through time, so gradients survive many more steps.");
}
