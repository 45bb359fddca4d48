using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT4001: replace <c>clip_grad_norm_</c> / <c>clip_grad_value_</c> by the runtime's checked clipping, which clips the
/// same way and reports every clipped step. Offered only when the project references the NetTricks runtime.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCheckedClippingCodeFix)), Shared]
public sealed class UseCheckedClippingCodeFix : CodeFixProvider
{
    private static readonly ImmutableDictionary<string, string> RenamedArguments = ImmutableDictionary.CreateRange(new[]
    {
        new System.Collections.Generic.KeyValuePair<string, string>("tensors", "parameters"),
        new System.Collections.Generic.KeyValuePair<string, string>("max_norm", "maxNorm"),
        new System.Collections.Generic.KeyValuePair<string, string>("norm_type", "normType"),
        new System.Collections.Generic.KeyValuePair<string, string>("clip_value", "clipValue"),
    });

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ClippingMasksExplodingErrors);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model?.Compilation.GetTypeByMetadataName("NetTricks.CheckedClipping") is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) ||
                root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } clip)
                continue;
            var method = clip.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                SimpleNameSyntax name => name.Identifier.ValueText,
                _ => null,
            };
            var replacement = method switch
            {
                "clip_grad_norm_" => "ClipGradNorm",
                "clip_grad_value_" => "ClipGradValue",
                _ => null,
            };
            if (replacement is null)
                continue;
            FixHelpers.Register(context, diagnostic, "Use checked gradient clipping (reports clipped steps)", (editor, _) =>
            {
                var type = FixHelpers.RuntimeTypeName(editor, "CheckedClipping", clip.SpanStart);
                if (type is null)
                    return Task.FromResult(false);
                editor.ReplaceNode(clip, (current, _) =>
                {
                    var invocation = (InvocationExpressionSyntax)current;
                    var arguments = SyntaxFactory.SeparatedList(
                        invocation.ArgumentList.Arguments.Select(a => a.NameColon is { } nameColon && RenamedArguments.TryGetValue(nameColon.Name.Identifier.ValueText, out var renamed)
                            ? a.WithNameColon(nameColon.WithName(SyntaxFactory.IdentifierName(renamed)))
                            : a),
                        invocation.ArgumentList.Arguments.GetSeparators());
                    var callee = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, SyntaxFactory.IdentifierName(replacement));
                    return invocation.WithExpression(callee.WithTriviaFrom(invocation.Expression)).WithArgumentList(invocation.ArgumentList.WithArguments(arguments));
                });
                return Task.FromResult(true);
            });
        }
    }
}
