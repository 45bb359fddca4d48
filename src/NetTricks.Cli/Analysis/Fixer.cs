using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using NetTricks.Cli.Inputs;
using NetTricks.Cli.Notebooks;

namespace NetTricks.Cli.Analysis;

/// <summary>A fix that was applied: the rule, the action's title and where (in the file as it was being fixed).</summary>
internal sealed record AppliedFix(string RuleId, string Title, string Path, int? Cell, int Line);

/// <summary>The new content of one file after fixing.</summary>
internal sealed record FixedFile(UnitSource Source, string NewText, IReadOnlyDictionary<int, (List<string> Before, List<string> After)>? Cells);

internal sealed record FixOutcome(List<AppliedFix> Applied, List<FixedFile> Files, List<InputProblem> Problems);

/// <summary>
/// Applies NetTricks code fixes until none is left: one fix at a time (the first action each fix offers), re-analysing
/// after each one, so every fix sees the code as the previous fixes left it. A fix whose result does not parse is
/// rolled back; a file that had syntax errors to begin with is not touched.
/// </summary>
internal static class Fixer
{
    private const int MaxFixes = 500;

    public static async Task<FixOutcome> FixAsync(UnitSession session, RawAnalysis initial, ISet<string> rules, CancellationToken cancellationToken)
    {
        var applied = new List<AppliedFix>();
        var problems = new List<InputProblem>();
        var original = session.Solution;
        var solution = original;
        var project = session.ProjectOf(original);

        // Files that do not parse are left alone.
        var broken = new HashSet<DocumentId>();
        foreach (var document in project.Documents)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            if (tree!.GetDiagnostics(cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
                broken.Add(document.Id);
        }

        var declined = new HashSet<string>(StringComparer.Ordinal);
        while (applied.Count < MaxFixes)
        {
            var analysis = applied.Count == 0 ? initial : await session.AnalyzeAsync(solution, cancellationToken).ConfigureAwait(false);
            var candidates = analysis.Findings
                .Select(f => f.Diagnostic)
                .Where(d => (rules.Count == 0 || rules.Contains(d.Id)) && Toolbox.HasFix(d.Id))
                .Where(d => d.Location.SourceTree is { } tree && solution.GetDocument(tree) is { } document && !broken.Contains(document.Id) &&
                    session.SourceOf(tree) is { } source && session.Unit.InScope(source.FullPath))
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ToList();
            var progressed = false;
            foreach (var diagnostic in candidates)
            {
                var key = Key(diagnostic);
                if (declined.Contains(key))
                    continue;
                var action = await session.FirstFixAsync(solution, diagnostic, cancellationToken).ConfigureAwait(false);
                var changed = action is null ? null : await ApplyAsync(action, solution, cancellationToken).ConfigureAwait(false);
                if (changed is null || !await ChangesTextAsync(solution, changed, cancellationToken).ConfigureAwait(false))
                {
                    declined.Add(key);
                    continue;
                }

                if (await FirstUnparsableAsync(solution, changed, cancellationToken).ConfigureAwait(false) is { } unparsable)
                {
                    declined.Add(key);
                    problems.Add(new InputProblem(PathDisplay.Of(unparsable), ProblemLevel.Warning,
                        $"the fix for {diagnostic.Id} ('{action!.Title}') was not applied: its result does not parse"));
                    continue;
                }

                applied.Add(Describe(session, diagnostic, action!.Title));
                solution = changed;
                progressed = true;
                break;
            }

            if (!progressed)
                break;
        }

        var files = new List<FixedFile>();
        foreach (var documentId in solution.GetChanges(original).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()))
        {
            var document = solution.GetDocument(documentId)!;
            var source = session.SourceOf(await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false));
            if (source is null)
                continue;
            var text = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            if (source.Stitcher is null)
            {
                if (text != source.Source.Text)
                    files.Add(new FixedFile(source, text, null));
                continue;
            }

            var cells = source.Stitcher.Reassemble(text, out var problem);
            if (cells is null)
            {
                problems.Add(new InputProblem(source.DisplayPath, ProblemLevel.Warning, $"fixes were not written: {problem}"));
                continue;
            }

            var changedCells = cells
                .Where(c => !c.Value.SequenceEqual(source.Script!.Cells.First(x => x.Number == c.Key).Lines, StringComparer.Ordinal))
                .ToDictionary(c => c.Key, c => (source.Script!.Cells.First(x => x.Number == c.Key).Lines, c.Value));
            if (changedCells.Count == 0)
                continue;

            // The rewritten cells must still make a script that parses.
            var restitched = ScriptStitcher.Stitch(
                source.Script!.Cells.Where(c => c.IsCSharp).Select(c => changedCells.TryGetValue(c.Number, out var changed) ? new ScriptCell(c.Number, c.Language, changed.Value) : c).ToList(),
                source.Script.IsNotebook);
            if (CSharpSyntaxTree.ParseText(restitched.Text, ScriptStitcher.ScriptParseOptions).GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                problems.Add(new InputProblem(source.DisplayPath, ProblemLevel.Warning, "fixes were not written: the rewritten cells do not parse"));
                continue;
            }

            var newText = source.Script.Render(changedCells.ToDictionary(c => c.Key, c => c.Value.Value));
            files.Add(new FixedFile(source, newText, changedCells.ToDictionary(c => c.Key, c => (c.Value.Lines, c.Value.Value))));
        }

        return new FixOutcome(applied, files, problems);
    }

    private static string Key(Diagnostic diagnostic)
    {
        var tree = diagnostic.Location.SourceTree!;
        var text = tree.GetText().ToString(diagnostic.Location.SourceSpan);
        return $"{diagnostic.Id}|{tree.FilePath}|{text}";
    }

    private static async Task<Solution?> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken)
    {
        try
        {
            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            return operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<bool> ChangesTextAsync(Solution before, Solution after, CancellationToken cancellationToken)
    {
        foreach (var id in after.GetChanges(before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()))
        {
            var oldText = await before.GetDocument(id)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var newText = await after.GetDocument(id)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (!oldText.ContentEquals(newText))
                return true;
        }

        return false;
    }

    private static async Task<string?> FirstUnparsableAsync(Solution before, Solution after, CancellationToken cancellationToken)
    {
        foreach (var id in after.GetChanges(before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()))
        {
            var document = after.GetDocument(id)!;
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            if (tree!.GetDiagnostics(cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
                return document.FilePath ?? document.Name;
        }

        return null;
    }

    private static AppliedFix Describe(UnitSession session, Diagnostic diagnostic, string title)
    {
        var tree = diagnostic.Location.SourceTree!;
        var source = session.SourceOf(tree)!;
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        if (source.Stitcher is null || source.Script is null)
            return new AppliedFix(diagnostic.Id, title, source.DisplayPath, null, line + 1);

        // Earlier fixes may have moved lines: find the cell from the markers in the current text.
        var lines = tree.GetText().Lines;
        var inCell = 0;
        for (var l = line; l >= 0; l--)
        {
            var text = lines[l].ToString().Trim();
            if (text.StartsWith("//nettricks-cell ", StringComparison.Ordinal) &&
                int.TryParse(text.AsSpan("//nettricks-cell ".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cell))
                return new AppliedFix(diagnostic.Id, title, source.DisplayPath, source.Script.IsNotebook ? cell : null, inCell);
            if (!ScriptStitcher.IsSyntheticCellLine(text))
                inCell++;
        }

        return new AppliedFix(diagnostic.Id, title, source.DisplayPath, null, line + 1);
    }
}
