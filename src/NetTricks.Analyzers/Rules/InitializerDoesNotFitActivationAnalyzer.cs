using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT2003: Xavier/Glorot on a layer followed by a ReLU-family activation, He/Kaiming on one followed by tanh or
/// sigmoid (unless a nonlinearity/gain argument says otherwise), or <c>normal_(w, 0, 1)</c> / <c>w.normal_(0, 1)</c> on a wide
/// layer. The activation comes from the module's forward or from the Sequential the layer is an element of.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InitializerDoesNotFitActivationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT2003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "xavier_uniform_", "xavier_normal_", "glorot_uniform_", "glorot_normal_", "kaiming_uniform_", "kaiming_normal_", "normal_" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        var name = invocation.TargetMethod.Name;
        var isXavier = name is "xavier_uniform_" or "xavier_normal_" or "glorot_uniform_" or "glorot_normal_";
        var isHe = name is "kaiming_uniform_" or "kaiming_normal_";
        var isUnitNormal = name == "normal_";
        if (!(isXavier || isHe || isUnitNormal) || !model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            return;

        // init.xxx_(layer.weight, ...) or the tensor-method form layer.weight.normal_(0, 1) (also through a local w).
        var isTensorMethod = invocation.Instance is not null && model.Symbols.IsTensor(invocation.Instance.Type);
        var weight = isTensorMethod ? invocation.Instance : invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (weight is null || WeightProperty(model, weight, context) is not { Instance: { } layer } || !model.Symbols.IsModule(layer.Type))
            return;

        // An explicit gain or nonlinearity means the author chose it deliberately.
        if (invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Name is "gain" or "nonlinearity" or "a"))
            return;
        var activation = ConstantWeightInitializationAnalyzer.ActivationAfterLayer(model, layer, context);
        string? advice = null;
        if (isXavier && activation is "ReLU" or "LeakyReLU" or "GELU" or "SiLU" or "ELU")
            advice = "use He/Kaiming (Init.ForActivation(weight, Activation." + activation + "))";
        else if (isHe && activation is "Tanh" or "Sigmoid")
            advice = "use Xavier/Glorot (Init.ForActivation(weight, Activation." + activation + "))";
        else if (isUnitNormal && IsUnitStd(invocation) && model.ResolveModule(layer, new Trace(context.CancellationToken)).KnownParameters >= 256 * 256)
            advice = "std 1 on a wide layer makes activations grow with its width; scale the std by 1/sqrt(fan_in)";
        if (advice is null)
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2003, invocation.Syntax.GetLocation(), name.TrimEnd('_'), activation ?? "no activation", advice));
    }

    /// <summary>The <c>layer.weight*</c> property a weight expression reads, directly or through one local holding it.</summary>
    private static IPropertyReferenceOperation? WeightProperty(TrainingCodeModel model, IOperation weight, RuleContext context)
    {
        weight = TrainingCodeModel.Unwrap(weight);
        if (weight is ILocalReferenceOperation && model.Definitions(weight, context.CancellationToken) is { Length: 1 } definitions)
            weight = TrainingCodeModel.Unwrap(definitions[0]);
        return weight is IPropertyReferenceOperation { Property.Name: var property } reference && property.StartsWith("weight", System.StringComparison.Ordinal)
            ? reference
            : null;
    }

    private static bool IsUnitStd(IInvocationOperation invocation)
    {
        var std = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "std");
        return std is null || std.ArgumentKind != ArgumentKind.Explicit || std.Value.ConstantValue is { HasValue: true, Value: 1.0 or 1 or 1f };
    }
}
