using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace NetTricks.Package.Tests;

/// <summary>The .nupkg files as NuGet sees them (a .nupkg is a zip with a .nuspec at its root).</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests
{
    private readonly PackageFixture fixture;

    public PackageLayoutTests(PackageFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Analyzer_package_holds_both_dlls_under_analyzers_dotnet_cs_and_no_lib()
    {
        using var zip = ZipFile.OpenRead(fixture.AnalyzersPackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("analyzers/dotnet/cs/NetTricks.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NetTricks.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
        Assert.Contains("build/NetTricks.Analyzers.targets", entries);
        Assert.Contains("build/NetTricks.AllAdviceAsWarnings.globalconfig", entries);
    }

    [Fact]
    public void Analyzer_package_is_a_development_dependency_without_dependencies()
    {
        var metadata = Nuspec(fixture.AnalyzersPackagePath);
        Assert.Equal("NetTricks.Analyzers", Child(metadata, "id")?.Value);
        Assert.Equal(fixture.Version, Child(metadata, "version")?.Value);
        Assert.Equal("true", Child(metadata, "developmentDependency")?.Value);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency" || e.Name.LocalName == "dependencies");
    }

    [Fact]
    public void Runtime_package_depends_only_on_TorchSharp()
    {
        var metadata = Nuspec(fixture.RuntimePackagePath);
        Assert.Equal("NetTricks", Child(metadata, "id")?.Value);
        Assert.Equal(fixture.Version, Child(metadata, "version")?.Value);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string?)e.Attribute("id")).Distinct().ToList();
        Assert.Equal(new[] { "TorchSharp" }, dependencies);
        using var zip = ZipFile.OpenRead(fixture.RuntimePackagePath);
        Assert.Contains("lib/net8.0/NetTricks.dll", zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Preset_globalconfig_raises_exactly_the_Info_rules_of_the_release_tracking_files()
    {
        using var zip = ZipFile.OpenRead(fixture.AnalyzersPackagePath);
        using var reader = new StreamReader(zip.GetEntry("build/NetTricks.AllAdviceAsWarnings.globalconfig")!.Open());
        var text = reader.ReadToEnd();
        Assert.Contains("is_global = true", text);
        var raised = Regex.Matches(text, @"^dotnet_diagnostic\.(NT\d{4})\.severity\s*=\s*warning\s*$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.Equal(InfoRuleIds(), raised);
    }

    /// <summary>NT rules whose default severity is Info in AnalyzerReleases.Shipped.md / Unshipped.md.</summary>
    public static List<string> InfoRuleIds()
    {
        var dir = Path.Combine(PackageFixture.FindRepositoryRoot(), "src", "NetTricks.Analyzers");
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path))
            {
                continue;
            }
            foreach (Match m in Regex.Matches(File.ReadAllText(path), @"^(NT\d{4})\s*\|[^|]*\|\s*(\w+)\s*\|", RegexOptions.Multiline))
            {
                if (m.Groups[2].Value == "Info")
                {
                    ids.Add(m.Groups[1].Value);
                }
            }
        }
        Assert.NotEmpty(ids);
        return ids.ToList();
    }

    private static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = zip.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Child(XElement parent, string name) => parent.Elements().SingleOrDefault(e => e.Name.LocalName == name);
}
