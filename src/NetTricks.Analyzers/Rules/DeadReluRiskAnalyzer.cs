using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT2004: a <c>Sequential(...)</c> of at least four trainable layers whose activations are all ReLU, with no
/// normalization layer, while nothing in the compilation applies He/Kaiming or the runtime's initializers, or wraps
/// a model in the runtime's checked layers.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeadReluRiskAnalyzer : DiagnosticAnalyzer
{
    public const int MinimumDepth = 4;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT2004);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, Analyze);
    }

    private static void Analyze(OperationAnalysisContext context, TrainingCodeModel model, IInvocationOperation sequential)
    {
        if (sequential.TargetMethod.Name != "Sequential" || !model.Symbols.IsTorchSharpType(sequential.TargetMethod.ContainingType))
            return;
        var elements = model.SequentialElements(sequential, context.CancellationToken);
        var names = elements.Select(e => e.Info.Name).ToList();
        var depth = names.Count(TorchVocabulary.IsTrainableLayer);
        var activations = names.Where(n => TorchVocabulary.ActivationFamilies.ContainsKey(n) || n is "Softmax" or "LogSoftmax").ToList();
        if (depth < MinimumDepth || names.Contains("?") || activations.Count(a => a == "ReLU") < depth - 1 || activations.Any(a => a is not ("ReLU" or "Softmax" or "LogSoftmax")))
            return;
        if (names.Any(n => TorchVocabulary.NormalizationModules.Contains(n)))
            return;
        if (new[] { "kaiming_uniform_", "kaiming_normal_", "HeNormal", "HeUniform", "ForActivation", "ForActivations", "InitializeForActivations", "Checked" }
            .Any(n => !model.Index.CallsNamed(n).IsEmpty))
            return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2004, sequential.Syntax.GetLocation(), properties, "Sequential", depth));
    }
}
