using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>NT1006: <c>x.softmax(1).log()</c> / <c>torch.log(functional.softmax(x, 1))</c> become <c>log_softmax</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseLogSoftmaxForLogOfSoftmaxCodeFix)), Shared]
public sealed class UseLogSoftmaxForLogOfSoftmaxCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LogOfSoftmax);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var shapes = FixHelpers.SiteShapes(diagnostic);
            if (root is null || !FixHelpers.IsFixable(diagnostic) || shapes.Length != 1 ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } log ||
                !ActivationSiteEdits.TryUseLogSoftmax(null, root, diagnostic.Location, shapes[0], model))
                continue;
            FixHelpers.Register(context, diagnostic, "Use log_softmax", (editor, _) =>
            {
                ActivationSiteEdits.TryUseLogSoftmax(editor, root, diagnostic.Location, shapes[0], model);
                editor.ReplaceNode(log, (current, _) =>
                {
                    var invocation = (InvocationExpressionSyntax)current;
                    var input = invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "log" or "log_" } member && invocation.ArgumentList.Arguments.Count == 0
                        ? member.Expression
                        : invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression;
                    return input is null ? current : FixHelpers.Parenthesize(input).WithTriviaFrom(current);
                });
                return Task.FromResult(true);
            });
        }
    }
}
