using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NetTricks.Cli.Analysis;
using NetTricks.Cli.Inputs;
using NetTricks.Cli.Output;

namespace NetTricks.Cli;

internal sealed class CliOptions
{
    public string Command { get; set; } = "";

    public List<string> Arguments { get; } = new();

    public OutputFormat Format { get; set; } = OutputFormat.Compiler;

    public bool FormatGiven { get; set; }

    public DiagnosticSeverity? FailOn { get; set; } = DiagnosticSeverity.Warning;

    public HashSet<string> Rules { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? OutputFile { get; set; }

    public bool DryRun { get; set; }

    public bool NoProgress { get; set; }

    public bool NoColor { get; set; }

    public bool Stats { get; set; }
}

internal static class Program
{
    private const string Usage = """
        nettricks: finds neural-network training mistakes in TorchSharp / ML.NET code, without a build.

        Usage:
          nettricks check <paths...> [--format compiler|text|json|sarif] [--fail-on error|warning|info|never] [-o FILE]
          nettricks fix <paths...> [--rule ID]... [--dry-run]
          nettricks rules [--format text|json]
          nettricks explain <ID>

        Paths: .cs, .csx, .ipynb, .dib files, folders (recursively, skipping bin/, obj/ and hidden folders),
        .csproj projects and .sln / .slnx solutions (their sources, not built).

        Options:
          --format      compiler (default): one "path(line,col): warning NT1003: ..." line per finding;
                        text: code frames, available fixes and a summary by rule; json; sarif (SARIF 2.1.0).
          --fail-on     the lowest severity that makes the exit code 1 (default: warning).
          -o, --output  write the report to a file instead of standard output.
          --rule        (fix) only apply the fixes of these rules (repeatable, or comma-separated).
          --dry-run     (fix) print the changes without writing them.
          --no-progress do not show progress on a terminal.
          --no-color    no colours (NO_COLOR is honoured too).

        Exit codes: 0 clean; 1 findings at or above --fail-on; 2 bad command line, or an input could not be read or parsed
        (the other inputs are still checked and reported).
        """;

    public static int Main(string[] args)
    {
        var started = Stopwatch.StartNew();
        try
        {
            var options = Parse(args, out var error);
            if (options is null)
            {
                Console.Error.WriteLine("nettricks: " + error);
                Console.Error.WriteLine("Run 'nettricks --help' for usage.");
                return 2;
            }

            return options.Command switch
            {
                "help" => Help(),
                "version" => Version(),
                "rules" => Rules(options),
                "explain" => Explain(options),
                "check" => CheckAsync(options, started).GetAwaiter().GetResult(),
                "fix" => FixAsync(options).GetAwaiter().GetResult(),
                _ => 2,
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("nettricks: internal error: " + e);
            return 2;
        }
    }

    private static int Help()
    {
        Console.Out.WriteLine(Usage);
        return 0;
    }

    private static int Version()
    {
        Console.Out.WriteLine("nettricks " + Reporters.ToolVersion);
        return 0;
    }

    internal static CliOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var options = new CliOptions();
        if (args.Length == 0)
        {
            error = "no command given (check, fix, rules, explain)";
            return null;
        }

        var command = args[0];
        switch (command)
        {
            case "-h" or "--help" or "help" or "-?":
                options.Command = "help";
                return options;
            case "--version" or "version":
                options.Command = "version";
                return options;
            case "check" or "fix" or "rules" or "explain":
                options.Command = command;
                break;
            default:
                error = $"unknown command '{command}' (expected check, fix, rules or explain)";
                return null;
        }

        var onlyArguments = false;
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (onlyArguments || !arg.StartsWith('-') || arg == "-")
            {
                options.Arguments.Add(arg);
                continue;
            }

            string? value = null;
            var name = arg;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg.Substring(0, equals);
                value = arg.Substring(equals + 1);
            }

            string? Value()
            {
                if (value is not null)
                    return value;
                if (i + 1 < args.Length)
                    return args[++i];
                return null;
            }

