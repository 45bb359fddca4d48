using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>The descriptors, the rule pages, the README table and release tracking never drift apart.</summary>
public class CatalogueTests
{
    private static readonly string AssetDirectory = Path.Combine(AppContext.BaseDirectory, "TestAssets");

    public static IEnumerable<object[]> RuleIds => Descriptors.All.Select(d => new object[] { d.Id });

    private static IReadOnlyList<DiagnosticAnalyzer> Analyzers { get; } = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToList();

    private static IReadOnlyList<CodeFixProvider> CodeFixes { get; } = typeof(NetTricks.CodeFixes.RemoveFinalActivationCodeFix).Assembly.GetTypes()
        .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToList();

    [Fact]
    public void Every_descriptor_is_reported_by_exactly_one_sealed_analyzer()
    {
        foreach (var analyzer in Analyzers)
            Assert.True(analyzer.GetType().IsSealed, $"{analyzer.GetType().Name} should be sealed");
        foreach (var descriptor in Descriptors.All)
            Assert.Single(Analyzers, a => a.SupportedDiagnostics.Any(d => d.Id == descriptor.Id));
        var supported = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.Equal(Descriptors.All.Select(d => d.Id).OrderBy(i => i), supported.OrderBy(i => i));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Descriptor_has_an_absolute_help_link_to_its_rule_page(string id)
    {
        var descriptor = Descriptors.All.Single(d => d.Id == id);
        Assert.Equal($"{Descriptors.HelpLinkBase}{id}.md", descriptor.HelpLinkUri);
        Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out var uri) && uri.Scheme == "https");
        Assert.StartsWith("NetTricks.", descriptor.Category, StringComparison.Ordinal);
        Assert.True(descriptor.IsEnabledByDefault);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_page_exists_with_every_section(string id)
    {
        var path = Path.Combine(AssetDirectory, "rules", id + ".md");
        Assert.True(File.Exists(path), $"docs/rules/{id}.md is missing");
        var text = File.ReadAllText(path);
        var descriptor = Descriptors.All.Single(d => d.Id == id);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text, StringComparison.Ordinal);
        var position = 0;
        foreach (var section in new[] { "## Cause", "## Why", "## How to fix", "## When to suppress", "## Examples", "## Configuration" })
        {
            var index = text.IndexOf(section, position, StringComparison.Ordinal);
            Assert.True(index >= 0, $"docs/rules/{id}.md lacks '{section}' (or has it out of order)");
            position = index;
        }

        Assert.Contains($"dotnet_diagnostic.{id}.severity", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_rules_table_matches_the_descriptors()
    {
        var readme = File.ReadAllText(Path.Combine(AssetDirectory, "README.md")).Replace("\r\n", "\n");
        const string begin = "<!-- rules:begin -->\n";
        const string end = "<!-- rules:end -->";
        var start = readme.IndexOf(begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md needs the rules table between <!-- rules:begin --> and <!-- rules:end -->");
        var actual = readme.Substring(start + begin.Length, stop - start - begin.Length);
        var expected = ExpectedReadmeTable();
        Assert.True(expected == actual, "README rules table is out of date. Replace it with:\n" + expected);
    }

    [Fact]
    public void Release_tracking_lists_every_rule_with_its_category_and_severity()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "NetTricks.Analyzers", "AnalyzerReleases.Unshipped.md");
        var rows = File.ReadAllLines(path).Where(l => l.StartsWith("NT", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToDictionary(c => c[0]);
        foreach (var descriptor in Descriptors.All)
        {
            Assert.True(rows.TryGetValue(descriptor.Id, out var row), $"{descriptor.Id} missing from AnalyzerReleases.Unshipped.md");
            Assert.Equal(descriptor.Category, row[1]);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
        }

        Assert.Equal(Descriptors.All.Length, rows.Count);
    }

    /// <summary>The README table as the descriptors and code fixes define it.</summary>
    public static string ExpectedReadmeTable()
    {
        var fixable = CodeFixes.SelectMany(f => f.FixableDiagnosticIds).ToHashSet();
        var table = new StringBuilder();
        table.Append("| ID | Title | Severity | Category | Code fix |\n");
        table.Append("|----|-------|----------|----------|----------|\n");
        foreach (var d in Descriptors.All.OrderBy(d => d.Id, StringComparer.Ordinal))
            table.Append($"| [{d.Id}](docs/rules/{d.Id}.md) | {d.Title} | {d.DefaultSeverity} | {d.Category} | {(fixable.Contains(d.Id) ? "Yes" : "No")} |\n");
        return table.ToString();
    }
}
