using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

/// <summary>The descriptor catalogue. Titles and severities here are the source of the README rules table.</summary>
public static partial class Descriptors
{
    /// <summary>Rule pages live in the repository; an absolute URL so an IDE can open it.</summary>
    public const string HelpLinkBase = "https://github.com/nettricks/nettricks/blob/main/docs/rules/";

    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    public static readonly DiagnosticDescriptor NT1001 = Create(
        DiagnosticIds.ReluOnSignedOutputs, "ReLU on signed outputs",
        "The model output ends in {0} (range {1}) but the regression targets can be {2}: those targets are unreachable",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "A regression loss is computed on a model output whose last operation is a bounded activation, while the targets provably fall outside that activation's range. Remove the final activation.");

    public static readonly DiagnosticDescriptor NT1002 = Create(
        DiagnosticIds.MseWithSoftmax, "MSE with softmax",
        "{0} is computed on a {1} output: a classification task trained with a regression loss; use cross-entropy on the logits",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "Mean squared / L1 error on softmax probabilities gives vanishing gradients for confidently wrong predictions. Train classifiers with CrossEntropyLoss on the logits.");

    public static readonly DiagnosticDescriptor NT1003 = Create(
        DiagnosticIds.SoftmaxBeforeCrossEntropy, "Softmax before cross-entropy",
        "Cross-entropy receives softmax probabilities where it expects logits (softmax is applied twice); remove the final softmax",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "CrossEntropyLoss applies log-softmax itself. Feeding it softmax outputs squashes the logits a second time and flattens the gradients.");

    public static readonly DiagnosticDescriptor NT1004 = Create(
        DiagnosticIds.NllLossOnProbabilities, "NLLLoss on probabilities",
        "NLLLoss expects log-probabilities but receives a softmax output; use LogSoftmax",
        RuleCategories.Output, DiagnosticSeverity.Warning,
        "NLLLoss negates the input at the target index; on probabilities (not log-probabilities) the loss is meaningless and barely trains.");

    public static readonly DiagnosticDescriptor NT3001 = Create(
        DiagnosticIds.FullBatchGradientDescent, "Full-batch gradient descent",
        "Every optimizer step feeds the whole training set '{0}' to the model; iterate shuffled mini-batches",
        RuleCategories.Optimization, DiagnosticSeverity.Warning,
        "Full-batch gradient descent takes one step per pass over the data: slow, memory-hungry and without the regularising noise of mini-batches.");

    public static readonly DiagnosticDescriptor NT3002 = Create(
        DiagnosticIds.MissingZeroGrad, "Missing zero_grad",
        "This training loop calls backward() and step() but never zero_grad(): gradients accumulate across steps",
        RuleCategories.Optimization, DiagnosticSeverity.Warning,
        "backward() adds to .grad. Without zero_grad() every step uses the sum of all previous gradients.");

    public static readonly DiagnosticDescriptor NT4001 = Create(
        DiagnosticIds.ClippingMasksExplodingErrors, "Clipping masks exploding errors",
        "Gradient clipping on a model without recurrent layers hides exploding gradients; find the cause or use checked clipping that reports each clipped step",
        RuleCategories.Gradients, DiagnosticSeverity.Info,
        "In feed-forward models an exploding gradient is a symptom (bad data, outliers, a too-large learning rate). Silent clipping hides it.");

    public static readonly DiagnosticDescriptor NT4002 = Create(
        DiagnosticIds.RecurrentModelWithoutClipping, "Recurrent model without clipping",
        "The recurrent model '{0}' is trained without gradient clipping",
        RuleCategories.Gradients, DiagnosticSeverity.Info,
        "Gradients of recurrent networks can explode through time; clip their norm between backward() and step().");

    public static readonly DiagnosticDescriptor NT5001 = Create(
        DiagnosticIds.NoRegularization, "No regularization",
        "The model '{0}' has about {1:N0} trainable parameters and is trained with no weight decay, dropout, normalization or early stopping",
        RuleCategories.Regularization, DiagnosticSeverity.Info,
        "Large models over-fit without regularization. Add weight decay, dropout, normalization layers or early stopping.");

    /// <summary>
    /// Every descriptor of the catalogue, ordered by ID. Collected from the static fields of this (partial) class,
    /// so a rule group declares its descriptors in its own file and nothing else needs to list them.
    /// </summary>
    public static ImmutableArray<DiagnosticDescriptor> All => Catalogue.Value;

    // A nested holder: its initializer runs only after every field of Descriptors (in any file) is set.
    private static class Catalogue
    {
        public static readonly ImmutableArray<DiagnosticDescriptor> Value = typeof(Descriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    internal static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLink(id));
}