            switch (name)
            {
                case "--":
                    onlyArguments = true;
                    break;
                case "-h" or "--help":
                    options.Command = "help";
                    return options;
                case "--format" or "-f":
                    var format = Value();
                    options.FormatGiven = true;
                    switch (format?.ToLowerInvariant())
                    {
                        case "compiler" or "msbuild":
                            options.Format = OutputFormat.Compiler;
                            break;
                        case "text":
                            options.Format = OutputFormat.Text;
                            break;
                        case "json":
                            options.Format = OutputFormat.Json;
                            break;
                        case "sarif":
                            options.Format = OutputFormat.Sarif;
                            break;
                        default:
                            error = $"unknown format '{format}' (expected compiler, text, json or sarif)";
                            return null;
                    }

                    break;
                case "--fail-on":
                    var failOn = Value();
                    switch (failOn?.ToLowerInvariant())
                    {
                        case "error":
                            options.FailOn = DiagnosticSeverity.Error;
                            break;
                        case "warning":
                            options.FailOn = DiagnosticSeverity.Warning;
                            break;
                        case "info" or "suggestion":
                            options.FailOn = DiagnosticSeverity.Info;
                            break;
                        case "never" or "none":
                            options.FailOn = null;
                            break;
                        default:
                            error = $"unknown --fail-on level '{failOn}' (expected error, warning, info or never)";
                            return null;
                    }

                    break;
                case "--rule" or "-r":
                    var rules = Value();
                    if (rules is null)
                    {
                        error = "--rule needs a rule ID";
                        return null;
                    }

                    foreach (var rule in rules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Toolbox.IsRule(rule.ToUpperInvariant()))
                        {
                            error = $"unknown rule '{rule}' (see 'nettricks rules')";
                            return null;
                        }

                        options.Rules.Add(rule.ToUpperInvariant());
                    }

                    break;
                case "--output" or "-o":
                    options.OutputFile = Value();
                    if (options.OutputFile is null)
                    {
                        error = "--output needs a file name";
                        return null;
                    }

                    break;
                case "--dry-run":
                    options.DryRun = true;
                    break;
                case "--no-progress":
                    options.NoProgress = true;
                    break;
                case "--no-color" or "--no-colour":
                    options.NoColor = true;
                    break;
                case "--stats":
                    options.Stats = true;
                    break;
                default:
                    error = $"unknown option '{arg}'";
                    return null;
            }

