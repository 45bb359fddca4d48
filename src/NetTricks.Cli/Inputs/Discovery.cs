using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetTricks.Cli.Notebooks;

namespace NetTricks.Cli.Inputs;

/// <summary>
/// Turns the command-line paths into analysis units (one compilation each) and reads their sources. Every problem with
/// an input is recorded and the rest goes on.
/// </summary>
internal sealed class Discovery
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules" };

    private readonly HashSet<string> _claimedFiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unitKeys = new(StringComparer.Ordinal);
    private AnalysisUnit? _commandLineFiles;
    private readonly Dictionary<string, AnalysisUnit> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>?> _projectFiles = new(StringComparer.Ordinal);

    public List<AnalysisUnit> Units { get; } = new();

    public List<InputProblem> Problems { get; } = new();

    public static bool IsSupportedFile(string path) => Path.GetExtension(path).ToLowerInvariant() is ".cs" or ".csx" or ".ipynb" or ".dib" or ".csproj" or ".sln" or ".slnx";

    public void Add(string argument)
    {
        string full;
        try
        {
            full = Path.GetFullPath(argument);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Problems.Add(new InputProblem(argument, ProblemLevel.Error, "is not a valid path: " + e.Message));
            return;
        }

        if (Directory.Exists(full))
        {
            ScanFolder(full);
            return;
        }

        var isLink = new FileInfo(full).LinkTarget is not null;
        if (!File.Exists(full) && !isLink)
        {
            Problems.Add(new InputProblem(PathDisplay.Of(full), ProblemLevel.Error, "does not exist"));
            return;
        }

        switch (Path.GetExtension(full).ToLowerInvariant())
        {
            case ".cs":
                // A file of a project is checked in its project's compilation (other files' models are followed), reported alone.
                if (OwningProject(full) is { } owner)
                {
                    AddProject(owner, scopeFile: full);
                    break;
                }

                if (_claimedFiles.Add(full))
                {
                    if (_commandLineFiles is null)
                    {
                        _commandLineFiles = new AnalysisUnit(UnitKind.Files, full);
                        Units.Add(_commandLineFiles);
                    }

                    AddSource(_commandLineFiles, full);
                }

                break;
            case ".csx":
            case ".ipynb":
            case ".dib":
                AddScript(full);
                break;
            case ".csproj":
                AddProject(full);
                break;
            case ".sln":
            case ".slnx":
                AddSolution(full);
                break;
            default:
                Problems.Add(new InputProblem(PathDisplay.Of(full), ProblemLevel.Error,
                    "is not a supported input (expected .cs, .csx, .ipynb, .dib, .csproj, .sln, .slnx or a folder)"));
                break;
        }
    }

    private void ScanFolder(string folder)
    {
        var projects = new List<string>();
        var sources = new List<string>();
        var scripts = new List<string>();
        Walk(folder, projects, sources, scripts);

        foreach (var project in projects)
            AddProject(project);

        var projectDirectories = projects.Select(p => Path.GetDirectoryName(p)! + Path.DirectorySeparatorChar).ToList();
        var loose = sources
            .Where(f => !_claimedFiles.Contains(f) && !projectDirectories.Any(d => f.StartsWith(d, StringComparison.Ordinal)))
            .ToList();
        if (loose.Count > 0 && _unitKeys.Add("folder:" + folder))
        {
            var unit = new AnalysisUnit(UnitKind.Files, folder);
            foreach (var file in loose)
            {
                _claimedFiles.Add(file);
                AddSource(unit, file);
            }

            if (unit.Sources.Count > 0)
                Units.Add(unit);
        }

        foreach (var script in scripts)
            AddScript(script);
    }

    private void Walk(string directory, List<string> projects, List<string> sources, List<string> scripts)
    {
        List<string> files;
        List<string> subdirectories;
        try
        {
            files = Directory.EnumerateFiles(directory).OrderBy(f => f, StringComparer.Ordinal).ToList();
            subdirectories = Directory.EnumerateDirectories(directory).OrderBy(d => d, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problems.Add(new InputProblem(PathDisplay.Of(directory), ProblemLevel.Error, "could not be listed: " + e.Message));
            return;
        }

        foreach (var file in files)
        {
            switch (Path.GetExtension(file).ToLowerInvariant())
            {
                case ".csproj":
                    projects.Add(file);
                    break;
                case ".cs":
                    sources.Add(file);
                    break;
                case ".csx":
                case ".ipynb":
                case ".dib":
                    scripts.Add(file);
                    break;
            }
        }

        foreach (var subdirectory in subdirectories)
        {
            var name = Path.GetFileName(subdirectory);
            // bin/, obj/, .git/ and other hidden folders (.ipynb_checkpoints holds stale notebook copies); no symlinked folders (no cycles).
            if (name.StartsWith('.') || SkippedFolders.Contains(name) || new DirectoryInfo(subdirectory).LinkTarget is not null)
                continue;
            Walk(subdirectory, projects, sources, scripts);
        }
    }

    private void AddSolution(string path)
    {
        if (!_unitKeys.Add("solution:" + path))
            return;
        var source = SourceReader.TryRead(path, out var error);
        var projects = source is null ? null : ProjectReader.SolutionProjects(path, source.Text, out error);
        if (projects is null)
        {
            Problems.Add(new InputProblem(PathDisplay.Of(path), ProblemLevel.Error, error ?? "could not be read"));
            return;
        }

        if (projects.Count == 0)
            Problems.Add(new InputProblem(PathDisplay.Of(path), ProblemLevel.Note, "lists no C# projects"));
        foreach (var project in projects)
        {
            if (!File.Exists(project))
                Problems.Add(new InputProblem(PathDisplay.Of(project), ProblemLevel.Error, $"is listed in {PathDisplay.Of(path)} but does not exist"));
            else
                AddProject(project);
        }
    }

    private void AddProject(string path, string? scopeFile = null)
    {
        if (_projects.TryGetValue(path, out var existing))
        {
            if (scopeFile is null)
                existing.Scope = null; // the whole project was asked for after all
            else
                existing.Scope?.Add(scopeFile);
            return;
        }

        if (!_unitKeys.Add("project:" + path))
            return;
        var settings = ProjectReader.Read(path, out var error);
        if (settings is null)
        {
            Problems.Add(new InputProblem(PathDisplay.Of(path), ProblemLevel.Error, error ?? "could not be read"));
            return;
        }

        var unit = new AnalysisUnit(UnitKind.Project, path);
        if (scopeFile is not null)
            unit.Scope = new HashSet<string>(StringComparer.Ordinal) { scopeFile };
        _projects[path] = unit;
        ProjectReader.ApplyTo(settings, unit);
        var files = ProjectReader.SourceFiles(settings);
        foreach (var file in files)
        {
            if (_claimedFiles.Add(file))
                AddSource(unit, file);
        }

        if (files.Count == 0)
            Problems.Add(new InputProblem(unit.DisplayPath, ProblemLevel.Note, "has no C# source files"));
        if (unit.Sources.Count > 0)
            Units.Add(unit);
    }

    /// <summary>The one project (nearest folder up with a single .csproj, within the repository) that compiles a .cs file.</summary>
    private string? OwningProject(string file)
    {
        // Not above the temporary folder or in the file system root: a stray project file there owns nothing.
        var stop = new[] { Path.GetFullPath(Path.GetTempPath()).TrimEnd(Path.DirectorySeparatorChar), Path.GetPathRoot(file)!.TrimEnd(Path.DirectorySeparatorChar) };
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(file)!); directory is not null; directory = directory.Parent)
        {
            if (stop.Contains(directory.FullName.TrimEnd(Path.DirectorySeparatorChar), StringComparer.Ordinal))
                return null;
            string[] projects;
            try
            {
                projects = Directory.GetFiles(directory.FullName, "*.csproj");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            if (projects.Length > 1)
                return null;
            if (projects.Length == 1)
            {
                if (!_projectFiles.TryGetValue(projects[0], out var files))
                {
                    var settings = ProjectReader.Read(projects[0], out _);
                    files = settings is null ? null : ProjectReader.SourceFiles(settings);
                    _projectFiles[projects[0]] = files;
                }

                return files is not null && files.Contains(file, StringComparer.Ordinal) ? projects[0] : null;
            }

            if (Directory.Exists(Path.Combine(directory.FullName, ".git")))
                return null;
        }

        return null;
    }

    private void AddSource(AnalysisUnit unit, string file)
    {
        var source = SourceReader.TryRead(file, out var error);
        if (source is null)
        {
            Problems.Add(new InputProblem(PathDisplay.Of(file), ProblemLevel.Error, error ?? "could not be read"));
            return;
        }

        unit.Sources.Add(new UnitSource(file, source));
    }

    private void AddScript(string path)
    {
        if (!_unitKeys.Add("script:" + path))
            return;
        var display = PathDisplay.Of(path);
        var source = SourceReader.TryRead(path, out var error);
        var script = source is null ? null : ScriptDocument.Parse(path, source, out error);
        if (source is null || script is null)
        {
            Problems.Add(new InputProblem(display, ProblemLevel.Error, error ?? "could not be read"));
            return;
        }

        var csharp = script.Cells.Where(c => c.IsCSharp).ToList();
        var skipped = script.Cells.Where(c => c.IsCode && !c.IsCSharp).ToList();
        if (skipped.Count > 0)
        {
            var byLanguage = skipped.GroupBy(c => c.Language).Select(g =>
                $"{g.Key}: {(g.Count() == 1 ? "cell" : "cells")} {string.Join(", ", g.Select(c => c.Number.ToString(CultureInfo.InvariantCulture)))}");
            Problems.Add(new InputProblem(display, ProblemLevel.Note,
                $"skipped {skipped.Count} non-C# code {(skipped.Count == 1 ? "cell" : "cells")} ({string.Join("; ", byLanguage)})"));
        }

        if (csharp.Count == 0)
        {
            Problems.Add(new InputProblem(display, ProblemLevel.Note, "has no C# code to check"));
            return;
        }

        var stitcher = ScriptStitcher.Stitch(csharp, script.IsNotebook);
        var unit = new AnalysisUnit(script.IsNotebook ? UnitKind.Notebook : UnitKind.Script, path);
        unit.Sources.Add(new UnitSource(path, source, script, stitcher));
        foreach (var directive in stitcher.Directives)
        {
            if (directive.NuGetPackage is { } package)
            {
                if (!References.IsCarried(package))
                    unit.UncarriedPackages.Add(package);
            }
            else
            {
                var where = script.IsNotebook ? $" (cell {directive.Cell}, line {directive.Line + 1})" : $" (line {directive.Line + 1})";
                if (directive.Text.StartsWith("#r", StringComparison.Ordinal) || directive.Text.StartsWith("#load", StringComparison.Ordinal))
                    Problems.Add(new InputProblem(display, ProblemLevel.Note, $"'{directive.Text}'{where} is not followed: only TorchSharp and ML.NET packages are known", directive.Line + 1, null, script.IsNotebook ? directive.Cell : null));
            }
        }

        Units.Add(unit);
    }
}
