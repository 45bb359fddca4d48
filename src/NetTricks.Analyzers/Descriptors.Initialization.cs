using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT2001 = Create(
        DiagnosticIds.SigmoidInHiddenLayers, "Sigmoid in hidden layers",
        "Sigmoid between two layers: its output is not zero-centred and its gradient is at most 0.25; use Tanh or ReLU",
        RuleCategories.Initialization, DiagnosticSeverity.Info,
        "Hidden sigmoids saturate, pass at most a quarter of the gradient, and shift the next layer's inputs to be all positive.");

    public static readonly DiagnosticDescriptor NT2002 = Create(
        DiagnosticIds.ConstantWeightInitialization, "Constant weight initialization",
        "The weights of '{0}' start constant ({1}): every neuron of the layer starts identical and learns the same thing",
        RuleCategories.Initialization, DiagnosticSeverity.Warning,
        "Neurons with identical weights get identical gradients; only a random layer elsewhere can break the symmetry. With zero weights and ReLU the gradient is exactly zero.");

    public static readonly DiagnosticDescriptor NT2003 = Create(
        DiagnosticIds.InitializerDoesNotFitActivation, "Initializer does not fit activation",
        "{0} initialization on a layer followed by {1}; {2}",
        RuleCategories.Initialization, DiagnosticSeverity.Info,
        "He/Kaiming keeps the variance through ReLU-family layers, Xavier/Glorot through tanh and sigmoid. A mismatch shrinks or grows activations layer by layer.");

    public static readonly DiagnosticDescriptor NT2004 = Create(
        DiagnosticIds.DeadReluRisk, "Dead-ReLU risk",
        "'{0}' stacks {1} layers with ReLU and no normalization, He initialization or monitoring: units that die stay dead",
        RuleCategories.Initialization, DiagnosticSeverity.Info,
        "A ReLU unit whose pre-activation is negative for every input gets no gradient and never recovers. Deep plain ReLU stacks lose many units this way.");
}
