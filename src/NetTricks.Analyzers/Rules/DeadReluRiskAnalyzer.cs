using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT2004: a model of at least four trainable layers whose activations are all ReLU, with no normalization layer:
/// a <c>Sequential(...)</c>, or a custom module class whose <c>forward</c> applies such a stack (its layers, or the
/// elements of a Sequential field it calls). Silent when He/Kaiming or the runtime's initializers are applied to
/// that model or its layers, or that model is wrapped in the runtime's checked layers.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeadReluRiskAnalyzer : DiagnosticAnalyzer
{
    public const int MinimumDepth = 4;

    /// <summary>Calls that initialise for ReLU (He) or monitor dead units, when applied to the model or its layers.</summary>
    private static readonly string[] Safeguards = { "kaiming_uniform_", "kaiming_normal_", "HeNormal", "HeUniform", "ForActivation", "ForActivations", "InitializeForActivations", "Checked" };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT2004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();

        Registration.OnInvocations(context, new[] { "Sequential" }, Analyze);
        Registration.OnDerivedClasses(context, AnalyzeModuleClass);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation sequential)
    {
        if (sequential.TargetMethod.Name != "Sequential" || !model.Symbols.IsTorchSharpType(sequential.TargetMethod.ContainingType))
            return;
        var elements = model.SequentialElements(sequential, context.CancellationToken);
        var names = elements.Select(e => e.Info.Name).ToList();
        if (!IsPlainReluStack(names, out var depth))
            return;
        if (HasSafeguard(model, sequential, null, context.CancellationToken))
            return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2004, sequential.Syntax.GetLocation(), properties, "Sequential", depth));
    }

    /// <summary>A custom module class whose forward applies a deep plain ReLU stack: reported at the class name (no fix).</summary>
    private static void AnalyzeModuleClass(TypeContext context, TrainingCodeModel model)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } type || !model.IsUserModuleType(type))
            return;
        if (model.ForwardLayerSequence(type, context.CancellationToken, out var sequentials, RulesOutPlainReluStack) is not { } sequence || !IsPlainReluStack(sequence, out var depth))
            return;

        // A Sequential field that is a deep ReLU stack on its own is reported at its creation already.
        if (sequentials.Any(s => IsPlainReluStack(s, out _)))
            return;
        if (HasSafeguard(model, null, type, context.CancellationToken))
            return;
        var location = type.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2004, location, type.Name, depth));
    }

    /// <summary>At least four trainable layers, every activation ReLU (a final softmax aside), no normalisation, nothing unknown.</summary>
    private static bool IsPlainReluStack(IReadOnlyList<string> names, out int depth)
    {
        depth = names.Count(TorchVocabulary.IsTrainableLayer);
        return depth >= MinimumDepth && !names.Contains("?") && !names.Any(RulesOutPlainReluStack) && names.Count(n => n == "ReLU") >= depth - 1;
    }

    /// <summary>A layer that no plain ReLU stack has, whatever else it holds: another activation (a final softmax aside) or a normalisation.</summary>
    private static bool RulesOutPlainReluStack(string name) =>
        TorchVocabulary.NormalizationModules.Contains(name) || TorchVocabulary.ActivationFamilies.ContainsKey(name) && name != "ReLU";

    /// <summary>He init, the runtime initializers or checked layers applied to this model or its layers (receiver or argument).</summary>
    private static bool HasSafeguard(TrainingCodeModel model, IOperation? creation, INamedTypeSymbol? moduleType, CancellationToken cancellationToken)
    {
        foreach (var name in Safeguards)
        {
            foreach (var node in model.Index.CallsNamed(name))
            {
                var (receiver, arguments) = model.GetOperation(node, cancellationToken) switch
                {
                    IInvocationOperation invocation => (invocation.Instance, invocation.Arguments),
                    IObjectCreationOperation construction => (null, construction.Arguments),
                    _ => (null, ImmutableArray<IArgumentOperation>.Empty),
                };
                var subjects = arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue).Select(a => a.Value);
                if (receiver is not null)
                    subjects = subjects.Append(receiver);
                if (subjects.Any(s => model.RefersToModel(s, creation, moduleType, cancellationToken)))
                    return true;
            }
        }

        return false;
    }
}
