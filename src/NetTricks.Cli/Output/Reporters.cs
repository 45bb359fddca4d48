using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using NetTricks.Cli.Analysis;
using NetTricks.Cli.Inputs;

namespace NetTricks.Cli.Output;

internal enum OutputFormat
{
    Compiler,
    Text,
    Json,
    Sarif,
}

/// <summary>Everything a check found, ready to print.</summary>
internal sealed class CheckReport
{
    public List<Finding> Findings { get; } = new();

    public List<InputProblem> Problems { get; } = new();

    public int Files { get; set; }

    public int Lines { get; set; }

    public bool HasInputErrors => Problems.Any(p => p.Level == ProblemLevel.Error);
}

internal static class Reporters
{
    public static string SeverityWord(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };

    /// <summary>"path(line,col)" or, in a notebook, "path[cell N](line,col)".</summary>
    public static string Position(string path, int? cell, int? line, int? column)
    {
        var where = cell is { } c ? $"{path}[cell {c}]" : path;
        return line is { } l ? $"{where}({l},{column ?? 1})" : where;
    }

    public static void WriteProblems(TextWriter writer, IEnumerable<InputProblem> problems)
    {
        foreach (var problem in problems)
        {
            var level = problem.Level switch { ProblemLevel.Error => "error", ProblemLevel.Warning => "warning", _ => "note" };
            writer.WriteLine($"{Position(problem.Path, problem.Cell, problem.Line, problem.Column)}: {level}: {problem.Message}");
        }
    }

