using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT1005 = Create(
        DiagnosticIds.SigmoidBeforeBce, "Sigmoid before BCE",
        "BCELoss receives a sigmoid output; use BCEWithLogitsLoss on the logits",
        RuleCategories.Output, DiagnosticSeverity.Info,
        "On saturated logits libtorch clamps the log in BCELoss at -100: the loss is wrong and the gradient vanishes. BCEWithLogitsLoss computes it stably from the logits.");

    public static readonly DiagnosticDescriptor NT1006 = Create(
        DiagnosticIds.LogOfSoftmax, "Log of softmax",
        "log(softmax(x)) underflows to -inf for confident predictions; use log_softmax",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "Softmax probabilities underflow to 0 for large logit gaps, and log(0) is -inf (NaN gradients). log_softmax computes the same value stably.");

    public static readonly DiagnosticDescriptor NT1007 = Create(
        DiagnosticIds.SoftmaxOverBatchDimension, "Softmax over the batch dimension",
        "Softmax over dimension 0 of a model output normalises across the samples of the batch, not across classes; use dim: 1",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "Model outputs are (batch, classes, ...): dimension 0 is the batch. A softmax over it makes each class column sum to 1 across samples.");

    public static readonly DiagnosticDescriptor NT1008 = Create(
        DiagnosticIds.BoundedOutputUnknownTargetRange, "Bounded output, target range unknown",
        "The model output ends in {0} (range {1}); nothing shows that every regression target lies in that range",
        RuleCategories.Output, DiagnosticSeverity.Info,
        "A bounded final activation cannot produce targets outside its range. Check the targets, or remove the final activation.");
}
