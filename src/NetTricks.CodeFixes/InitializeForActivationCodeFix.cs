using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers;

namespace NetTricks.CodeFixes;

/// <summary>
/// NT2002: replace the constant initialization by the runtime initializer for the activation after the layer
/// (<c>Init.ForActivation(fc.weight, Activation.ReLU)</c>: He for ReLU-family, Xavier for tanh/sigmoid, LeCun for SELU).
/// Offered only when the project references the NetTricks runtime.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InitializeForActivationCodeFix)), Shared]
public sealed class InitializeForActivationCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ConstantWeightInitialization);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model?.Compilation.GetTypeByMetadataName("NetTricks.Init") is null || model.Compilation.GetTypeByMetadataName("NetTricks.Activation") is not { } activationType)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!FixHelpers.IsFixable(diagnostic) || !diagnostic.Properties.TryGetValue(FixProperties.Model, out var activation) || activation is null ||
                activationType.GetMembers(activation).IsEmpty ||
                FixHelpers.NodeAt(root, diagnostic, FixProperties.InputSpan) is not ExpressionSyntax weight ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call)
                continue;
            FixHelpers.Register(context, diagnostic, $"Initialise for {activation} (NetTricks Init)", (editor, _) =>
            {
                var init = FixHelpers.RuntimeTypeName(editor, "Init", call.SpanStart);
                var activationName = FixHelpers.RuntimeTypeName(editor, "Activation", call.SpanStart);
                if (init is null || activationName is null)
                    return Task.FromResult(false);
                var replacement = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, init, SyntaxFactory.IdentifierName("ForActivation")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                    {
                        SyntaxFactory.Argument(weight.WithoutTrivia()),
                        SyntaxFactory.Argument(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, activationName, SyntaxFactory.IdentifierName(activation))),
                    })));
                editor.ReplaceNode(call, replacement.WithTriviaFrom(call));
                return Task.FromResult(true);
            });
        }
    }
}
