using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT3003 = Create(
        DiagnosticIds.StepBeforeBackward, "step before backward",
        "{0}",
        RuleCategories.Optimization, DiagnosticSeverity.Warning,
        "step() applies the gradients that backward() computed. Stepping first applies the previous iteration's (or no) gradients; never stepping trains nothing.");

    public static readonly DiagnosticDescriptor NT3004 = Create(
        DiagnosticIds.SgdWithoutMomentum, "SGD without momentum",
        "SGD without momentum converges slowly in narrow valleys; consider momentum: 0.9",
        RuleCategories.Optimization, DiagnosticSeverity.Info,
        "Momentum averages gradients across steps, damping oscillation across narrow valleys and speeding progress along them.");

    public static readonly DiagnosticDescriptor NT3005 = Create(
        DiagnosticIds.LearningRateOutOfRange, "Learning rate out of range",
        "Learning rate {0} is outside the usual range of {1} ({2})",
        RuleCategories.Optimization, DiagnosticSeverity.Info,
        "Learning rates far outside an optimizer's usual range either diverge or barely move the weights.");

    public static readonly DiagnosticDescriptor NT3006 = Create(
        DiagnosticIds.NoLearningRateSchedule, "No learning-rate schedule",
        "SGD trains with a constant learning rate over many epochs; a schedule (e.g. ReduceLROnPlateau stepped on the validation loss) usually converges further",
        RuleCategories.Optimization, DiagnosticSeverity.Info,
        "With a constant step size SGD ends up bouncing around a minimum; decaying the learning rate lets it settle.");

    public static readonly DiagnosticDescriptor NT3007 = Create(
        DiagnosticIds.VeryLargeBatch, "Very large batch",
        "Batch size {0} for training: very large batches tend to generalise worse and need more epochs (or a scaled learning rate)",
        RuleCategories.Optimization, DiagnosticSeverity.Info,
        "Large batches reduce gradient noise, which often acts as a regulariser, and take fewer steps per epoch.");

    public static readonly DiagnosticDescriptor NT3008 = Create(
        DiagnosticIds.SchedulerNeverStepped, "Scheduler never stepped",
        "The learning-rate scheduler '{0}' is created but its step() is never called: the learning rate never changes",
        RuleCategories.Optimization, DiagnosticSeverity.Warning,
        "TorchSharp schedulers change the learning rate only when step() is called, usually once per epoch.");
}
