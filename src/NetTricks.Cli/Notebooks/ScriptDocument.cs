using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NetTricks.Cli.Inputs;

namespace NetTricks.Cli.Notebooks;

internal enum ScriptFormat
{
    Csx,
    Ipynb,
    Dib,
}

/// <summary>One cell of a notebook (a .csx script is one cell, number 0).</summary>
internal sealed class ScriptCell
{
    public ScriptCell(int number, string language, List<string> lines)
    {
        Number = number;
        Language = language;
        Lines = lines;
    }

    /// <summary>1-based, as a reader counts the cells of the notebook (markdown cells included); 0 for a .csx script.</summary>
    public int Number { get; }

    /// <summary>Normalised kernel name: csharp, fsharp, pwsh, markdown, raw, ...</summary>
    public string Language { get; }

    /// <summary>The cell source, one entry a line, without line breaks.</summary>
    public List<string> Lines { get; }

    public bool IsCSharp => Language == "csharp";

    public bool IsCode => Language is not ("markdown" or "raw" or "meta");

    // .ipynb: the cell object, and whether its source was one string rather than an array of lines.
    internal JsonObject? Json { get; init; }

    internal bool SourceWasString { get; init; }

    // .dib: the content lines in the file, [FirstLine, FirstLine + LineCount).
    internal int FirstLine { get; init; }

    internal int LineCount { get; init; }
}

/// <summary>A C# script or a Polyglot / Jupyter notebook: its cells, and how to write changed cells back.</summary>
internal sealed class ScriptDocument
{
    private static readonly HashSet<string> DibKernels = new(StringComparer.OrdinalIgnoreCase)
    {
        "csharp", "c#", "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md", "mermaid",
        "sql", "kql", "value", "meta", "http", "python", "r", "vscode",
    };

    private static readonly Regex DibSeparator = new(@"^#!([A-Za-z0-9#_.\-]+)\s*$", RegexOptions.CultureInvariant);

    private readonly JsonNode? _root;
    private readonly int _jsonIndent;
    private readonly List<string> _fileLines = new();

    private ScriptDocument(ScriptFormat format, string path, SourceFileText source, JsonNode? root = null, int jsonIndent = 1)
    {
        Format = format;
        Path = path;
        Source = source;
        _root = root;
        _jsonIndent = jsonIndent;
        NewLine = source.Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        EndsWithNewLine = source.Text.EndsWith('\n');
    }

    public ScriptFormat Format { get; }

    public string Path { get; }

    public SourceFileText Source { get; }

    public string NewLine { get; }

    public bool EndsWithNewLine { get; }

    public List<ScriptCell> Cells { get; } = new();

    public bool IsNotebook => Format != ScriptFormat.Csx;