    public static string SummaryLine(CheckReport report)
    {
        var bySeverity = report.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key)
            .Select(g => $"{g.Count()} {SeverityWord(g.Key)}{(g.Count() == 1 ? "" : "s")}");
        var files = report.Findings.Select(f => f.FullPath).Distinct(StringComparer.Ordinal).Count();
        var errors = report.Problems.Count(p => p.Level == ProblemLevel.Error);
        var text = report.Findings.Count == 0
            ? $"no findings in {report.Files} {(report.Files == 1 ? "file" : "files")}"
            : $"{report.Findings.Count} {(report.Findings.Count == 1 ? "finding" : "findings")} ({string.Join(", ", bySeverity)}) in {files} of {report.Files} {(report.Files == 1 ? "file" : "files")}";
        if (errors > 0)
            text += $"; {errors} input {(errors == 1 ? "problem" : "problems")}";
        return text;
    }

    /// <summary>Default: one compiler-style line per finding on stdout; problems and the summary on stderr.</summary>
    public static void WriteCompiler(CheckReport report, TextWriter output, TextWriter messages)
    {
        foreach (var finding in report.Findings)
            output.WriteLine($"{Position(finding.Path, finding.Cell, finding.Line, finding.Column)}: {SeverityWord(finding.Severity)} {finding.RuleId}: {finding.Message}");
        WriteProblems(messages, report.Problems);
        messages.WriteLine("nettricks: " + SummaryLine(report));
    }

    /// <summary>Readable: a code frame per finding, whether a fix is available, a summary by rule.</summary>
    public static void WriteText(CheckReport report, TextWriter output, Ansi ansi)
    {
        foreach (var finding in report.Findings)
        {
            string Paint(string text) => finding.Severity switch
            {
                DiagnosticSeverity.Error => ansi.Red(text),
                DiagnosticSeverity.Warning => ansi.Yellow(text),
                _ => ansi.Cyan(text),
            };
            var coloured = Paint(SeverityWord(finding.Severity));
            output.WriteLine($"{ansi.Bold(coloured + " " + finding.RuleId)}{ansi.Bold(": " + finding.Message)}");
            var where = finding.Cell is { } cell
                ? $"{finding.Path}, cell {cell}, line {finding.Line}, column {finding.Column}"
                : $"{finding.Path}:{finding.Line}:{finding.Column}";
            output.WriteLine($"  {ansi.Cyan("-->")} {where}");
            var number = finding.Line.ToString(CultureInfo.InvariantCulture);
            var gutter = new string(' ', number.Length);
            var (line, start, length) = Frame(finding);
            output.WriteLine($"  {gutter} {ansi.Cyan("|")}");
            output.WriteLine($"  {ansi.Cyan(number)} {ansi.Cyan("|")} {line}");
            output.WriteLine($"  {gutter} {ansi.Cyan("|")} {new string(' ', start)}{Paint(new string('^', length))}");
            output.WriteLine(finding.FixAvailable
                ? $"  {gutter} {ansi.Cyan("=")} fix: {ansi.Green(finding.FixTitle!)} (nettricks fix {Quote(finding.Path)} --rule {finding.RuleId})"
                : $"  {gutter} {ansi.Cyan("=")} fix: none available here");
            if (Toolbox.Descriptors.TryGetValue(finding.RuleId, out var descriptor) && !string.IsNullOrEmpty(descriptor.HelpLinkUri))
                output.WriteLine($"  {gutter} {ansi.Cyan("=")} help: nettricks explain {finding.RuleId} · {descriptor.HelpLinkUri}");
            output.WriteLine();
        }

        if (report.Problems.Count > 0)
        {
            output.WriteLine(ansi.Bold("Input problems"));
            foreach (var problem in report.Problems)
            {
                var level = problem.Level switch { ProblemLevel.Error => ansi.Red("error"), ProblemLevel.Warning => ansi.Yellow("warning"), _ => ansi.Dim("note") };
                output.WriteLine($"  {level}: {Position(problem.Path, problem.Cell, problem.Line, problem.Column)}: {problem.Message}");
            }

            output.WriteLine();
        }

        output.WriteLine(ansi.Bold("Summary: ") + SummaryLine(report));
        if (report.Findings.Count > 0)
        {
            var rows = report.Findings.GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new[]
            {
                g.Key,
                SeverityWord(g.Max(f => f.Severity)),
                g.Count().ToString(CultureInfo.InvariantCulture),
                g.Count(f => f.FixAvailable).ToString(CultureInfo.InvariantCulture),
                Toolbox.Descriptors.TryGetValue(g.Key, out var d) ? d.Title.ToString(CultureInfo.InvariantCulture) : "",
            }).ToList();
            WriteTable(output, new[] { "Rule", "Severity", "Count", "Fixable", "Title" }, rows, rightAligned: new[] { 2, 3 }, ansi);
        }
    }

    public static void WriteTable(TextWriter output, string[] header, IReadOnlyList<string[]> rows, int[] rightAligned, Ansi ansi)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        string Row(string[] cells) => "  " + string.Join("  ", cells.Select((c, i) =>
            i == cells.Length - 1 ? c : rightAligned.Contains(i) ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(ansi.Bold(Row(header)));
        foreach (var row in rows)
            output.WriteLine(Row(row));
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? "\"" + path + "\"" : path;

    /// <summary>The source line with tabs expanded, and where to put the carets.</summary>
    private static (string Line, int Start, int Length) Frame(Finding finding)
    {
        var raw = finding.SourceLine;
        var expanded = new StringBuilder();
        var start = -1;
        for (var i = 0; i <= raw.Length; i++)
        {
            if (i == finding.Column - 1)
                start = expanded.Length;
            if (i == raw.Length)
                break;
            if (raw[i] == '\t')
                expanded.Append(' ', 4 - (expanded.Length % 4));
            else
                expanded.Append(raw[i]);
        }

        if (start < 0)
            start = expanded.Length;
        var endColumn = finding.EndLine == finding.Line ? finding.EndColumn : raw.Length + 1;
        var length = Math.Max(1, Math.Min(endColumn - finding.Column, expanded.Length - start));
        return (expanded.ToString().TrimEnd(), start, length);
    }

    public static void WriteJson(CheckReport report, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("tool", "nettricks");
        writer.WriteString("version", ToolVersion);
        writer.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("ruleId", f.RuleId);
            writer.WriteString("severity", SeverityWord(f.Severity));
            writer.WriteString("message", f.Message);
            writer.WriteString("path", f.Path);
            if (f.Cell is { } cell)
                writer.WriteNumber("cell", cell);
            writer.WriteNumber("line", f.Line);
            writer.WriteNumber("column", f.Column);
            writer.WriteNumber("endLine", f.EndLine);
            writer.WriteNumber("endColumn", f.EndColumn);
            writer.WriteBoolean("fixAvailable", f.FixAvailable);
            if (f.FixTitle is not null)
                writer.WriteString("fix", f.FixTitle);
            if (Toolbox.Descriptors.TryGetValue(f.RuleId, out var descriptor))
            {
                writer.WriteString("title", descriptor.Title.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("category", descriptor.Category);
                writer.WriteString("helpUri", descriptor.HelpLinkUri);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("problems");
        foreach (var p in report.Problems)
        {
            writer.WriteStartObject();
            writer.WriteString("path", p.Path);
            writer.WriteString("level", p.Level.ToString().ToLowerInvariant());
            writer.WriteString("message", p.Message);
            if (p.Cell is { } cell)
                writer.WriteNumber("cell", cell);
            if (p.Line is { } line)
                writer.WriteNumber("line", line);
            if (p.Column is { } column)
                writer.WriteNumber("column", column);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("summary");
        writer.WriteNumber("files", report.Files);
        writer.WriteNumber("lines", report.Lines);
        writer.WriteNumber("findings", report.Findings.Count);
        writer.WriteNumber("inputErrors", report.Problems.Count(p => p.Level == ProblemLevel.Error));
        writer.WriteStartObject("byRule");
        foreach (var group in report.Findings.GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
            writer.WriteNumber(group.Key, group.Count());
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>SARIF 2.1.0: the rule catalogue (with help URIs) as tool.driver.rules, one result per finding.</summary>
    public static void WriteSarif(CheckReport report, Stream stream)
    {
        var catalogue = Toolbox.Catalogue;
        var index = catalogue.Select((d, i) => (d.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var root = new Uri(Directory.GetCurrentDirectory().TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).AbsoluteUri;
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        writer.WriteString("version", "2.1.0");
        writer.WriteStartArray("runs");
        writer.WriteStartObject();

        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", "NetTricks");
        writer.WriteString("version", ToolVersion);
        writer.WriteString("semanticVersion", ToolVersion.Split('+')[0]);
        writer.WriteString("informationUri", "https://github.com/nettricks/nettricks");
        writer.WriteStartArray("rules");
        foreach (var descriptor in catalogue)
        {
            writer.WriteStartObject();
            writer.WriteString("id", descriptor.Id);
            writer.WriteString("name", Toolbox.RuleName(descriptor.Id));
            writer.WriteStartObject("shortDescription");
            writer.WriteString("text", descriptor.Title.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteStartObject("fullDescription");
            writer.WriteString("text", descriptor.Description.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteString("helpUri", descriptor.HelpLinkUri);
            writer.WriteStartObject("defaultConfiguration");
            writer.WriteString("level", Level(descriptor.DefaultSeverity));
            writer.WriteBoolean("enabled", descriptor.IsEnabledByDefault);
            writer.WriteEndObject();
            writer.WriteStartObject("properties");
            writer.WriteString("category", descriptor.Category);
            writer.WriteBoolean("fixAvailable", Toolbox.HasFix(descriptor.Id));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("originalUriBaseIds");
        writer.WriteStartObject("SRCROOT");
        writer.WriteString("uri", root);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartArray("invocations");
        writer.WriteStartObject();
        writer.WriteBoolean("executionSuccessful", !report.HasInputErrors);
        writer.WriteStartArray("toolExecutionNotifications");
        foreach (var problem in report.Problems)
        {
            writer.WriteStartObject();
            writer.WriteString("level", problem.Level switch { ProblemLevel.Error => "error", ProblemLevel.Warning => "warning", _ => "note" });
            writer.WriteStartObject("message");
            writer.WriteString("text", problem.Message);
            writer.WriteEndObject();
            writer.WriteStartArray("locations");
            WriteLocation(writer, problem.Path, problem.Line, problem.Column, null, null);
            writer.WriteEndArray();
            if (problem.Cell is { } cell)
            {
                writer.WriteStartObject("properties");
                writer.WriteNumber("cell", cell);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();

        writer.WriteStartArray("results");
        foreach (var finding in report.Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("ruleId", finding.RuleId);
            if (index.TryGetValue(finding.RuleId, out var ruleIndex))
                writer.WriteNumber("ruleIndex", ruleIndex);
            writer.WriteString("level", Level(finding.Severity));
            writer.WriteStartObject("message");
            writer.WriteString("text", finding.Message);
            writer.WriteEndObject();
            writer.WriteStartArray("locations");
            WriteLocation(writer, finding.Path, finding.Line, finding.Column, finding.EndLine, finding.EndColumn);
            writer.WriteEndArray();
            writer.WriteStartObject("properties");
            if (finding.Cell is { } cell)
                writer.WriteNumber("cell", cell);
            writer.WriteBoolean("fixAvailable", finding.FixAvailable);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteLocation(Utf8JsonWriter writer, string path, int? line, int? column, int? endLine, int? endColumn)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        if (Path.IsPathRooted(path))
        {
            writer.WriteString("uri", new Uri(path).AbsoluteUri);
        }
        else
        {
            writer.WriteString("uri", string.Join("/", path.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString)));
            writer.WriteString("uriBaseId", "SRCROOT");
        }

        writer.WriteEndObject();
        if (line is { } l)
        {
            writer.WriteStartObject("region");
            writer.WriteNumber("startLine", l);
            writer.WriteNumber("startColumn", column ?? 1);
            if (endLine is { } el)
                writer.WriteNumber("endLine", el);
            if (endColumn is { } ec)
                writer.WriteNumber("endColumn", ec);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "note",
        _ => "none",
    };

    public static string ToolVersion =>
        typeof(Reporters).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";
}
