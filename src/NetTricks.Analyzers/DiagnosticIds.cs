namespace NetTricks.Analyzers;

/// <summary>Every NetTricks rule ID, in one place (fixed by the rule catalogue).</summary>
public static partial class DiagnosticIds
{
    public const string ReluOnSignedOutputs = "NT1001";
    public const string MseWithSoftmax = "NT1002";
    public const string SoftmaxBeforeCrossEntropy = "NT1003";
    public const string NllLossOnProbabilities = "NT1004";
    public const string FullBatchGradientDescent = "NT3001";
    public const string MissingZeroGrad = "NT3002";
    public const string ClippingMasksExplodingErrors = "NT4001";
    public const string RecurrentModelWithoutClipping = "NT4002";
    public const string NoRegularization = "NT5001";
}

/// <summary>Rule categories, so <c>dotnet_analyzer_diagnostic.category-NetTricks.Output.severity</c> works.</summary>
public static class RuleCategories
{
    public const string Output = "NetTricks.Output";
    public const string Initialization = "NetTricks.Initialization";
    public const string Optimization = "NetTricks.Optimization";
    public const string Gradients = "NetTricks.Gradients";
    public const string Regularization = "NetTricks.Regularization";
    public const string Data = "NetTricks.Data";
    public const string TorchSharp = "NetTricks.TorchSharp";
}
