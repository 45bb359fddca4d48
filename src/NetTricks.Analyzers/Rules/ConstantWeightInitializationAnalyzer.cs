using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT2002: a trainable layer's weight initialised to a constant (<c>init.zeros_</c>, <c>ones_</c>, <c>constant_</c>,
/// <c>fill_</c>, <c>zero_()</c>). Biases, norm layers and the last layer of a residual branch are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConstantWeightInitializationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT2002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "zeros_", "ones_", "constant_", "fill_", "zero_", "copy_" }, Analyze);
        Registration.OnAssignmentsTo(context, static name => name.StartsWith("weight", System.StringComparison.Ordinal), AnalyzeAssignment);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        var name = invocation.TargetMethod.Name;
        if (name is not ("zeros_" or "ones_" or "constant_" or "fill_" or "zero_" or "copy_") || !model.Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType))
            return;

        // weight.copy_(t): constant only when t provably is (zeros, ones, full, a constant fill).
        if (name == "copy_" && !IsConstantTensor(model, invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value, context))
            return;
        var weight = invocation.Instance ?? invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        if (TrainingCodeModel.Unwrap(weight!) is not IPropertyReferenceOperation { Property.Name: var property, Instance: { } layer } ||
            !property.StartsWith("weight", System.StringComparison.Ordinal) || !model.Symbols.IsModule(layer.Type))
            return;
        var info = model.ResolveModule(layer, new Trace(context.CancellationToken));
        if (!info.IsKnown || !TorchVocabulary.IsTrainableLayer(info.Name) || IsLastLayerOfResidualBranch(model, layer, context))
            return;

        // The fix initialises for the activation after the layer (runtime Init.ForActivation), when that is known.
        var properties = ImmutableDictionary<string, string?>.Empty;
        var activation = ActivationAfterLayer(model, layer, context);
        if (activation is not null && invocation.Parent is IExpressionStatementOperation)
            properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.Model, activation).Add(FixProperties.InputSpan, FixProperties.Span(weight!.Syntax));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2002, invocation.Syntax.GetLocation(), properties, layer.Syntax.ToString(), name));
    }

    /// <summary>
    /// The activation after a layer: after its call in its module's forward (first call found), or after its element in
    /// the Sequential(s) it is part of; null when unknown.
    /// </summary>
    internal static string? ActivationAfterLayer(TrainingCodeModel model, IOperation layer, RuleContext context)
    {
        var fromForward = ActivationAfterLayerInForward(model, layer, context);
        return fromForward ?? model.ActivationAfterSequentialElement(layer, context.CancellationToken);
    }

    /// <summary>The activation after the call of a layer field in its module's forward (first call found), or null.</summary>
    private static string? ActivationAfterLayerInForward(TrainingCodeModel model, IOperation layer, RuleContext context)
    {
        if (TrainingCodeModel.ReferencedSymbol(layer) is not IFieldSymbol field)
            return null;
        var forward = field.ContainingType.GetMembers("forward").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsAbstract);
        if (forward is null || model.GetBody(forward, context.CancellationToken) is not { } body)
            return null;
        var call = body.InvocationsUnder().FirstOrDefault(i =>
            model.Classify(i) == StepEventKind.ModelCall && SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(TrainingCodeModel.ReceiverOf(i)!), field));
        return call is null ? null : model.ActivationAfter(call, context.CancellationToken);
    }

    /// <summary><c>fc.weight = new Parameter(zeros(8, 4))</c> (or <c>nn.Parameter(...)</c>): a constant weight written by assignment.</summary>
    private static void AnalyzeAssignment(RuleContext context, TrainingCodeModel model)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation { Property.Name: var property, Instance: { } layer } ||
            !property.StartsWith("weight", System.StringComparison.Ordinal) || !model.Symbols.IsModule(layer.Type))
            return;
        var data = TrainingCodeModel.Unwrap(assignment.Value) switch
        {
            IObjectCreationOperation creation => creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value,
            IInvocationOperation { TargetMethod.Name: "Parameter" } factory => factory.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value,
            _ => null,
        };
        if (data is null || !IsConstantTensor(model, data, context))
            return;
        var info = model.ResolveModule(layer, new Trace(context.CancellationToken));
        if (!info.IsKnown || !TorchVocabulary.IsTrainableLayer(info.Name) || IsLastLayerOfResidualBranch(model, layer, context))
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT2002, assignment.Syntax.GetLocation(), layer.Syntax.ToString(), "a constant Parameter"));
    }

    /// <summary>A tensor whose every element is the same constant: zeros, ones, full(c), *_like forms (through locals).</summary>
    private static bool IsConstantTensor(TrainingCodeModel model, IOperation? value, RuleContext context)
    {
        if (value is null)
            return false;
        var range = model.RangeOf(value, new Trace(context.CancellationToken));
        if (range is { } r && r.Low == r.High)
            return true;
        return new[] { "full", "full_like" }.Any(n => model.IsProducedBy(value, n, new Trace(context.CancellationToken)));
    }

    /// <summary>Zero-initialising the layer whose output is added back to the branch input is a known good trick.</summary>
    private static bool IsLastLayerOfResidualBranch(TrainingCodeModel model, IOperation layer, RuleContext context)
    {
        if (TrainingCodeModel.ReferencedSymbol(layer) is not IFieldSymbol field)
            return false;
        foreach (var forward in field.ContainingType.GetMembers("forward").OfType<IMethodSymbol>())
        {
            if (model.GetBody(forward, context.CancellationToken) is not { } body)
                continue;
            foreach (var add in body.Descendants().OfType<IBinaryOperation>().Where(b => b.OperatorKind == BinaryOperatorKind.Add))
            {
                foreach (var operand in new[] { add.LeftOperand, add.RightOperand })
                {
                    if (model.ModelCallsFeeding(operand, new Trace(context.CancellationToken)).Any(c =>
                        SymbolEqualityComparer.Default.Equals(TrainingCodeModel.ReferencedSymbol(TrainingCodeModel.ReceiverOf(c)!), field)))
                        return true;
                }
            }
        }

        return false;
    }
}
