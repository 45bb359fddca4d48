using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace NetTricks.Package.Tests;

/// <summary>.editorconfig severities (per ID and per category), the package's preset, and rule options.</summary>
[Collection(PackageCollection.Name)]
public sealed class ConfigurationTests : IDisposable
{
    private readonly PackageFixture fixture;

    public ConfigurationTests(PackageFixture fixture) => this.fixture = fixture;

    public void Dispose()
    {
        fixture.WriteEditorConfig(fixture.SampleEditorConfig);
        File.WriteAllText(fixture.ConsumerProjectFile, fixture.OriginalProjectText);
    }

    [Fact]
    public void Per_id_severities_error_none_suggestion_and_warning_are_honoured()
    {
        fixture.WriteEditorConfigLines(
            "dotnet_diagnostic.NT1003.severity = error",
            "dotnet_diagnostic.NT1001.severity = none",
            "dotnet_diagnostic.NT1002.severity = suggestion",
            "dotnet_diagnostic.NT5001.severity = warning");
        var build = fixture.Build();
        Assert.True(build.ExitCode != 0, "NT1003 as error must fail the build. " + build.Describe());
        Assert.DoesNotContain("AD0001", build.Output);
        var severities = BuildDiagnostics.SeverityById(BuildDiagnostics.Parse(build.Output));
        Assert.Equal("error", severities["NT1003"]);
        Assert.False(severities.ContainsKey("NT1001"), build.Describe());
        Assert.False(severities.ContainsKey("NT1002"), "suggestion (Info) is not printed by dotnet build. " + build.Describe());
        Assert.Equal("warning", severities["NT5001"]);
        Assert.Equal("warning", severities["NT1004"]);
        Assert.False(severities.ContainsKey("NT4001"), build.Describe());
    }

    [Fact]
    public void Per_category_severities_are_honoured_and_per_id_entries_win()
    {
        fixture.WriteEditorConfigLines(
            "dotnet_analyzer_diagnostic.category-NetTricks.Output.severity = none",
            "dotnet_analyzer_diagnostic.category-NetTricks.Optimization.severity = error",
            "dotnet_analyzer_diagnostic.category-NetTricks.Gradients.severity = warning",
            "dotnet_diagnostic.NT3001.severity = warning");
        var build = fixture.Build();
        Assert.True(build.ExitCode != 0, build.Describe());
        var severities = BuildDiagnostics.SeverityById(BuildDiagnostics.Parse(build.Output));
        Assert.DoesNotContain(severities.Keys, id => id.StartsWith("NT100", StringComparison.Ordinal));
        Assert.Equal("error", severities["NT3002"]);
        Assert.Equal("warning", severities["NT3001"]);
        Assert.Equal("warning", severities["NT4001"]);
        Assert.Equal("warning", severities["NT4002"]);
        Assert.False(severities.ContainsKey("NT5001"), build.Describe());
    }

    [Fact]
    public void Preset_property_raises_every_advice_rule_to_a_warning()
    {
        fixture.WriteEditorConfig("root = true\n");
        File.WriteAllText(fixture.ConsumerProjectFile, fixture.OriginalProjectText.Replace(
            "</OutputType>",
            "</OutputType>\n    <NetTricksAllAdviceAsWarnings>true</NetTricksAllAdviceAsWarnings>",
            StringComparison.Ordinal));
        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        var diagnostics = BuildDiagnostics.Parse(build.Output);
        var severities = BuildDiagnostics.SeverityById(diagnostics);
        foreach (var id in new[] { "NT4001", "NT4002", "NT5001", "NT1001", "NT1003", "NT3002" })
        {
            Assert.True(severities.TryGetValue(id, out var severity) && severity == "warning", $"{id}: {build.Describe()}");
        }
        Assert.All(diagnostics, d => Assert.Equal(BuildDiagnostics.HelpLink(d.Id), d.HelpLink));
    }

    [Fact]
    public void Editorconfig_wins_over_the_preset()
    {
        fixture.WriteEditorConfigLines("dotnet_diagnostic.NT5001.severity = none");
        File.WriteAllText(fixture.ConsumerProjectFile, fixture.OriginalProjectText.Replace(
            "</OutputType>",
            "</OutputType>\n    <NetTricksAllAdviceAsWarnings>true</NetTricksAllAdviceAsWarnings>",
            StringComparison.Ordinal));
        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        var severities = BuildDiagnostics.SeverityById(BuildDiagnostics.Parse(build.Output));
        Assert.False(severities.ContainsKey("NT5001"), build.Describe());
        Assert.Equal("warning", severities["NT4001"]);
    }

    [Fact]
    public void NT5001_min_parameters_option_is_read_from_editorconfig()
    {
        fixture.WriteEditorConfigLines(
            "dotnet_diagnostic.NT5001.severity = warning",
            "nettricks.NT5001.min_parameters = 1000000");
        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        var severities = BuildDiagnostics.SeverityById(BuildDiagnostics.Parse(build.Output));
        Assert.False(severities.ContainsKey("NT5001"), "136k parameters is below 1000000. " + build.Describe());
        Assert.True(severities.ContainsKey("NT1003"), build.Describe());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    public void NT5001_invalid_min_parameters_falls_back_to_the_default_without_a_crash(string value)
    {
        fixture.WriteEditorConfigLines(
            "dotnet_diagnostic.NT5001.severity = warning",
            "nettricks.NT5001.min_parameters = " + value);
        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.DoesNotContain("AD0001", build.Output);
        var diagnostics = BuildDiagnostics.Parse(build.Output);
        Assert.Contains(diagnostics, d => d.Id == "NT5001" && d.Severity == "warning" && d.Message.Contains("136,193", StringComparison.Ordinal));
    }
}
