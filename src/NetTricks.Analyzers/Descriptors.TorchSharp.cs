using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers;

public static partial class Descriptors
{
    public static readonly DiagnosticDescriptor NT8001 = Create(
        DiagnosticIds.TrainingLoopWithoutDisposeScope, "Training loop without dispose scope",
        "This loop creates tensors every iteration ({0}) without a per-iteration torch.NewDisposeScope(): native memory grows every step",
        RuleCategories.TorchSharp, DiagnosticSeverity.Warning,
        "TorchSharp tensors hold native memory that the .NET GC does not see. Without a dispose scope per iteration every step's temporaries stay alive until finalization.");

    public static readonly DiagnosticDescriptor NT8002 = Create(
        DiagnosticIds.LossTensorAccumulated, "Loss tensor accumulated",
        "The loss tensor is kept in '{0}', which outlives the iteration: every step's autograd graph stays alive; accumulate loss.item<float>() or a detached tensor",
        RuleCategories.TorchSharp, DiagnosticSeverity.Warning,
        "A loss tensor references its whole computation graph. Summing or storing it across iterations keeps every step's graph (and activations) in memory.");

    public static readonly DiagnosticDescriptor NT8003 = Create(
        DiagnosticIds.SubmodulesNotRegistered, "Submodules not registered",
        "'{0}' keeps layers in a plain collection that RegisterComponents() does not register: they are not in parameters(), not moved by to(device), never trained; use ModuleList",
        RuleCategories.TorchSharp, DiagnosticSeverity.Warning,
        "RegisterComponents() registers fields of Module and Parameter types (and ModuleList/ModuleDict), not List<>, arrays or dictionaries of modules.");

    public static readonly DiagnosticDescriptor NT8004 = Create(
        DiagnosticIds.NoGradNotScoped, "no_grad not scoped",
        "{0} switches gradients off for the rest of the thread because its result is discarded; wrap it in using",
        RuleCategories.TorchSharp, DiagnosticSeverity.Warning,
        "torch.no_grad() returns a guard that restores gradient mode when disposed. Discarding it leaves gradients off for the thread: later backward() calls fail, or, where that error is caught, nothing learns.");
}
