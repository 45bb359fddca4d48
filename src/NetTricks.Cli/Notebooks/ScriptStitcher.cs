using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetTricks.Cli.Notebooks;

/// <summary>A directive line of a script or notebook cell that the compiler cannot take as it is.</summary>
internal sealed record ScriptDirective(int Cell, int Line, string Text, string? NuGetPackage, string? NuGetVersion);

/// <summary>Where a line of the stitched script came from.</summary>
internal readonly record struct LineOrigin(int Cell, int Line, int ColumnShift);

/// <summary>
/// Stitches the C# cells of a notebook (or a .csx script) into one C# script, in order, so that top-level variables
/// of one cell are fields visible to the later ones (as in a .NET Interactive session). Using directives are hoisted
/// to the top (a script allows them only there), directives the compiler cannot resolve (<c>#r</c>, <c>#i</c>,
/// <c>#load</c>, <c>#!magic</c>) are commented out, and a line map leads every line back to its cell.
/// Roslyn runs no operation analysis on a script's top-level executable statements (only on its field initializers
/// and members), so each run of such statements (a training loop written straight into a cell) is wrapped in a
/// synthesized method; top-level variable declarations stay script fields, which the analysis follows.
/// Marker comments let <see cref="Reassemble"/> split a fixed script back into cells.
/// </summary>
internal sealed class ScriptStitcher
{
    public const string CommentPrefix = "//nettricks:";
    private const string UsingsMarker = "//nettricks-usings";
    private const string EndUsingsMarker = "//nettricks-end-usings";
    private const string CellMarker = "//nettricks-cell ";
    private const string PreludeMarker = "//nettricks-prelude";
    private const string AddedSemicolon = ";//nettricks-added";
    private const string WrapMarker = "//nettricks-wrap";
    private const string WrapIndent = "    ";

