using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Cli.Inputs;

namespace NetTricks.Cli.Analysis;

/// <summary>Finds and parses the .editorconfig files that apply to source files (up to one with root = true).</summary>
internal sealed class EditorConfigs
{
    private static readonly Regex RootTrue = new(@"^\s*root\s*=\s*true\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private readonly Dictionary<string, (AnalyzerConfig? Config, bool IsRoot)> _byDirectory = new(StringComparer.Ordinal);

    public List<InputProblem> Problems { get; } = new();

    /// <summary>The options of a unit's files: severities per rule (tree options) and key-value options.</summary>
    public UnitOptions For(AnalysisUnit unit)
    {
        var configs = new Dictionary<string, AnalyzerConfig>(StringComparer.Ordinal);
        foreach (var source in unit.Sources)
        {
            foreach (var (path, config) in Chain(Path.GetDirectoryName(source.FullPath)!))
                configs[path] = config;
        }

        var set = AnalyzerConfigSet.Create(configs.Values.ToList());
        return new UnitOptions(set);
    }

    private IEnumerable<(string Path, AnalyzerConfig Config)> Chain(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (!_byDirectory.TryGetValue(current.FullName, out var entry))
            {
                entry = (null, false);
                var path = Path.Combine(current.FullName, ".editorconfig");
                if (File.Exists(path))
                {
                    var source = SourceReader.TryRead(path, out var error);
                    if (source is null)
                        Problems.Add(new InputProblem(PathDisplay.Of(path), ProblemLevel.Warning, (error ?? "could not be read") + "; its settings are ignored"));
                    else
                        entry = (AnalyzerConfig.Parse(source.Text, path), RootTrue.IsMatch(source.Text.Split('[')[0]));
                }

                _byDirectory[current.FullName] = entry;
            }

            if (entry.Config is not null)
                yield return (current.FullName, entry.Config);
            if (entry.IsRoot)
                yield break;
        }
    }
}

/// <summary>Per-file analyzer options and diagnostic severities of one unit, from its .editorconfig files.</summary>
internal sealed class UnitOptions
{
    private readonly AnalyzerConfigSet _set;
    private readonly Dictionary<string, (ImmutableDictionary<string, ReportDiagnostic> Severities, ImmutableDictionary<string, string> Options)> _byPath = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public UnitOptions(AnalyzerConfigSet set)
    {
        _set = set;
        AnalyzerOptions = new ConfigOptionsProvider(this);
        TreeOptions = new TreeOptionsProvider(this);
    }

    public AnalyzerConfigOptionsProvider AnalyzerOptions { get; }

    public SyntaxTreeOptionsProvider TreeOptions { get; }

    public ImmutableDictionary<string, ReportDiagnostic> GlobalSeverities => _set.GlobalConfigOptions.TreeOptions;

    public ImmutableDictionary<string, string> GlobalOptions => _set.GlobalConfigOptions.AnalyzerOptions;

    /// <summary>
    /// Options for a path. Scripts and notebooks also get the sections written for C# files ([*.cs]), which their
    /// C# code is; sections that name the file's own extension ([*.ipynb]) win.
    /// </summary>
    public (ImmutableDictionary<string, ReportDiagnostic> Severities, ImmutableDictionary<string, string> Options) For(string path)
    {
        lock (_gate)
        {
            if (_byPath.TryGetValue(path, out var cached))
                return cached;
            var result = _set.GetOptionsForSourcePath(path);
            var severities = result.TreeOptions;
            var options = result.AnalyzerOptions;
            if (!path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            {
                var asCSharp = _set.GetOptionsForSourcePath(path + ".cs");
                severities = asCSharp.TreeOptions.SetItems(severities);
                options = asCSharp.AnalyzerOptions.SetItems(options);
            }

            cached = (severities, options);
            _byPath[path] = cached;
            return cached;
        }
    }

    /// <summary>
    /// The severity a finding gets: a rule-specific setting (dotnet_diagnostic.ID.severity), else a category setting
    /// (dotnet_analyzer_diagnostic.category-CATEGORY.severity), else dotnet_analyzer_diagnostic.severity, else the default.
    /// </summary>
    public ReportDiagnostic Effective(string path, DiagnosticDescriptor descriptor, DiagnosticSeverity reported)
    {
        var (severities, options) = For(path);
        if (severities.TryGetValue(descriptor.Id, out var specific) && specific != ReportDiagnostic.Default)
            return specific;
        if (GlobalSeverities.TryGetValue(descriptor.Id, out var global) && global != ReportDiagnostic.Default)
            return global;
        foreach (var key in new[] { $"dotnet_analyzer_diagnostic.category-{descriptor.Category}.severity", "dotnet_analyzer_diagnostic.severity" })
        {
            if ((options.TryGetValue(key, out var value) || GlobalOptions.TryGetValue(key, out value)) && Parse(value) is { } bulk)
                return bulk;
        }

        return reported switch
        {
            DiagnosticSeverity.Error => ReportDiagnostic.Error,
            DiagnosticSeverity.Warning => ReportDiagnostic.Warn,
            DiagnosticSeverity.Info => ReportDiagnostic.Info,
            _ => ReportDiagnostic.Hidden,
        };
    }

    private static ReportDiagnostic? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "error" => ReportDiagnostic.Error,
        "warning" => ReportDiagnostic.Warn,
        "suggestion" => ReportDiagnostic.Info,
        "silent" or "refactoring" => ReportDiagnostic.Hidden,
        "none" => ReportDiagnostic.Suppress,
        _ => null,
    };

    private sealed class ConfigOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly UnitOptions _owner;
        private readonly AnalyzerConfigOptions _global;

        public ConfigOptionsProvider(UnitOptions owner)
        {
            _owner = owner;
            _global = new DictionaryOptions(owner.GlobalOptions);
        }

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new DictionaryOptions(_owner.For(tree.FilePath).Options);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new DictionaryOptions(_owner.For(textFile.Path).Options);
    }

    private sealed class DictionaryOptions : AnalyzerConfigOptions
    {
        private readonly ImmutableDictionary<string, string> _options;

        public DictionaryOptions(ImmutableDictionary<string, string> options) => _options = options;

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _options.TryGetValue(key, out value);

        public override IEnumerable<string> Keys => _options.Keys;
    }

    private sealed class TreeOptionsProvider : SyntaxTreeOptionsProvider
    {
        private readonly UnitOptions _owner;

        public TreeOptionsProvider(UnitOptions owner) => _owner = owner;

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var options = _owner.For(tree.FilePath).Options;
            return options.TryGetValue("generated_code", out var value) && bool.TryParse(value, out var generated)
                ? generated ? GeneratedKind.MarkedGenerated : GeneratedKind.NotGenerated
                : GeneratedKind.Unknown;
        }

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            _owner.For(tree.FilePath).Severities.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            _owner.GlobalSeverities.TryGetValue(diagnosticId, out severity);
    }
}
