using System.IO;
using System.Linq;
using Xunit;

namespace NetTricks.Package.Tests;

/// <summary>A fresh project consuming the packages from the local feed: what `dotnet build` reports.</summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerBuildTests
{
    private readonly PackageFixture fixture;

    public ConsumerBuildTests(PackageFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Consumer_restores_both_packages_at_this_runs_version_from_its_own_packages_folder()
    {
        var assets = File.ReadAllText(Path.Combine(fixture.ConsumerDirectory, "obj", "project.assets.json"));
        Assert.Contains($"\"NetTricks.Analyzers/{fixture.Version}\"", assets);
        Assert.Contains($"\"NetTricks/{fixture.Version}\"", assets);
        Assert.True(Directory.Exists(Path.Combine(fixture.PackagesFolder, "nettricks.analyzers", fixture.Version.ToLowerInvariant())));
        Assert.True(Directory.Exists(Path.Combine(fixture.PackagesFolder, "nettricks", fixture.Version.ToLowerInvariant())));
    }

    [Fact]
    public void Build_reports_the_sample_findings_with_severities_and_help_links()
    {
        fixture.WriteEditorConfig(fixture.SampleEditorConfig);
        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.DoesNotContain("AD0001", build.Output);
        var diagnostics = BuildDiagnostics.Parse(build.Output);
        var severities = BuildDiagnostics.SeverityById(diagnostics);

        // Warnings by default, and the Info rules the sample's .editorconfig raises to warnings.
        var expected = new[] { "NT1001", "NT1002", "NT1003", "NT1004", "NT3001", "NT3002", "NT4001", "NT4002", "NT5001" };
        Assert.Equal(expected, severities.Keys.OrderBy(k => k).ToArray());
        Assert.All(severities.Values, s => Assert.Equal("warning", s));
        Assert.All(diagnostics, d => Assert.Equal(BuildDiagnostics.HelpLink(d.Id), d.HelpLink));

        // NT1003 twice: the sample's (its softmax is in Models.cs), and FixableFlaws.cs (softmax in the same file).
        Assert.Contains(diagnostics, d => d.Id == "NT1003" && d.File == "Experiments.cs");
        Assert.Contains(diagnostics, d => d.Id == "NT1003" && d.File == "FixableFlaws.cs");
        // The runtime package compiled in (RuntimeUsage.cs uses NetTricks.MiniBatch).
        Assert.True(File.Exists(Path.Combine(fixture.ConsumerDirectory, "bin", "Debug", "net10.0", "NetTricks.dll")), build.Describe());
        // The analyzers are a development dependency: no analyzer assembly is copied to the output.
        Assert.False(File.Exists(Path.Combine(fixture.ConsumerDirectory, "bin", "Debug", "net10.0", "NetTricks.Analyzers.dll")));
    }

    [Fact]
    public void Without_the_editorconfig_the_Info_rules_are_not_printed_by_dotnet_build()
    {
        fixture.WriteEditorConfig("root = true\n");
        try
        {
            var build = fixture.Build();
            Assert.True(build.ExitCode == 0, build.Describe());
            var severities = BuildDiagnostics.SeverityById(BuildDiagnostics.Parse(build.Output));
            Assert.Equal(new[] { "NT1001", "NT1002", "NT1003", "NT1004", "NT3001", "NT3002" }, severities.Keys.OrderBy(k => k).ToArray());
            Assert.All(severities.Values, s => Assert.Equal("warning", s));
        }
        finally
        {
            fixture.WriteEditorConfig(fixture.SampleEditorConfig);
        }
    }
}
