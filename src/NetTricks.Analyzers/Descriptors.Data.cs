using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT6001 = Create(
        DiagnosticIds.LinearTrainerWithoutNormalization, "Linear trainer without normalization",
        "The trainer '{0}' needs scaled features, but the raw column(s) {1} reach its feature column '{2}' with no Normalize* transform",
        RuleCategories.Data, DiagnosticSeverity.Warning,
        "SDCA, L-BFGS, SGD, online gradient descent, the averaged perceptron and the SVM trainers optimise one step size or one regularisation strength for all features. Unscaled columns make large-valued features dominate, slow convergence and can stop it early. Normalise the feature column before the trainer.");

    public static readonly DiagnosticDescriptor NT6002 = Create(
        DiagnosticIds.EvaluatingOnTrainingData, "Evaluating on training data",
        "'{0}' is evaluated on '{1}', data it was trained on: the metrics measure memorisation, not generalisation; evaluate on held-out data",
        RuleCategories.Data, DiagnosticSeverity.Warning,
        "Metrics computed on the rows a model was fitted on are optimistic, and the more the model over-fits the better they look. Hold data out (TrainTestSplit) or cross-validate, and report those metrics.");

    public static readonly DiagnosticDescriptor NT6003 = Create(
        DiagnosticIds.TrainingLoaderNotShuffled, "Training loader not shuffled",
        "This DataLoader feeds a training loop but does not shuffle (shuffle defaults to false): every epoch sees the batches in the same order",
        RuleCategories.Data, DiagnosticSeverity.Info,
        "Stochastic gradient descent assumes each mini-batch is a random sample of the data. A fixed order, often sorted by class, source or time, makes consecutive updates correlated and the epochs identical. Pass shuffle: true.");
}
