using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>NT4002: a recurrent model trained without any gradient clipping.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RecurrentModelWithoutClippingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT4002);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "backward" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation backward)
    {
        if (backward.TargetMethod.Name != "backward" || model.Classify(backward) != StepEventKind.Backward || backward.Instance is null)
            return;
        var trace = new Trace(context.CancellationToken);
        var recurrentCall = model.ModelCallsFeeding(backward.Instance, trace)
            .FirstOrDefault(call => TrainingCodeModel.ReceiverOf(call) is { } receiver && model.ResolveModule(receiver, new Trace(context.CancellationToken)).HasRecurrent == true);
        if (recurrentCall is null)
            return;
        var loops = model.TrainingStepLoops(backward, context.CancellationToken).ToList();
        if (loops.Count == 0 || loops.Any(l => l.HasClipping))
            return;

        var receiver = TrainingCodeModel.ReceiverOf(recurrentCall)!;
        var modelName = model.ResolveModule(receiver, trace).Name;
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (backward.Parent is IExpressionStatementOperation { Parent: IBlockOperation } && IsReusableHere(receiver, backward))
            properties = properties.Add(FixProperties.Fixable, "true").Add(FixProperties.Model, receiver.Syntax.ToString());
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT4002, backward.Syntax.GetLocation(), new[] { recurrentCall.Syntax.GetLocation() }, properties, modelName));
    }

    /// <summary>A model expression that can be written again at backward(): a member, or a parameter/local of the same method.</summary>
    private static bool IsReusableHere(IOperation receiver, IOperation backward)
    {
        if (receiver.Syntax.SyntaxTree != backward.Syntax.SyntaxTree || receiver.Syntax.SpanStart > backward.Syntax.SpanStart)
            return false;
        var sameMethod = receiver.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>() == backward.Syntax.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        return TrainingCodeModel.ReferencedSymbol(receiver) switch
        {
            IFieldSymbol or IPropertySymbol => true,
            IParameterSymbol or ILocalSymbol => sameMethod && receiver.Syntax.FirstAncestorOrSelf<BlockSyntax>() is { } block &&
                backward.Syntax.Ancestors().Contains(block),
            _ => false,
        };
    }
}
