using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT1007: softmax / log_softmax over dimension 0 of a model output (whose dimension 0 is the batch):
/// <c>x.softmax(0)</c> on a module's output, or a <c>Softmax(0)</c> element after a layer of a <c>Sequential</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SoftmaxOverBatchDimensionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT1007);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnInvocations(context, new[] { "softmax", "log_softmax", "Softmax", "LogSoftmax" }, Analyze);
    }

    private static void Analyze(RuleContext context, TrainingCodeModel model, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name is not ("softmax" or "log_softmax" or "Softmax" or "LogSoftmax") || !model.Symbols.IsTorchSharpType(method.ContainingType))
            return;
        var dim = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "dim");
        if (dim is null || dim.ArgumentKind != ArgumentKind.Explicit || TrainingCodeModel.Unwrap(dim.Value).ConstantValue is not { HasValue: true, Value: 0 or 0L })
            return;

        bool batchFirstInput;
        if (method.Name is "Softmax" or "LogSoftmax")
        {
            // A module: its input is the previous element's output when it follows a layer in Sequential(...).
            // ("softmax", Softmax(0)) tuples included: the element is the argument of Sequential's argument list.
            batchFirstInput = invocation.Syntax.Ancestors().OfType<ArgumentSyntax>().FirstOrDefault(a => a.Parent is ArgumentListSyntax) is { Parent: ArgumentListSyntax list } argument &&
                list.Parent is InvocationExpressionSyntax sequential && CodeIndex.SimpleName(sequential.Expression) == "Sequential" &&
                list.Arguments.IndexOf(argument) > 0;
        }
        else
        {
            var input = invocation.Instance ?? invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
            batchFirstInput = input is not null && !model.ModelCallsFeeding(input, new Trace(context.CancellationToken)).IsEmpty;
        }

        if (!batchFirstInput)
            return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Fixable, "true").Add(FixProperties.InputSpan, FixProperties.Span(dim.Value.Syntax));
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT1007, invocation.Syntax.GetLocation(), properties));
    }
}