            if (value is not null && name is "--dry-run" or "--no-progress" or "--no-color" or "--stats")
            {
                error = $"option '{name}' takes no value";
                return null;
            }
        }

        switch (options.Command)
        {
            case "check" or "fix" when options.Arguments.Count == 0:
                error = $"'{options.Command}' needs at least one path";
                return null;
            case "explain" when options.Arguments.Count != 1:
                error = "'explain' needs exactly one rule ID, e.g. 'nettricks explain NT1003'";
                return null;
            case "rules" when options.Arguments.Count > 0:
                error = "'rules' takes no arguments";
                return null;
            case "rules" when options.FormatGiven && options.Format is not (OutputFormat.Text or OutputFormat.Json):
                error = "'rules' prints --format text or json";
                return null;
            case "check" when options.DryRun || options.Rules.Count > 0:
                error = "--dry-run and --rule belong to 'fix'";
                return null;
            case "fix" when options.FormatGiven:
                error = "'fix' has no --format";
                return null;
        }

        return options;
    }

    private static int Rules(CliOptions options)
    {
        var catalogue = Toolbox.Catalogue;
        if (options.Format == OutputFormat.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var writer = new System.Text.Json.Utf8JsonWriter(stdout, new System.Text.Json.JsonWriterOptions { Indented = true });
            writer.WriteStartArray();
            foreach (var d in catalogue)
            {
                writer.WriteStartObject();
                writer.WriteString("id", d.Id);
                writer.WriteString("title", d.Title.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("category", d.Category);
                writer.WriteString("defaultSeverity", Reporters.SeverityWord(d.DefaultSeverity));
                writer.WriteBoolean("fixAvailable", Toolbox.HasFix(d.Id));
                writer.WriteString("helpUri", d.HelpLinkUri);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.Flush();
            stdout.WriteByte((byte)'\n');
            return 0;
        }

        var ansi = Ansi.ForStdout(options.NoColor);
        var rows = catalogue.Select(d => new[]
        {
            d.Id,
            Reporters.SeverityWord(d.DefaultSeverity),
            d.Category.Replace("NetTricks.", "", StringComparison.Ordinal),
            Toolbox.HasFix(d.Id) ? "yes" : "no",
            d.Title.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        Reporters.WriteTable(Console.Out, new[] { "ID", "Severity", "Category", "Fix", "Title" }, rows, Array.Empty<int>(), ansi);
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{catalogue.Count} rules. 'nettricks explain <ID>' shows a rule's page; .editorconfig sets severities (dotnet_diagnostic.<ID>.severity).");
        return 0;
    }

    private static int Explain(CliOptions options)
    {
        var id = options.Arguments[0].Trim().ToUpperInvariant();
        var assembly = typeof(Program).Assembly;
        using var stream = assembly.GetManifestResourceStream("rules/" + id + ".md");
        if (stream is null)
        {
            Console.Error.WriteLine($"nettricks: no rule '{options.Arguments[0]}'. Rules: {string.Join(", ", Toolbox.Catalogue.Select(d => d.Id))}");
            return 2;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var markdown = reader.ReadToEnd();
        var width = 100;
        if (!Console.IsOutputRedirected)
        {
            try
            {
                width = Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 100;
            }
            catch (IOException)
            {
            }
        }

        MarkdownRenderer.Render(markdown, Console.Out, Ansi.ForStdout(options.NoColor), width);
        return 0;
    }

    /// <summary>Loads every input; then checks one unit at a time (each unit's analysis runs concurrently).</summary>
    private static async Task<int> CheckAsync(CliOptions options, Stopwatch started)
    {
        var discovery = new Discovery();
        foreach (var argument in options.Arguments)
            discovery.Add(argument);
        var loaded = started.Elapsed;

        var report = new CheckReport();
        report.Problems.AddRange(discovery.Problems);
        var configs = new EditorConfigs();
        var total = discovery.Units.Sum(u => u.ReportedSources.Count());
        using var progress = new Progress(total, enabled: !options.NoProgress);
        var analysisWatch = Stopwatch.StartNew();
        var withFixes = options.Format != OutputFormat.Compiler;
        foreach (var unit in discovery.Units)
        {
            try
            {
                using var session = UnitSession.Create(unit, configs.For(unit));
                var analysis = await session.AnalyzeAsync(null, CancellationToken.None).ConfigureAwait(false);
                report.Findings.AddRange(await session.FindingsAsync(analysis, withFixes, CancellationToken.None).ConfigureAwait(false));
                report.Problems.AddRange(session.Problems(analysis));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                report.Problems.Add(new InputProblem(unit.DisplayPath, ProblemLevel.Error, $"could not be checked (internal error: {e.GetType().Name}: {e.Message})"));
            }

            var reported = unit.ReportedSources.ToList();
            report.Files += reported.Count;
            report.Lines += reported.Sum(s => s.LineCount);
            progress.Advance(reported.Count);
        }

        progress.Clear();
        report.Problems.AddRange(configs.Problems);
        var analysisTime = analysisWatch.Elapsed;

        var output = options.OutputFile is null ? null : OpenOutput(options.OutputFile);
        if (options.OutputFile is not null && output is null)
            return 2;
        try
        {
            switch (options.Format)
            {
                case OutputFormat.Compiler:
                    Reporters.WriteCompiler(report, output is null ? Console.Out : new StreamWriter(output, new UTF8Encoding(false)) { AutoFlush = true }, Console.Error);
                    break;
                case OutputFormat.Text:
                    Reporters.WriteText(report, output is null ? Console.Out : new StreamWriter(output, new UTF8Encoding(false)) { AutoFlush = true }, output is null ? Ansi.ForStdout(options.NoColor) : new Ansi(false));
                    break;
                case OutputFormat.Json:
                    Reporters.WriteJson(report, output ?? Console.OpenStandardOutput());
                    Reporters.WriteProblems(Console.Error, report.Problems);
                    break;
                case OutputFormat.Sarif:
                    Reporters.WriteSarif(report, output ?? Console.OpenStandardOutput());
                    Reporters.WriteProblems(Console.Error, report.Problems);
                    break;
            }
        }
        finally
        {
            output?.Dispose();
        }

        if (options.Stats)
        {
            var totalTime = started.Elapsed;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"nettricks stats: {report.Files} files, {report.Lines} lines, {discovery.Units.Count} compilations; " +
                $"load {loaded.TotalSeconds:F2} s, analysis {analysisTime.TotalSeconds:F2} s, total {totalTime.TotalSeconds:F2} s; " +
                $"{report.Lines / Math.Max(analysisTime.TotalSeconds, 1e-3):F0} lines/s (analysis), {report.Lines / Math.Max(totalTime.TotalSeconds, 1e-3):F0} lines/s (overall)"));
        }

        if (report.HasInputErrors)
            return 2;
        return options.FailOn is { } failOn && report.Findings.Any(f => f.Severity >= failOn) ? 1 : 0;
    }

    private static FileStream? OpenOutput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Console.Error.WriteLine($"nettricks: cannot write {path}: {e.Message}");
            return null;
        }
    }

    private static async Task<int> FixAsync(CliOptions options)
    {
        var discovery = new Discovery();
        foreach (var argument in options.Arguments)
            discovery.Add(argument);
        var problems = new List<InputProblem>(discovery.Problems);
        var configs = new EditorConfigs();
        var ansi = Ansi.ForStdout(options.NoColor);
        var out_ = Console.Out;
        var totalFixes = 0;
        var changedFiles = 0;
        using var progress = new Progress(discovery.Units.Sum(u => u.Sources.Count), enabled: !options.NoProgress);
        foreach (var unit in discovery.Units)
        {
            try
            {
                using var session = UnitSession.Create(unit, configs.For(unit));
                var analysis = await session.AnalyzeAsync(session.Solution, CancellationToken.None).ConfigureAwait(false);
                problems.AddRange(session.Problems(analysis).Where(p => p.Level == ProblemLevel.Error));
                var outcome = await Fixer.FixAsync(session, analysis, options.Rules, CancellationToken.None).ConfigureAwait(false);
                problems.AddRange(outcome.Problems);
                progress.Clear();
                foreach (var file in outcome.Files)
                {
                    var fixes = outcome.Applied.Where(a => a.Path == file.Source.DisplayPath).ToList();
                    var verb = options.DryRun ? "would fix" : "fixed";
                    out_.WriteLine(ansi.Bold($"{file.Source.DisplayPath}: {verb} {fixes.Count} {(fixes.Count == 1 ? "finding" : "findings")}"));
                    foreach (var fix in fixes)
                        out_.WriteLine($"  {(fix.Cell is { } cell ? $"cell {cell}, " : "")}line {fix.Line}: {fix.RuleId} {fix.Title}");
                    if (file.Cells is null)
                    {
                        LineDiff.Write(out_, Lines(file.Source.Source.Text), Lines(file.NewText), "    ", ansi);
                    }
                    else
                    {
                        foreach (var (cell, (before, after)) in file.Cells.OrderBy(c => c.Key))
                        {
                            if (file.Source.Script!.IsNotebook)
                                out_.WriteLine($"    cell {cell}:");
                            LineDiff.Write(out_, before, after, "    ", ansi);
                        }
                    }

                    if (!options.DryRun)
                    {
                        try
                        {
                            SourceReader.Write(file.Source.FullPath, file.NewText, file.Source.Source.Encoding);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            problems.Add(new InputProblem(file.Source.DisplayPath, ProblemLevel.Error, "could not be written: " + e.Message));
                            continue;
                        }
                    }

                    changedFiles++;
                    totalFixes += fixes.Count;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add(new InputProblem(unit.DisplayPath, ProblemLevel.Error, $"could not be fixed (internal error: {e.GetType().Name}: {e.Message})"));
            }

            progress.Advance(unit.Sources.Count);
        }

        progress.Clear();
        problems.AddRange(configs.Problems);
        Reporters.WriteProblems(Console.Error, problems);
        Console.Error.WriteLine(totalFixes == 0
            ? "nettricks: nothing to fix"
            : $"nettricks: {(options.DryRun ? "would apply" : "applied")} {totalFixes} {(totalFixes == 1 ? "fix" : "fixes")} in {changedFiles} {(changedFiles == 1 ? "file" : "files")}");
        return problems.Any(p => p.Level == ProblemLevel.Error) ? 2 : 0;
    }

    private static List<string> Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').ToList();
}

/// <summary>"checked 12/40 files" on stderr, only when both output streams are a terminal.</summary>
internal sealed class Progress : IDisposable
{
    private readonly int _total;
    private readonly bool _enabled;
    private int _done;
    private bool _shown;

    public Progress(int total, bool enabled)
    {
        _total = total;
        _enabled = enabled && total > 1 && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
        Show();
    }

    public void Advance(int files)
    {
        _done += files;
        Show();
    }

    public void Clear()
    {
        if (!_shown)
            return;
        Console.Error.Write("\r\u001b[2K");
        _shown = false;
    }

    public void Dispose() => Clear();

    private void Show()
    {
        if (!_enabled || _done >= _total)
            return;
        Console.Error.Write($"\r\u001b[2Knettricks: checked {_done}/{_total} files...");
        _shown = true;
    }
}
