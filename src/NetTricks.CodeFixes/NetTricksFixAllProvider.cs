using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace NetTricks.CodeFixes;

/// <summary>
/// Fix All for every NetTricks fix, in a document, a project or the solution. It differs from BatchFixer in two ways:
/// <list type="bullet">
/// <item>It does not depend on the occurrence Fix All was started from. <c>dotnet format</c> takes the equivalence key
/// from the first diagnostic it finds; when that one has no fix the key is null, BatchFixer matches no action and the
/// whole rule is skipped. A NetTricks fix offers at most one action per diagnostic, so each diagnostic's own action is
/// taken (the one with the key asked for, if it offers several).</item>
/// <item>An action's edits are taken all or nothing, in every document it changes (a fix may edit the model's file
/// and the loss call's file). An edit identical to one already taken is applied once (two losses fed by the same
/// softmax remove it once); an action with an edit that overlaps a different one already taken is left out, so
/// Fix All never half-applies a fix. What is left out is still reported and fixed by the next run.</item>
/// </list>
/// </summary>
internal sealed class NetTricksFixAllProvider : FixAllProvider
{
    public static readonly NetTricksFixAllProvider Instance = new();

    private NetTricksFixAllProvider()
    {
    }

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
        ImmutableArray.Create(FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution);

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var solution = fixAllContext.Solution;
        var diagnostics = (await DiagnosticsInScopeAsync(fixAllContext).ConfigureAwait(false))
            .Where(d => d.Location.IsInSource && solution.GetDocument(d.Location.SourceTree) is not null)
            .OrderBy(d => d.Location.SourceTree!.FilePath, System.StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, System.StringComparer.Ordinal)
            .ToImmutableArray();
        if (diagnostics.IsEmpty)
            return null;

        // Each action is computed against the original solution (in parallel); the merge below runs in diagnostic order,
        // so the result does not depend on timing.
        var changeSets = await Task.WhenAll(diagnostics.Select(d => Task.Run(() => ChangesOfAsync(fixAllContext, d), cancellationToken))).ConfigureAwait(false);

        var accepted = new Dictionary<DocumentId, List<TextChange>>();
        foreach (var changeSet in changeSets)
        {
            if (changeSet is null || !changeSet.All(kv => !accepted.TryGetValue(kv.Key, out var taken) || kv.Value.All(c => Compatible(c, taken))))
                continue;
            foreach (var kv in changeSet)
            {
                if (!accepted.TryGetValue(kv.Key, out var taken))
                    accepted[kv.Key] = taken = new List<TextChange>();
                taken.AddRange(kv.Value.Where(c => !taken.Contains(c)).ToList());
            }
        }

        if (accepted.Count == 0)
            return null;
        var fixedSolution = solution;
        foreach (var kv in accepted)
        {
            var text = await solution.GetDocument(kv.Key)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
            fixedSolution = fixedSolution.WithDocumentText(kv.Key, text.WithChanges(kv.Value.OrderBy(c => c.Span.Start).ThenBy(c => c.Span.End)));
        }

        var title = $"Fix all {string.Join(", ", fixAllContext.DiagnosticIds.OrderBy(id => id, System.StringComparer.Ordinal))} in the {Describe(fixAllContext.Scope)}";
        return CodeAction.Create(title, _ => Task.FromResult(fixedSolution), fixAllContext.CodeActionEquivalenceKey);
    }

    private static async Task<IEnumerable<Diagnostic>> DiagnosticsInScopeAsync(FixAllContext context)
    {
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is not null:
                return await context.GetDocumentDiagnosticsAsync(context.Document).ConfigureAwait(false);
            case FixAllScope.Project:
                return await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false);
            case FixAllScope.Solution:
                var all = new List<Diagnostic>();
                foreach (var project in context.Solution.Projects)
                    all.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                return all;
            default:
                return ImmutableArray<Diagnostic>.Empty;
        }
    }

    /// <summary>The text changes, per document, of the action the fix offers for one diagnostic; null when it offers none.</summary>
    private static async Task<Dictionary<DocumentId, ImmutableArray<TextChange>>?> ChangesOfAsync(FixAllContext fixAllContext, Diagnostic diagnostic)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var solution = fixAllContext.Solution;
        var document = solution.GetDocument(diagnostic.Location.SourceTree)!;
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) =>
        {
            lock (actions)
                actions.Add(action);
        }, cancellationToken);
        Solution? changed;
        try
        {
            await fixAllContext.CodeFixProvider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            var chosen = actions.FirstOrDefault(a => a.EquivalenceKey == fixAllContext.CodeActionEquivalenceKey) ?? actions.FirstOrDefault();
            if (chosen is null)
                return null;
            var operations = await chosen.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            changed = operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution;
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // One occurrence whose fix fails must not cost the others theirs.
            return null;
        }

        if (changed is null)
            return null;
        var projectChanges = changed.GetChanges(solution).GetProjectChanges().ToList();
        // Only text edits of existing documents can be merged.
        if (projectChanges.Any(p => p.GetAddedDocuments().Any() || p.GetRemovedDocuments().Any()))
            return null;

        var result = new Dictionary<DocumentId, ImmutableArray<TextChange>>();
        foreach (var id in projectChanges.SelectMany(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true)))
        {
            var changes = (await changed.GetDocument(id)!.GetTextChangesAsync(solution.GetDocument(id)!, cancellationToken).ConfigureAwait(false)).ToImmutableArray();
            if (!changes.IsEmpty)
                result[id] = changes;
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// True when a change can be applied together with those already taken: identical to one of them, or clear of all.
    /// Touching changes where one inserts are ambiguous (which text comes first?) and count as overlapping.
    /// </summary>
    private static bool Compatible(TextChange change, List<TextChange> taken) =>
        taken.Contains(change) || taken.All(t => Apart(change.Span, t.Span));

    private static bool Apart(TextSpan a, TextSpan b) =>
        a.End < b.Start || b.End < a.Start ||
        (a.End == b.Start && !a.IsEmpty && !b.IsEmpty) || (b.End == a.Start && !a.IsEmpty && !b.IsEmpty);

    private static string Describe(FixAllScope scope) => scope switch
    {
        FixAllScope.Document => "document",
        FixAllScope.Project => "project",
        _ => "solution",
    };
}
