using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT3001: iterate shuffled mini-batches inside the training loop with the runtime's <c>MiniBatch.Shuffled</c>;
/// the loop body runs once per batch, with the full tensors replaced by the batch. Offered only when the
/// project references the NetTricks runtime.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseMiniBatchesCodeFix)), Shared]
public sealed class UseMiniBatchesCodeFix : CodeFixProvider
{
    public const int DefaultBatchSize = 64;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FullBatchGradientDescent);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model?.Compilation.GetTypeByMetadataName("NetTricks.MiniBatch") is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan) is not ExpressionSyntax input ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.TargetSpan) is not ExpressionSyntax target)
                continue;
            var body = FixHelpers.LoopBody(FixHelpers.LoopAt(root, diagnostic));
            var inputSymbol = model.GetSymbolInfo(input, context.CancellationToken).Symbol;
            var targetSymbol = model.GetSymbolInfo(target, context.CancellationToken).Symbol;
            if (body is null || inputSymbol is null || targetSymbol is null)
                continue;

            FixHelpers.Register(context, diagnostic, "Iterate shuffled mini-batches", (editor, cancellationToken) =>
            {
                var type = FixHelpers.RuntimeTypeName(editor, "MiniBatch", body.SpanStart);
                if (type is null)
                    return Task.FromResult(false);
                var sameTensor = SymbolEqualityComparer.Default.Equals(inputSymbol, targetSymbol);
                var inputName = UniqueName(model, body, "batchInput");
                var targetName = UniqueName(model, body, "batchTarget");

                // Every use of the full tensors in the body now names the batch.
                var uses = body.DescendantNodes().OfType<IdentifierNameSyntax>()
                    .Where(id => !(id.Parent is MemberAccessExpressionSyntax m && m.Name == id && m.Expression is not ThisExpressionSyntax))
                    .Select(id => (Node: id.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? (ExpressionSyntax)member : id, Symbol: model.GetSymbolInfo(id, cancellationToken).Symbol))
                    .Where(u => SymbolEqualityComparer.Default.Equals(u.Symbol, inputSymbol) || SymbolEqualityComparer.Default.Equals(u.Symbol, targetSymbol))
                    .ToList();
                var newBody = body.ReplaceNodes(uses.Select(u => u.Node), (original, _) =>
                {
                    var isInput = uses.First(u => u.Node == original).Symbol is { } s && SymbolEqualityComparer.Default.Equals(s, inputSymbol);
                    return SyntaxFactory.IdentifierName(isInput ? inputName : targetName).WithTriviaFrom(original);
                });
                var innerBlock = newBody is BlockSyntax block ? block : SyntaxFactory.Block(newBody);
                var source = sameTensor
                    ? $"foreach (var {inputName} in {type}.Shuffled({input}, batchSize: {DefaultBatchSize})) {{ }}"
                    : $"foreach (var ({inputName}, {targetName}) in {type}.Shuffled({input}, {target}, batchSize: {DefaultBatchSize})) {{ }}";
                var forEach = ((CommonForEachStatementSyntax)SyntaxFactory.ParseStatement(source)).WithStatement(innerBlock);
                var wrapped = SyntaxFactory.Block(forEach).WithTriviaFrom(body).WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(body, wrapped);
                return Task.FromResult(true);
            });
        }
    }

    private static string UniqueName(SemanticModel model, SyntaxNode scope, string baseName)
    {
        var taken = scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText).ToImmutableHashSet();
        for (var i = 0; ; i++)
        {
            var candidate = i == 0 ? baseName : baseName + i.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate) && model.LookupSymbols(scope.SpanStart, name: candidate).IsEmpty)
                return candidate;
        }
    }
}