    public static ScriptFormat? FormatOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csx" => ScriptFormat.Csx,
        ".ipynb" => ScriptFormat.Ipynb,
        ".dib" => ScriptFormat.Dib,
        _ => null,
    };

    public static ScriptDocument? Parse(string path, SourceFileText source, out string? error)
    {
        error = null;
        switch (FormatOf(path))
        {
            case ScriptFormat.Csx:
                var script = new ScriptDocument(ScriptFormat.Csx, path, source);
                script._fileLines.AddRange(SplitFileLines(source.Text));
                script.Cells.Add(new ScriptCell(0, "csharp", script._fileLines.ToList()) { FirstLine = 0, LineCount = script._fileLines.Count });
                return script;
            case ScriptFormat.Ipynb:
                return ParseIpynb(path, source, out error);
            case ScriptFormat.Dib:
                return ParseDib(path, source);
            default:
                error = "is not a script or notebook";
                return null;
        }
    }

    public static string NormalizeLanguage(string? name)
    {
        var value = (name ?? "").Trim().ToLowerInvariant();
        return value switch
        {
            "c#" or "csharp" or "cs" or ".net-csharp" or "c#-script" => "csharp",
            "f#" or "fsharp" or "fs" or ".net-fsharp" => "fsharp",
            "powershell" or "pwsh" or ".net-pwsh" => "pwsh",
            "js" or "javascript" => "javascript",
            "md" or "markdown" => "markdown",
            "python3" or "python" => "python",
            _ => value,
        };
    }

    /// <summary>The file text with the given cells' sources replaced; everything else (outputs, metadata, other cells) as it was.</summary>
    public string Render(IReadOnlyDictionary<int, List<string>> changedCells)
    {
        switch (Format)
        {
            case ScriptFormat.Csx:
                return JoinFile(changedCells.TryGetValue(0, out var lines) ? lines : Cells[0].Lines);
            case ScriptFormat.Dib:
                var fileLines = _fileLines.ToList();
                foreach (var cell in Cells.Where(c => changedCells.ContainsKey(c.Number)).OrderByDescending(c => c.FirstLine))
                {
                    fileLines.RemoveRange(cell.FirstLine, cell.LineCount);
                    fileLines.InsertRange(cell.FirstLine, changedCells[cell.Number]);
                }

                return JoinFile(fileLines);
            default:
                foreach (var cell in Cells.Where(c => changedCells.ContainsKey(c.Number)))
                {
                    var text = string.Join("\n", changedCells[cell.Number]);
                    if (cell.SourceWasString)
                    {
                        cell.Json!["source"] = JsonValue.Create(text);
                    }
                    else
                    {
                        var array = new JsonArray();
                        var parts = text.Split('\n');
                        for (var i = 0; i < parts.Length; i++)
                        {
                            if (i == parts.Length - 1 && parts[i].Length == 0)
                                break;
                            array.Add(JsonValue.Create(i < parts.Length - 1 ? parts[i] + "\n" : parts[i]));
                        }

                        cell.Json!["source"] = array;
                    }
                }

                var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = Math.Clamp(_jsonIndent, 1, 8), Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                var json = _root!.ToJsonString(options);
                if (NewLine != "\n")
                    json = json.Replace("\n", NewLine, StringComparison.Ordinal);
                return EndsWithNewLine ? json + NewLine : json;
        }
    }

    private string JoinFile(IEnumerable<string> lines)
    {
        var text = string.Join(NewLine, lines);
        return EndsWithNewLine ? text + NewLine : text;
    }

    private static List<string> SplitFileLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (text.EndsWith('\n'))
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static List<string> SplitCellLines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static ScriptDocument? ParseIpynb(string path, SourceFileText source, out string? error)
    {
        error = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(source.Text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            error = $"is not valid JSON ({e.Message})";
            return null;
        }

        if (root is not JsonObject notebook || notebook["cells"] is not JsonArray cells)
        {
            error = "is not a Jupyter notebook: it has no \"cells\" array (nbformat 4 is expected)";
            return null;
        }

        var indent = 1;
        var secondLine = source.Text.Split('\n').Skip(1).FirstOrDefault();
        if (secondLine is not null)
            indent = Math.Max(1, secondLine.Length - secondLine.TrimStart(' ').Length);

        var document = new ScriptDocument(ScriptFormat.Ipynb, path, source, root, indent);
        var defaultLanguage = DefaultLanguage(notebook["metadata"] as JsonObject);
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
            {
                error = $"is not a valid notebook: cell {i + 1} is not a JSON object";
                return null;
            }

            var type = StringOf(cell["cell_type"]) ?? "code";
            string text;
            var wasString = false;
            switch (cell["source"])
            {
                case JsonArray parts:
                    text = string.Concat(parts.Select(p => StringOf(p) ?? ""));
                    break;
                case JsonValue value when value.TryGetValue<string>(out var s):
                    text = s;
                    wasString = true;
                    break;
                case null:
                    text = "";
                    break;
                default:
                    error = $"is not a valid notebook: the source of cell {i + 1} is neither a string nor an array of strings";
                    return null;
            }

            var lines = SplitCellLines(text);
            string language;
            if (type != "code")
            {
                language = NormalizeLanguage(type);
            }
            else
            {
                var metadata = cell["metadata"] as JsonObject;
                language = NormalizeLanguage(
                    StringOf((metadata?["polyglot_notebook"] as JsonObject)?["kernelName"]) ??
                    StringOf((metadata?["dotnet_interactive"] as JsonObject)?["language"]) ??
                    defaultLanguage);
                // A first line like "#!fsharp" switches the cell's kernel.
                var first = lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
                if (first is not null && DibSeparator.Match(first) is { Success: true } magic && IsKernelName(magic.Groups[1].Value, null))
                    language = NormalizeLanguage(magic.Groups[1].Value);
            }

            document.Cells.Add(new ScriptCell(i + 1, language, lines) { Json = cell, SourceWasString = wasString });
        }

        return document;
    }

    private static string DefaultLanguage(JsonObject? metadata)
    {
        var polyglot = metadata?["polyglot_notebook"] as JsonObject;
        var kernelInfo = polyglot?["kernelInfo"] as JsonObject;
        var kernelspec = metadata?["kernelspec"] as JsonObject;
        var languageInfo = metadata?["language_info"] as JsonObject;
        var candidates = new[]
        {
            StringOf(kernelInfo?["defaultKernelName"]),
            StringOf(polyglot?["defaultKernelName"]),
            StringOf(kernelspec?["language"]),
            StringOf(kernelspec?["name"]),
            StringOf(languageInfo?["name"]),
        };
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrWhiteSpace(candidate) || candidate.Equals("polyglot-notebook", StringComparison.OrdinalIgnoreCase))
                continue;
            return NormalizeLanguage(candidate);
        }

        // No kernel information at all: nettricks was asked to check it, so read it as C#.
        return "csharp";
    }

    private static bool IsKernelName(string name, HashSet<string>? extra) =>
        DibKernels.Contains(name) || (extra?.Contains(name) ?? false);

    private static ScriptDocument ParseDib(string path, SourceFileText source)
    {
        var document = new ScriptDocument(ScriptFormat.Dib, path, source);
        var lines = SplitFileLines(source.Text);
        document._fileLines.AddRange(lines);

        // Kernel names declared in the #!meta cell count as separators too.
        var extra = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var defaultLanguage = "csharp";
        var separators = new List<(int Line, string Name)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (DibSeparator.Match(lines[i]) is { Success: true } match && IsKernelName(match.Groups[1].Value, extra))
            {
                separators.Add((i, match.Groups[1].Value));
                if (match.Groups[1].Value.Equals("meta", StringComparison.OrdinalIgnoreCase))
                    ReadMeta(lines, i + 1, extra, ref defaultLanguage);
            }
        }

        var number = 0;
        void AddCell(int start, int end, string language)
        {
            // Polyglot shows a cell's content without the blank lines around it.
            var first = start;
            var last = end - 1;
            while (first <= last && lines[first].Trim().Length == 0)
                first++;
            while (last >= first && lines[last].Trim().Length == 0)
                last--;
            if (language == "meta")
                return;
            if (first > last && start == 0 && separators.Count > 0)
                return; // nothing before the first separator
            number++;
            var count = Math.Max(0, last - first + 1);
            if (count == 0)
                first = Math.Min(start, lines.Count);
            document.Cells.Add(new ScriptCell(number, language, lines.GetRange(first, count)) { FirstLine = first, LineCount = count });
        }

        if (separators.Count == 0)
        {
            AddCell(0, lines.Count, defaultLanguage);
            return document;
        }

        if (separators[0].Line > 0)
            AddCell(0, separators[0].Line, defaultLanguage);
        for (var s = 0; s < separators.Count; s++)
        {
            var end = s + 1 < separators.Count ? separators[s + 1].Line : lines.Count;
            AddCell(separators[s].Line + 1, end, NormalizeLanguage(separators[s].Name));
        }

        return document;
    }

    private static void ReadMeta(List<string> lines, int start, HashSet<string> extra, ref string defaultLanguage)
    {
        var json = new System.Text.StringBuilder();
        for (var i = start; i < lines.Count && !DibSeparator.IsMatch(lines[i]); i++)
            json.Append(lines[i]).Append('\n');
        try
        {
            if (JsonNode.Parse(json.ToString()) is not JsonObject meta || meta["kernelInfo"] is not JsonObject kernelInfo)
                return;
            if (StringOf(kernelInfo["defaultKernelName"]) is { } name)
                defaultLanguage = NormalizeLanguage(name);
            if (kernelInfo["items"] is JsonArray items)
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    if (StringOf(item["name"]) is { } kernel)
                        extra.Add(kernel);
                    if (item["aliases"] is JsonArray aliases)
                    {
                        foreach (var alias in aliases)
                        {
                            if (StringOf(alias) is { } a)
                                extra.Add(a.TrimStart('#', '!'));
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A damaged #!meta cell only loses the extra kernel names.
        }
    }
}