    private static readonly Regex Directive = new(@"^\s*#(r|i|load|!)(\s|""|$|\S)", RegexOptions.CultureInvariant);
    private static readonly Regex NuGetReference = new(@"^\s*#r\s+""nuget\s*:\s*([^,""\s]+)\s*(?:,\s*([^""]*?))?\s*""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly List<LineOrigin> _origins = new();
    private readonly HashSet<string> _hoisted = new(StringComparer.Ordinal);
    private readonly List<int> _cellNumbers = new();

    private ScriptStitcher()
    {
    }

    public string Text { get; private set; } = "";

    public List<ScriptDirective> Directives { get; } = new();

    public static ScriptStitcher Stitch(IReadOnlyList<ScriptCell> cells, bool notebookPrelude)
    {
        var stitcher = new ScriptStitcher();
        var output = new List<string>();
        void Add(string line, LineOrigin origin)
        {
            output.Add(line);
            stitcher._origins.Add(origin);
        }

        var synthetic = new LineOrigin(-1, -1, 0);
        var commented = new Dictionary<int, HashSet<int>>();
        var hoistedLines = new Dictionary<int, HashSet<int>>();
        var semicolonAfter = new Dictionary<int, int>();
        var runs = new Dictionary<int, List<(int First, int Last, bool IsAsync)>>();

        // First pass: per cell, comment out directives, find the using directives and a trailing expression without ';'.
        foreach (var cell in cells)
        {
            stitcher._cellNumbers.Add(cell.Number);
            var directiveLines = new HashSet<int>();
            for (var i = 0; i < cell.Lines.Count; i++)
            {
                if (!Directive.IsMatch(cell.Lines[i]) || IsPreprocessorWord(cell.Lines[i]))
                    continue;
                directiveLines.Add(i);
                var nuget = NuGetReference.Match(cell.Lines[i]);
                stitcher.Directives.Add(new ScriptDirective(cell.Number, i, cell.Lines[i].Trim(),
                    nuget.Success ? nuget.Groups[1].Value : null, nuget.Success && nuget.Groups[2].Success ? nuget.Groups[2].Value.Trim() : null));
            }

            commented[cell.Number] = directiveLines;
            var alone = string.Join("\n", cell.Lines.Select((l, i) => directiveLines.Contains(i) ? CommentPrefix + l : l));
            var tree = CSharpSyntaxTree.ParseText(alone, ScriptParseOptions);
            var root = (CompilationUnitSyntax)tree.GetRoot();
            var text = tree.GetText();
            var usingLines = new HashSet<int>();
            foreach (var directive in root.Externs.Cast<SyntaxNode>().Concat(root.Usings))
            {
                var span = tree.GetLineSpan(directive.Span);
                var first = span.StartLinePosition.Line;
                var last = span.EndLinePosition.Line;
                // Only a directive that has its lines to itself (a trailing comment aside) can move.
                var linesText = string.Join("\n", Enumerable.Range(first, last - first + 1).Select(l => text.Lines[l].ToString())).Trim();
                var directiveText = directive.ToString().Trim();
                if (linesText == directiveText ||
                    (linesText.StartsWith(directiveText, StringComparison.Ordinal) && linesText.Substring(directiveText.Length).TrimStart().StartsWith("//", StringComparison.Ordinal)))
                {
                    for (var l = first; l <= last; l++)
                        usingLines.Add(l);
                }
            }

            hoistedLines[cell.Number] = usingLines;
            if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } } trailing)
                semicolonAfter[cell.Number] = tree.GetLineSpan(trailing.Span).EndLinePosition.Line;
            runs[cell.Number] = ExecutableRuns(root, text);
        }

        Add(UsingsMarker, synthetic);
        foreach (var cell in cells)
        {
            foreach (var line in hoistedLines[cell.Number].OrderBy(l => l))
            {
                Add(cell.Lines[line], new LineOrigin(cell.Number, line, 0));
                stitcher._hoisted.Add(cell.Lines[line].Trim());
            }
        }

        Add(EndUsingsMarker, synthetic);
        foreach (var cell in cells)
        {
            Add(CellMarker + cell.Number.ToString(CultureInfo.InvariantCulture), synthetic);
            var cellRuns = runs[cell.Number];
            for (var i = 0; i < cell.Lines.Count; i++)
            {
                var run = cellRuns.FindIndex(r => r.First == i);
                if (run >= 0)
                {
                    var name = $"__nettricks_cell{cell.Number.ToString(CultureInfo.InvariantCulture)}_{(run + 1).ToString(CultureInfo.InvariantCulture)}()";
                    Add((cellRuns[run].IsAsync ? "async System.Threading.Tasks.Task " : "void ") + name + " { " + WrapMarker, synthetic);
                }

                // Wrapped lines are indented one level, as the formatter expects inside a method (fixes insert lines there).
                var wrapped = cellRuns.Any(r => r.First <= i && i <= r.Last);
                if (commented[cell.Number].Contains(i) || hoistedLines[cell.Number].Contains(i))
                    Add(CommentPrefix + cell.Lines[i], new LineOrigin(cell.Number, i, CommentPrefix.Length));
                else if (wrapped && cell.Lines[i].Length > 0)
                    Add(WrapIndent + cell.Lines[i], new LineOrigin(cell.Number, i, WrapIndent.Length));
                else
                    Add(cell.Lines[i], new LineOrigin(cell.Number, i, 0));

                if (semicolonAfter.TryGetValue(cell.Number, out var after) && after == i)
                    Add(AddedSemicolon, synthetic);
                if (cellRuns.Any(r => r.Last == i))
                    Add("} " + WrapMarker, synthetic);
            }
        }

        Add(PreludeMarker, synthetic);
        if (notebookPrelude)
        {
            // .NET Interactive's display() helper, so that calls to it are not reported as unknown.
            Add("object display(object value, params string[] mimeTypes) => value;", synthetic);
        }

        stitcher.Text = string.Join("\n", output) + "\n";
        return stitcher;
    }

    public static CSharpParseOptions ScriptParseOptions { get; } =
        new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>The cell and 0-based line / column of a 0-based position in the stitched script, or null for a synthetic line.</summary>
    public (int Cell, int Line, int Column)? Map(int line, int column)
    {
        if (line < 0 || line >= _origins.Count || _origins[line].Cell < 0)
            return null;
        var origin = _origins[line];
        return (origin.Cell, origin.Line, Math.Max(0, column - origin.ColumnShift));
    }

    /// <summary>True for the lines the stitcher adds inside a cell (wrappers, added semicolons).</summary>
    public static bool IsSyntheticCellLine(string line) =>
        line.TrimEnd().EndsWith(WrapMarker, StringComparison.Ordinal) || line.Trim() == AddedSemicolon;

    /// <summary>Splits a (fixed) stitched script back into cell sources; null when its markers were disturbed.</summary>
    public Dictionary<int, List<string>>? Reassemble(string text, out string? problem)
    {
        problem = null;
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var usingsStart = lines.FindIndex(l => l.Trim() == UsingsMarker);
        var usingsEnd = lines.FindIndex(l => l.Trim() == EndUsingsMarker);
        var prelude = lines.FindIndex(l => l.Trim() == PreludeMarker);
        var cellStarts = _cellNumbers.Select(n => lines.FindIndex(l => l.Trim() == CellMarker + n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var order = new List<int> { usingsStart, usingsEnd };
        order.AddRange(cellStarts);
        order.Add(prelude);
        if (order.Any(i => i < 0) || order.Zip(order.Skip(1)).Any(p => p.First >= p.Second))
        {
            problem = "the fix moved code across cell boundaries";
            return null;
        }

        var result = new Dictionary<int, List<string>>();
        for (var c = 0; c < _cellNumbers.Count; c++)
        {
            var end = c + 1 < cellStarts.Count ? cellStarts[c + 1] : prelude;
            var cellLines = new List<string>();
            var inWrapper = false;
            for (var i = cellStarts[c] + 1; i < end; i++)
            {
                var line = lines[i];
                if (line.TrimEnd().EndsWith(WrapMarker, StringComparison.Ordinal))
                {
                    inWrapper = !line.TrimStart().StartsWith('}');
                    continue;
                }

                if (line.Trim() == AddedSemicolon)
                    continue;
                var trimmed = line.TrimStart();
                if (trimmed.StartsWith(CommentPrefix, StringComparison.Ordinal))
                    cellLines.Add(trimmed.Substring(CommentPrefix.Length));
                else if (inWrapper)
                    cellLines.Add(line.StartsWith(WrapIndent, StringComparison.Ordinal) ? line.Substring(WrapIndent.Length) : line.TrimStart(' '));
                else
                    cellLines.Add(line);
            }

            result[_cellNumbers[c]] = cellLines;
        }

        // Using directives a fix added go to the top of the first C# cell.
        var added = lines.Skip(usingsStart + 1).Take(usingsEnd - usingsStart - 1)
            .Where(l => l.Trim().Length > 0 && !_hoisted.Contains(l.Trim()))
            .ToList();
        if (added.Count > 0 && _cellNumbers.Count > 0)
            result[_cellNumbers[0]].InsertRange(0, added);
        return result;
    }

    /// <summary>
    /// Runs of top-level executable statements (not variable declarations, which are script fields) that have their
    /// lines to themselves, as 0-based first / last line; async when they await.
    /// </summary>
    private static List<(int First, int Last, bool IsAsync)> ExecutableRuns(CompilationUnitSyntax root, SourceText text)
    {
        var runs = new List<(int, int, bool)>();
        var current = new List<GlobalStatementSyntax>();
        void Close()
        {
            if (current.Count == 0)
                return;
            var first = text.Lines.GetLineFromPosition(current[0].SpanStart);
            var last = text.Lines.GetLineFromPosition(current[^1].Span.End);
            var before = text.ToString(TextSpan.FromBounds(first.Start, current[0].SpanStart));
            var after = text.ToString(TextSpan.FromBounds(current[^1].Span.End, last.End)).Trim();
            if (before.Trim().Length == 0 && (after.Length == 0 || after.StartsWith("//", StringComparison.Ordinal)))
            {
                var isAsync = current.Any(g => g.DescendantTokens().Any(t => t.IsKind(SyntaxKind.AwaitKeyword) &&
                    !t.Parent!.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)));
                runs.Add((first.LineNumber, last.LineNumber, isAsync));
            }

            current.Clear();
        }

        foreach (var member in root.Members)
        {
            if (member is GlobalStatementSyntax { Statement: not LocalDeclarationStatementSyntax } statement &&
                !statement.Statement.IsKind(SyntaxKind.LocalFunctionStatement) && !statement.Statement.IsKind(SyntaxKind.LabeledStatement))
            {
                current.Add(statement);
            }
            else
            {
                Close();
            }
        }

        Close();
        return runs;
    }

    private static bool IsPreprocessorWord(string line)
    {
        // #if, #region, #nullable, #pragma, ... are C#; only #r, #i, #load and #! are script / notebook directives.
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            return false;
        var word = new string(trimmed.Skip(1).TakeWhile(char.IsLetter).ToArray());
        return word is not ("r" or "i" or "load");
    }
}
