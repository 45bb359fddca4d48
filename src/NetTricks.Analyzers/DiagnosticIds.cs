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

    public const string SigmoidBeforeBce = "NT1005";
    public const string LogOfSoftmax = "NT1006";
    public const string SoftmaxOverBatchDimension = "NT1007";
    public const string BoundedOutputUnknownTargetRange = "NT1008";
    public const string SigmoidInHiddenLayers = "NT2001";
    public const string ConstantWeightInitialization = "NT2002";
    public const string InitializerDoesNotFitActivation = "NT2003";
    public const string DeadReluRisk = "NT2004";
    public const string StepBeforeBackward = "NT3003";
    public const string SgdWithoutMomentum = "NT3004";
    public const string LearningRateOutOfRange = "NT3005";
    public const string NoLearningRateSchedule = "NT3006";
    public const string VeryLargeBatch = "NT3007";
    public const string SchedulerNeverStepped = "NT3008";
    public const string HandWrittenBackwardWithoutGradientCheck = "NT4003";
    public const string NonDifferentiableOpInForward = "NT4004";
    public const string VanillaRnn = "NT4005";
    public const string SuspiciousDropoutRate = "NT5002";
    public const string EvaluationInTrainingMode = "NT5003";
    public const string TrainingResumesInEvalMode = "NT5004";
    public const string InferenceWithoutNoGrad = "NT5005";
    public const string NoValidation = "NT5006";
    public const string FunctionalDropoutIgnoresEval = "NT5007";
    public const string LinearTrainerWithoutNormalization = "NT6001";
    public const string EvaluatingOnTrainingData = "NT6002";
    public const string TrainingLoaderNotShuffled = "NT6003";
    public const string TrainingLoopWithoutDisposeScope = "NT8001";
    public const string LossTensorAccumulated = "NT8002";
    public const string SubmodulesNotRegistered = "NT8003";
    public const string NoGradNotScoped = "NT8004";
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
