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

/// <summary>NT3008: call <c>scheduler.step()</c> at the end of each epoch (the outermost loop that steps the optimizer).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StepSchedulerCodeFix)), Shared]
public sealed class StepSchedulerCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SchedulerNeverStepped);

    public override FixAllProvider GetFixAllProvider() => NetTricksFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !FixHelpers.IsFixable(diagnostic) ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<VariableDeclaratorSyntax>() is not { } scheduler)
                continue;
            var body = FixHelpers.LoopBody(FixHelpers.LoopAt(root, diagnostic));
            if (body is not BlockSyntax block)
                continue;
            FixHelpers.Register(context, diagnostic, "Step the scheduler at the end of each epoch", (editor, _) =>
            {
                var step = SyntaxFactory.ParseStatement($"{scheduler.Identifier.ValueText}.step();").WithTrailingTrivia(SyntaxFactory.ElasticLineFeed).WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(block, (current, _) => ((BlockSyntax)current).AddStatements(step));
                return Task.FromResult(true);
            });
        }
    }
}
