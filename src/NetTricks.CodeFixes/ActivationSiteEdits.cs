using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using NetTricks.Analyzers.Model;

namespace NetTricks.CodeFixes;

/// <summary>Edits of a final-activation site (removal, or renaming softmax to log_softmax), by its shape.</summary>
internal static class ActivationSiteEdits
{
    /// <summary>
    /// The sites of a diagnostic (its additional locations, one shape each) with the document each is in: any document
    /// of the solution, as the model is often defined in another file than the loss call. Empty when a site is not in a
    /// document of the solution (generated code, a stale tree): then there is no fix.
    /// </summary>
    public static ImmutableArray<(DocumentId Document, Location Location, string Shape)> Sites(Solution solution, Diagnostic diagnostic)
    {
        var shapes = FixHelpers.SiteShapes(diagnostic);
        if (shapes.Length == 0 || shapes.Length != diagnostic.AdditionalLocations.Count)
            return ImmutableArray<(DocumentId, Location, string)>.Empty;
        var sites = ImmutableArray.CreateBuilder<(DocumentId, Location, string)>(shapes.Length);
        for (var i = 0; i < shapes.Length; i++)
        {
            var location = diagnostic.AdditionalLocations[i];
            if (!location.IsInSource || solution.GetDocument(location.SourceTree) is not { } document ||
                !location.SourceTree!.GetRoot().FullSpan.Contains(location.SourceSpan))
                return ImmutableArray<(DocumentId, Location, string)>.Empty;
            sites.Add((document.Id, location, shapes[i]));
        }

        return sites.MoveToImmutable();
    }

    /// <summary>True when every site of a diagnostic can be edited (removed, or renamed to log-softmax), in whichever document it is; checks only.</summary>
    public static async Task<bool> CanEditAllAsync(Solution solution, Diagnostic diagnostic, bool useLogSoftmax, CancellationToken cancellationToken)
    {
        var sites = Sites(solution, diagnostic);
        if (sites.IsEmpty)
            return false;
        foreach (var (documentId, location, shape) in sites)
        {
            var document = solution.GetDocument(documentId)!;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
                return false;
            var ok = useLogSoftmax
                ? TryUseLogSoftmax(null, root, location, shape, await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))
                : TryRemove(null, root, location, shape);
            if (!ok)
                return false;
        }

        return true;
    }

    /// <summary>Applies the edit to every site of a diagnostic, each in its own document's editor.</summary>
    public static async Task<bool> EditAllAsync(SolutionEditor editor, Diagnostic diagnostic, bool useLogSoftmax, CancellationToken cancellationToken)
    {
        var sites = Sites(editor.OriginalSolution, diagnostic);
        if (sites.IsEmpty)
            return false;
        foreach (var (documentId, location, shape) in sites)
        {
            var documentEditor = await editor.GetDocumentEditorAsync(documentId, cancellationToken).ConfigureAwait(false);
            var ok = useLogSoftmax
                ? TryUseLogSoftmax(documentEditor, documentEditor.OriginalRoot, location, shape, documentEditor.SemanticModel)
                : TryRemove(documentEditor, documentEditor.OriginalRoot, location, shape);
            if (!ok)
                return false;
        }

        return true;
    }

    /// <summary>Removes the activation: <c>x.softmax(1)</c> becomes <c>x</c>; a Sequential element is deleted.</summary>
    public static bool TryRemove(DocumentEditor? editor, SyntaxNode root, Location location, string shape)
    {
        var node = root.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        switch (shape)
        {
            case nameof(SiteShape.FluentCall) when node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Expression: MemberAccessExpressionSyntax member } invocation:
                editor?.ReplaceNode(invocation, (current, _) =>
                    current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } ? FixHelpers.Parenthesize(m.Expression).WithTriviaFrom(current) : current);
                return true;
            case nameof(SiteShape.FunctionalCall) or nameof(SiteShape.ModuleCall) when node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation && FirstArgument(invocation) is not null:
                editor?.ReplaceNode(invocation, (current, _) =>
                    current is InvocationExpressionSyntax c && FirstArgument(c) is { } argument ? FixHelpers.Parenthesize(argument.Expression).WithTriviaFrom(current) : current);
                return true;
            case nameof(SiteShape.SequentialElement) when node.FirstAncestorOrSelf<ArgumentSyntax>() is { Parent: ArgumentListSyntax } argument:
                editor?.RemoveNode(argument, SyntaxRemoveOptions.KeepNoTrivia);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Turns a softmax into a log-softmax at the site; false when the site cannot be renamed safely.</summary>
    public static bool TryUseLogSoftmax(DocumentEditor? editor, SyntaxNode root, Location location, string shape, SemanticModel? model = null)
    {
        var node = root.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        SimpleNameSyntax? name = shape switch
        {
            nameof(SiteShape.FluentCall) or nameof(SiteShape.FunctionalCall) => NameOf(node.FirstAncestorOrSelf<InvocationExpressionSyntax>()),
            nameof(SiteShape.SequentialElement) => node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Select(NameOf).FirstOrDefault(n => n?.Identifier.ValueText == "Softmax"),
            _ => null,
        };
        if (name is null)
            return false;
        var replacement = name.Identifier.ValueText switch
        {
            "softmax" => "log_softmax",
            "Softmax" => "LogSoftmax",
            _ => null,
        };
        if (replacement is null)
            return false;

        // torch.softmax has no torch.log_softmax twin in TorchSharp: rename only where the sibling exists.
        if (model is not null && shape == nameof(SiteShape.FunctionalCall) &&
            model.GetSymbolInfo(name).Symbol?.ContainingType is { } container && container.GetMembers(replacement).IsEmpty)
            return false;
        editor?.ReplaceNode(name, (current, _) => ((SimpleNameSyntax)current).WithIdentifier(SyntaxFactory.Identifier(replacement).WithTriviaFrom(((SimpleNameSyntax)current).Identifier)));
        return true;
    }

    private static SimpleNameSyntax? NameOf(InvocationExpressionSyntax? invocation) => invocation?.Expression switch
    {
        MemberAccessExpressionSyntax member => member.Name,
        SimpleNameSyntax simple => simple,
        MemberBindingExpressionSyntax binding => binding.Name,
        _ => null,
    };

    /// <summary>The tensor argument of a functional or module call: positional first, or named input/x.</summary>
    private static ArgumentSyntax? FirstArgument(InvocationExpressionSyntax invocation)
    {
        var arguments = invocation.ArgumentList.Arguments;
        return arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText is "input" or "x" or "self")
            ?? (arguments.Count > 0 && arguments[0].NameColon is null ? arguments[0] : null);
    }
}
