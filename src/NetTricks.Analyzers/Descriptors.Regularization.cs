using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT5002 = Create(
        DiagnosticIds.SuspiciousDropoutRate, "Suspicious dropout rate",
        "Dropout probability {0} {1}",
        RuleCategories.Regularization, DiagnosticSeverity.Warning,
        "TorchSharp's p is the probability of dropping a unit. 0.9 (a keep-probability in other frameworks) drops 90% of the units.");

    public static readonly DiagnosticDescriptor NT5003 = Create(
        DiagnosticIds.EvaluationInTrainingMode, "Evaluation in training mode",
        "'{0}' has Dropout or BatchNorm and is evaluated without eval(): dropout stays on and BatchNorm uses batch statistics",
        RuleCategories.Regularization, DiagnosticSeverity.Warning,
        "Dropout and BatchNorm behave differently in training and evaluation. Without eval() the metrics are noisy and biased.");

    public static readonly DiagnosticDescriptor NT5004 = Create(
        DiagnosticIds.TrainingResumesInEvalMode, "Training resumes in eval mode",
        "eval() is called inside the training loop but train() is never called again: the next epochs train with dropout off and frozen BatchNorm statistics",
        RuleCategories.Regularization, DiagnosticSeverity.Warning,
        "eval() stays in effect until train() is called. A validation pass inside the epoch loop must be followed by train().");

    public static readonly DiagnosticDescriptor NT5005 = Create(
        DiagnosticIds.InferenceWithoutNoGrad, "Inference without no_grad",
        "The model runs for evaluation with autograd enabled: it records a graph nobody uses; wrap it in using (torch.no_grad())",
        RuleCategories.Regularization, DiagnosticSeverity.Info,
        "With autograd on, every forward pass keeps its activations for a backward pass that never comes: memory and time wasted.");

    public static readonly DiagnosticDescriptor NT5006 = Create(
        DiagnosticIds.NoValidation, "No validation",
        "The model '{0}' is trained but never evaluated on held-out data: over-fitting cannot be seen",
        RuleCategories.Regularization, DiagnosticSeverity.Info,
        "Training loss alone cannot tell a model that generalises from one that memorises. Evaluate on data the model did not train on.");

    public static readonly DiagnosticDescriptor NT5007 = Create(
        DiagnosticIds.FunctionalDropoutIgnoresEval, "Functional dropout ignores eval()",
        "functional.{0} in forward defaults to training: true, so dropout stays on after eval(); pass training: training",
        RuleCategories.Regularization, DiagnosticSeverity.Warning,
        "Unlike the Dropout module, the functional form does not know the module's mode.");
}
