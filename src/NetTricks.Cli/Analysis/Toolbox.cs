using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetTricks.Cli.Analysis;

/// <summary>The analyzers and code fixes of the NetTricks package, found by reflection over its two assemblies.</summary>
internal static class Toolbox
{
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> LazyAnalyzers = new(() =>
        Instantiate<DiagnosticAnalyzer>(typeof(NetTricks.Analyzers.Descriptors).Assembly, t =>
            t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp))));

    private static readonly Lazy<ImmutableArray<CodeFixProvider>> LazyFixers = new(() =>
        Instantiate<CodeFixProvider>(typeof(NetTricks.CodeFixes.InsertZeroGradCodeFix).Assembly, t =>
            t.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp))));

    private static readonly Lazy<ImmutableDictionary<string, DiagnosticDescriptor>> LazyDescriptors = new(() =>
        NetTricks.Analyzers.Descriptors.All
            .Concat(Analyzers.SelectMany(a => a.SupportedDiagnostics))
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => LazyAnalyzers.Value;

    public static ImmutableArray<CodeFixProvider> Fixers => LazyFixers.Value;

    /// <summary>Every rule, by ID.</summary>
    public static ImmutableDictionary<string, DiagnosticDescriptor> Descriptors => LazyDescriptors.Value;

    /// <summary>The catalogue in its documented order (Descriptors.All first).</summary>
    public static IReadOnlyList<DiagnosticDescriptor> Catalogue =>
        NetTricks.Analyzers.Descriptors.All.Concat(Descriptors.Values.Where(d => !NetTricks.Analyzers.Descriptors.All.Any(a => a.Id == d.Id)).OrderBy(d => d.Id, StringComparer.Ordinal)).ToList();

    public static bool IsRule(string id) => Descriptors.ContainsKey(id);

    public static IEnumerable<CodeFixProvider> FixersFor(string id) => Fixers.Where(f => f.FixableDiagnosticIds.Contains(id));

    public static bool HasFix(string id) => FixersFor(id).Any();

    /// <summary>A SARIF-friendly rule name: the analyzer's type name ("SoftmaxBeforeCrossEntropy").</summary>
    public static string RuleName(string id)
    {
        var analyzer = Analyzers.FirstOrDefault(a => a.SupportedDiagnostics.Any(d => d.Id == id));
        var name = analyzer?.GetType().Name ?? id;
        return name.EndsWith("Analyzer", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Analyzer".Length) : name;
    }

    private static ImmutableArray<T> Instantiate<T>(Assembly assembly, Func<Type, bool> exported)
        where T : class =>
        assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null && exported(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!)
            .ToImmutableArray();
}
