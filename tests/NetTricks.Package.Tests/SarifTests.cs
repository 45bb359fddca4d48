using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NetTricks.Package.Tests;

/// <summary>dotnet build -p:ErrorLog=file.sarif%2Cversion=2.1 on the consumer, read as JSON.</summary>
[Collection(PackageCollection.Name)]
public sealed class SarifTests
{
    private readonly PackageFixture fixture;

    public SarifTests(PackageFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Sarif_log_has_NT_results_with_levels_and_rule_metadata_with_help_uris()
    {
        // Only a root .editorconfig: Info rules keep their default severity and appear as "note".
        fixture.WriteEditorConfig("root = true\n");
        var sarifPath = Path.Combine(fixture.Root, "build-" + Guid.NewGuid().ToString("N")[..8] + ".sarif");
        try
        {
            var build = fixture.Build(null, "-p:ErrorLog=" + sarifPath + "%2Cversion=2.1");
            Assert.True(build.ExitCode == 0, build.Describe());
            Assert.True(File.Exists(sarifPath), build.Describe());

            using var document = JsonDocument.Parse(File.ReadAllText(sarifPath));
            var root = document.RootElement;
            Assert.Equal("2.1.0", root.GetProperty("version").GetString());
            var run = root.GetProperty("runs")[0];
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
            var results = run.GetProperty("results").EnumerateArray()
                .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("NT", StringComparison.Ordinal)).ToList();

            var levels = results.GroupBy(r => r.GetProperty("ruleId").GetString()!)
                .ToDictionary(g => g.Key, g => g.Select(r => r.GetProperty("level").GetString() ?? "").Distinct().Single());
            var expected = new Dictionary<string, string>
            {
                ["NT1001"] = "warning", ["NT1002"] = "warning", ["NT1003"] = "warning", ["NT1004"] = "warning",
                ["NT3001"] = "warning", ["NT3002"] = "warning",
                ["NT4001"] = "note", ["NT4002"] = "note", ["NT5001"] = "note",
            };
            Assert.Equal(expected.OrderBy(p => p.Key), levels.OrderBy(p => p.Key));

            foreach (var result in results)
            {
                var id = result.GetProperty("ruleId").GetString()!;
                Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("message").GetProperty("text").GetString()));
                var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
                Assert.EndsWith(".cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
                Assert.True(location.GetProperty("region").GetProperty("startLine").GetInt32() > 0);

                // ruleIndex points at this rule's metadata.
                var rule = rules[result.GetProperty("ruleIndex").GetInt32()];
                Assert.Equal(id, rule.GetProperty("id").GetString());
            }

            foreach (var id in expected.Keys)
            {
                var rule = rules.Single(r => r.GetProperty("id").GetString() == id);
                Assert.Equal(BuildDiagnostics.HelpLink(id), rule.GetProperty("helpUri").GetString());
                Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()), id);
                Assert.StartsWith("NetTricks.", rule.GetProperty("properties").GetProperty("category").GetString());
            }
        }
        finally
        {
            fixture.WriteEditorConfig(fixture.SampleEditorConfig);
            File.Delete(sarifPath);
        }
    }
}
