using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetTricks.Cli.Notebooks;

namespace NetTricks.Cli.Inputs;

internal enum UnitKind
{
    /// <summary>The sources of a .csproj.</summary>
    Project,

    /// <summary>Loose .cs files (named on the command line, or found in a folder outside any project).</summary>
    Files,

    /// <summary>A .csx script.</summary>
    Script,

    /// <summary>A .ipynb or .dib notebook.</summary>
    Notebook,
}

internal enum ProblemLevel
{
    /// <summary>The input could not be read or parsed: exit code 2.</summary>
    Error,

    /// <summary>Checked, but with less information than a build would have (unknown types, skipped cells).</summary>
    Warning,

    Note,
}

/// <summary>A message about an input rather than a finding in it.</summary>
internal sealed record InputProblem(string Path, ProblemLevel Level, string Message, int? Line = null, int? Column = null, int? Cell = null);

/// <summary>One source file of a unit (for a notebook or script, the stitched script of its C# cells).</summary>
internal sealed class UnitSource
{
    public UnitSource(string fullPath, SourceFileText source, ScriptDocument? script = null, ScriptStitcher? stitcher = null)
    {
        FullPath = fullPath;
        DisplayPath = PathDisplay.Of(fullPath);
        Source = source;
        Script = script;
        Stitcher = stitcher;
    }

    public string FullPath { get; }

    public string DisplayPath { get; }

    public SourceFileText Source { get; }

    public ScriptDocument? Script { get; }

    public ScriptStitcher? Stitcher { get; }

    /// <summary>The text given to the compiler.</summary>
    public string CompiledText => Stitcher?.Text ?? Source.Text;

    /// <summary>Lines of user code (C# cells only, for notebooks).</summary>
    public int LineCount => Script is null
        ? CountLines(Source.Text)
        : Script.Cells.Where(c => c.IsCSharp).Sum(c => c.Lines.Count);

    /// <summary>The text of a 0-based line as the user wrote it (of a cell, for notebooks).</summary>
    public string OriginalLine(int? cell, int line)
    {
        if (Script is null)
        {
            _lines ??= Source.Text.Split('\n');
            return line >= 0 && line < _lines.Length ? _lines[line].TrimEnd('\r') : "";
        }

        var scriptCell = Script.Cells.FirstOrDefault(c => c.Number == (cell ?? 0));
        return scriptCell is not null && line >= 0 && line < scriptCell.Lines.Count ? scriptCell.Lines[line] : "";
    }

    private string[]? _lines;

    private static int CountLines(string text)
    {
        if (text.Length == 0)
            return 0;
        var count = 1;
        foreach (var c in text)
        {
            if (c == '\n')
                count++;
        }

        return text.EndsWith('\n') ? count - 1 : count;
    }
}

/// <summary>One compilation: a project, a set of loose files, a script or a notebook.</summary>
internal sealed class AnalysisUnit
{
    public AnalysisUnit(UnitKind kind, string fullPath)
    {
        Kind = kind;
        FullPath = fullPath;
        DisplayPath = PathDisplay.Of(fullPath);
    }

    public UnitKind Kind { get; }

    /// <summary>The project file, folder, script or notebook this unit stands for.</summary>
    public string FullPath { get; }

    public string DisplayPath { get; }

    public List<UnitSource> Sources { get; } = new();

    /// <summary>Global usings to synthesise (the SDK's implicit usings and &lt;Using&gt; items), as written after "global using".</summary>
    public List<string> GlobalUsings { get; } = new();

    public NullableContextOptions Nullable { get; set; } = NullableContextOptions.Disable;

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

    public OutputKind? OutputKind { get; set; }

    public List<string> PreprocessorSymbols { get; } = new();

    /// <summary>Package references whose assemblies nettricks does not carry (their types are unknown).</summary>
    public List<string> UncarriedPackages { get; } = new();

    /// <summary>Project references whose sources are not part of this compilation.</summary>
    public List<string> UnfollowedProjects { get; } = new();

    public bool IsScript => Kind is UnitKind.Script or UnitKind.Notebook;

    /// <summary>
    /// For a .cs file named on the command line inside a project: the files to report on (the whole project is
    /// compiled, so models defined in other files are followed). Null: report on every source.
    /// </summary>
    public HashSet<string>? Scope { get; set; }

    public bool InScope(string fullPath) => Scope is null || Scope.Contains(fullPath);

    public IEnumerable<UnitSource> ReportedSources => Sources.Where(s => InScope(s.FullPath));

    public int LineCount => Sources.Sum(s => s.LineCount);
}

internal static class PathDisplay
{
    /// <summary>Relative to the current directory when the path is under it, else absolute.</summary>
    public static string Of(string fullPath)
    {
        var current = Directory.GetCurrentDirectory();
        var relative = Path.GetRelativePath(current, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }
}
