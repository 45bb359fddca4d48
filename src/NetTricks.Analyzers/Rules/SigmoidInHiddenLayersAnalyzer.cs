using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT2001: a sigmoid between two trainable layers: a <c>Sigmoid()</c> element of <c>Sequential</c> with a layer
/// before and after it, or, in a forward body, a sigmoid whose input comes from a layer and whose output feeds a
/// layer. Gates (a sigmoid multiplied with a value) and output sigmoids are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SigmoidInHiddenLayersAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT2001);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, TorchVocabulary.ForwardNames.Append("Sequential"), Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        var name = invocation.TargetMethod.Name;
        if (name == "Sequential" && model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
        {
            var elements = model.SequentialElements(invocation, context.CancellationToken);
            for (var i = 1; i < elements.Length - 1; i++)
            {
                if (elements[i].Info.Name == "Sigmoid" &&
                    elements.Take(i).Any(e => TorchVocabulary.IsTrainableLayer(e.Info.Name)) &&
                    elements.Skip(i + 1).TakeWhile(e => !TorchVocabulary.ActivationFamilies.ContainsKey(e.Info.Name)).Any(e => TorchVocabulary.IsTrainableLayer(e.Info.Name)))
                {
                    Report(context, elements[i].Module.Syntax, fixable: true);
                }
            }

            return;
        }

        // forward bodies: a layer call whose input is a sigmoid of a layer's output.
        if (!TorchVocabulary.IsForwardName(name) || model.Classify(invocation) != StepEventKind.ModelCall ||
            !model.IsInModuleForward(invocation, context.CancellationToken) ||
            !TorchVocabulary.IsTrainableLayer(model.ResolveModule(TrainingCodeModel.ReceiverOf(invocation)!, new Trace(context.CancellationToken)).Name))
            return;
        var input = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (input is null)
            return;
        var output = model.OutputOf(input, new Trace(context.CancellationToken));
        if (output.Kind != ActivationKind.Sigmoid || output.Sites.Length != 1 || output.Sites[0].Shape == SiteShape.SequentialElement)
            return;

        // x.sigmoid() / torch.sigmoid(x) / this.act.forward(x) with a Sigmoid module: the sigmoid's own input.
        var sigmoid = model.GetOperation(output.Sites[0].Node, context.CancellationToken) as IInvocationOperation;
        var sigmoidInput = output.Sites[0].Shape == SiteShape.ModuleCall
            ? sigmoid?.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value
            : sigmoid?.Instance ?? sigmoid?.Arguments.FirstOrDefault()?.Value;
        if (sigmoidInput is not null && model.ModelCallsFeeding(sigmoidInput, new Trace(context.CancellationToken)).Any(c =>
                TorchVocabulary.IsTrainableLayer(model.ResolveModule(TrainingCodeModel.ReceiverOf(c)!, new Trace(context.CancellationToken)).Name)))
            Report(context, output.Sites[0].Node, fixable: output.Sites[0].Shape != SiteShape.ModuleCall);
    }

    private static void Report(RuleContext context, SyntaxNode sigmoid, bool fixable) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2001, sigmoid.GetLocation(),
            fixable ? ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true") : ImmutableDictionary<string, string?>.Empty));
}
