using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetTricks.Cli.Inputs;

/// <summary>What nettricks takes from a project file, read as XML (no MSBuild evaluation, no build).</summary>
internal sealed class ProjectSettings
{
    public required string ProjectPath { get; init; }

    public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<(string Include, string? Alias, bool Static)> Usings { get; } = new();

    public List<string> UsingRemoves { get; } = new();

    public List<string> CompileIncludes { get; } = new();

    public List<string> CompileRemoves { get; } = new();

    public List<string> PackageReferences { get; } = new();

    public List<string> ProjectReferences { get; } = new();

    public string Sdk { get; set; } = "Microsoft.NET.Sdk";
}

/// <summary>
/// Reads .csproj files the way the .NET SDK would for what matters to analysis: the default **/*.cs glob (minus
/// bin/, obj/, hidden folders and nested projects), Compile Include/Remove items, ImplicitUsings (the SDK's implicit
/// global usings), Using items, Nullable, LangVersion, OutputType, and Directory.Build.props above the project.
/// Conditioned properties and items are not evaluated (ignored), nor are properties referring to other properties.
/// </summary>
internal static class ProjectReader
{
    /// <summary>The implicit global usings of Microsoft.NET.Sdk (with ImplicitUsings enabled).</summary>
    public static readonly string[] SdkImplicitUsings =
    {
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules" };

    public static ProjectSettings? Read(string projectPath, out string? error)
    {
        error = null;
        var settings = new ProjectSettings { ProjectPath = projectPath };
        foreach (var props in DirectoryBuildProps(Path.GetDirectoryName(projectPath)!))
        {
            // A broken Directory.Build.props breaks the build too, but it is not the input: skip it quietly.
            if (Load(props, out _) is { } propsDocument)
                Apply(propsDocument, settings);
        }

        var document = Load(projectPath, out error);
        if (document is null)
            return null;
        if (document.Root?.Name.LocalName != "Project")
        {
            error = "is not an MSBuild project (its root element is not <Project>)";
            return null;
        }

        if (document.Root.Attribute("Sdk")?.Value is { Length: > 0 } sdk)
            settings.Sdk = sdk;
        Apply(document, settings);
        return settings;
    }

    public static string? Property(this ProjectSettings settings, string name) =>
        settings.Properties.TryGetValue(name, out var value) ? value : null;

    /// <summary>The project's C# files, relative order stable (ordinal).</summary>
    public static List<string> SourceFiles(ProjectSettings settings)
    {
        var directory = Path.GetDirectoryName(settings.ProjectPath)!;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        if (!string.Equals(settings.Property("EnableDefaultCompileItems"), "false", StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(settings.Property("EnableDefaultItems"), "false", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var file in EnumerateProjectFiles(directory, directory))
                files.Add(file);
        }

        foreach (var include in settings.CompileIncludes)
        {
            foreach (var file in Expand(directory, include))
                files.Add(file);
        }

        var removes = settings.CompileRemoves.Select(r => GlobRegex(directory, r)).ToList();
        return files.Where(f => !removes.Any(r => r.IsMatch(Normalize(f)))).ToList();
    }

    public static void ApplyTo(ProjectSettings settings, AnalysisUnit unit)
    {
        var implicitUsings = settings.Property("ImplicitUsings");
        if (implicitUsings is not null && (implicitUsings.Equals("enable", StringComparison.OrdinalIgnoreCase) || implicitUsings.Equals("true", StringComparison.OrdinalIgnoreCase)))
            unit.GlobalUsings.AddRange(SdkImplicitUsings.Select(u => "global::" + u));
        foreach (var (include, alias, isStatic) in settings.Usings)
        {
            unit.GlobalUsings.Add(alias is not null ? $"{alias} = global::{include}" : isStatic ? $"static global::{include}" : "global::" + include);
        }

        foreach (var remove in settings.UsingRemoves)
            unit.GlobalUsings.RemoveAll(u => u == "global::" + remove);

        unit.Nullable = settings.Property("Nullable")?.ToLowerInvariant() switch
        {
            "enable" => NullableContextOptions.Enable,
            "warnings" => NullableContextOptions.Warnings,
            "annotations" => NullableContextOptions.Annotations,
            _ => NullableContextOptions.Disable,
        };
        if (settings.Property("LangVersion") is { } langVersion && LanguageVersionFacts.TryParse(langVersion, out var version))
            unit.LanguageVersion = version == LanguageVersion.Preview ? LanguageVersion.Latest : version;
        unit.OutputKind = settings.Property("OutputType")?.ToLowerInvariant() switch
        {
            "exe" => OutputKind.ConsoleApplication,
            "winexe" => OutputKind.WindowsApplication,
            _ => OutputKind.DynamicallyLinkedLibrary,
        };

        unit.PreprocessorSymbols.AddRange(new[] { "DEBUG", "TRACE" });
        var framework = settings.Property("TargetFramework") ?? settings.Property("TargetFrameworks")?.Split(';')[0];
        var match = framework is null ? Match.Empty : Regex.Match(framework, @"^net(\d+)\.(\d+)$");
        if (match.Success && int.TryParse(match.Groups[1].Value, out var major) && major >= 5)
        {
            unit.PreprocessorSymbols.AddRange(new[] { "NET", "NETCOREAPP", $"NET{major}_{match.Groups[2].Value}" });
            for (var v = 5; v <= major; v++)
                unit.PreprocessorSymbols.Add($"NET{v}_0_OR_GREATER");
            unit.PreprocessorSymbols.AddRange(new[] { "NETCOREAPP1_0_OR_GREATER", "NETCOREAPP2_0_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER" });
        }

        unit.UncarriedPackages.AddRange(settings.PackageReferences.Where(p => !References.IsCarried(p)));
        unit.UnfollowedProjects.AddRange(settings.ProjectReferences);
    }

    /// <summary>Project paths listed by a .sln (text) or .slnx (XML) solution file.</summary>
    public static List<string>? SolutionProjects(string solutionPath, string text, out string? error)
    {
        error = null;
        var directory = Path.GetDirectoryName(solutionPath)!;
        var paths = new List<string>();
        if (solutionPath.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase))
        {
            XDocument document;
            try
            {
                document = XDocument.Parse(text);
            }
            catch (XmlException e)
            {
                error = "is not a valid .slnx solution (XML): " + e.Message;
                return null;
            }

            paths.AddRange(document.Descendants().Where(e => e.Name.LocalName == "Project").Select(e => e.Attribute("Path")?.Value).OfType<string>());
        }
        else
        {
            if (!text.Contains("Microsoft Visual Studio Solution File", StringComparison.Ordinal))
            {
                error = "is not a Visual Studio solution file (no 'Microsoft Visual Studio Solution File' header)";
                return null;
            }

            foreach (Match match in Regex.Matches(text, @"^Project\(""\{[^}]*\}""\)\s*=\s*""[^""]*""\s*,\s*""([^""]+)""", RegexOptions.Multiline))
                paths.Add(match.Groups[1].Value);
        }

        return paths
            .Where(p => p.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetFullPath(Path.Combine(directory, p.Replace('\\', Path.DirectorySeparatorChar))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static XDocument? Load(string path, out string? error)
    {
        error = null;
        var source = SourceReader.TryRead(path, out error);
        if (source is null)
            return null;
        try
        {
            return XDocument.Parse(source.Text);
        }
        catch (XmlException e)
        {
            error = "is not valid MSBuild XML: " + e.Message;
            return null;
        }
    }

    private static IEnumerable<string> DirectoryBuildProps(string projectDirectory)
    {
        // MSBuild imports the nearest Directory.Build.props; that one may import the next one up (GetPathOfFileAbove).
        var chain = new List<string>();
        for (var directory = new DirectoryInfo(projectDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Directory.Build.props");
            if (!File.Exists(candidate))
                continue;
            chain.Add(candidate);
            string text;
            try
            {
                text = File.ReadAllText(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                break;
            }

            if (!text.Contains("Directory.Build.props", StringComparison.OrdinalIgnoreCase))
                break;
        }

        chain.Reverse();
        return chain;
    }

    private static void Apply(XDocument document, ProjectSettings settings)
    {
        var root = document.Root;
        if (root is null)
            return;
        foreach (var group in root.Elements().Where(e => e.Name.LocalName == "PropertyGroup" && e.Attribute("Condition") is null))
        {
            foreach (var property in group.Elements().Where(e => e.Attribute("Condition") is null))
            {
                var value = property.Value.Trim();
                if (!value.Contains("$(", StringComparison.Ordinal))
                    settings.Properties[property.Name.LocalName] = value;
            }
        }

        foreach (var group in root.Elements().Where(e => e.Name.LocalName == "ItemGroup" && e.Attribute("Condition") is null))
        {
            foreach (var item in group.Elements().Where(e => e.Attribute("Condition") is null))
            {
                var include = item.Attribute("Include")?.Value;
                var remove = item.Attribute("Remove")?.Value;
                switch (item.Name.LocalName)
                {
                    case "Compile":
                        if (include is not null)
                            settings.CompileIncludes.AddRange(SplitItems(include));
                        if (remove is not null)
                            settings.CompileRemoves.AddRange(SplitItems(remove));
                        break;
                    case "Using":
                        if (include is not null)
                        {
                            var alias = item.Attribute("Alias")?.Value ?? item.Element(item.Name.Namespace + "Alias")?.Value;
                            var isStatic = string.Equals(item.Attribute("Static")?.Value ?? item.Element(item.Name.Namespace + "Static")?.Value, "true", StringComparison.OrdinalIgnoreCase);
                            settings.Usings.AddRange(SplitItems(include).Select(u => (u, alias, isStatic)));
                        }

                        if (remove is not null)
                            settings.UsingRemoves.AddRange(SplitItems(remove));
                        break;
                    case "PackageReference":
                        if (include is not null)
                            settings.PackageReferences.AddRange(SplitItems(include));
                        break;
                    case "ProjectReference":
                        if (include is not null)
                            settings.ProjectReferences.AddRange(SplitItems(include).Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/'))));
                        break;
                }
            }
        }
    }

    private static IEnumerable<string> SplitItems(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(v => !v.Contains("$(", StringComparison.Ordinal) && !v.Contains("@(", StringComparison.Ordinal));

    /// <summary>**/*.cs under a project folder: not in bin/, obj/, hidden folders, or folders of nested projects.</summary>
    private static IEnumerable<string> EnumerateProjectFiles(string directory, string projectDirectory)
    {
        IEnumerable<string> files;
        IEnumerable<string> subdirectories;
        try
        {
            if (!string.Equals(directory, projectDirectory, StringComparison.Ordinal) && Directory.EnumerateFiles(directory, "*.csproj").Any())
                yield break; // a nested project owns its folder
            files = Directory.EnumerateFiles(directory, "*.cs").OrderBy(f => f, StringComparer.Ordinal).ToList();
            subdirectories = Directory.EnumerateDirectories(directory).OrderBy(d => d, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var file in files)
            yield return file;
        foreach (var subdirectory in subdirectories)
        {
            var name = Path.GetFileName(subdirectory);
            if (name.StartsWith('.') || SkippedFolders.Contains(name) || new DirectoryInfo(subdirectory).LinkTarget is not null)
                continue;
            foreach (var file in EnumerateProjectFiles(subdirectory, projectDirectory))
                yield return file;
        }
    }

    private static IEnumerable<string> Expand(string projectDirectory, string pattern)
    {
        pattern = pattern.Replace('\\', '/');
        if (!pattern.Contains('*') && !pattern.Contains('?'))
        {
            var path = Path.GetFullPath(Path.Combine(projectDirectory, pattern));
            return File.Exists(path) || new FileInfo(path).LinkTarget is not null ? new[] { path } : Array.Empty<string>();
        }

        var segments = pattern.Split('/');
        var fixedSegments = segments.TakeWhile(s => !s.Contains('*') && !s.Contains('?')).ToArray();
        var baseDirectory = Path.GetFullPath(Path.Combine(projectDirectory, string.Join("/", fixedSegments)));
        if (!Directory.Exists(baseDirectory))
            return Array.Empty<string>();
        var regex = GlobRegex(projectDirectory, pattern);
        try
        {
            return Directory.EnumerateFiles(baseDirectory, "*", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(SkippedFolders.Contains) && regex.IsMatch(Normalize(f)))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    /// <summary>An MSBuild glob (relative to the project folder) as a regex on full paths with '/' separators.</summary>
    private static Regex GlobRegex(string projectDirectory, string pattern)
    {
        pattern = pattern.Replace('\\', '/');
        var full = Normalize(Path.IsPathRooted(pattern) ? pattern : Path.Combine(projectDirectory, pattern));
        // Resolve "." and ".." in the fixed part only.
        var firstWildcard = full.IndexOfAny(new[] { '*', '?' });
        if (firstWildcard < 0)
        {
            full = Normalize(Path.GetFullPath(full));
        }
        else
        {
            var cut = full.LastIndexOf('/', firstWildcard);
            full = Normalize(Path.GetFullPath(full.Substring(0, cut + 1))).TrimEnd('/') + "/" + full.Substring(cut + 1);
        }

        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < full.Length; i++)
        {
            var c = full[i];
            if (c == '*' && i + 1 < full.Length && full[i + 1] == '*')
            {
                var slash = i + 2 < full.Length && full[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None);
    }
}
