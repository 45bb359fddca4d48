using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Xunit;

namespace NetTricks.Package.Tests;

/// <summary>
/// `dotnet format analyzers` applies the packaged code fixes (it only does so for analyzers delivered as a
/// PackageReference; with a ProjectReference on a clean tree it does nothing and exits 0).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DotnetFormatTests
{
    private readonly PackageFixture fixture;

    public DotnetFormatTests(PackageFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Dotnet_format_applies_the_NT1003_and_NT3002_fixes_from_the_package_and_the_result_builds_clean_of_them()
    {
        var copy = fixture.CopyConsumer("format-" + Guid.NewGuid().ToString("N")[..8]);
        var project = Path.Combine(copy, PackageFixture.ConsumerProjectName + ".csproj");
        var before = Hashes(copy);

        // The whole project, both rules. NT3002 (Experiments.cs) is fixed. NT1003 in Experiments.cs is reported
        // without a fix (the softmax to remove is in Models.cs), and dotnet format builds its Fix All action from
        // the first NT1003 it finds, so on the whole project it prints "didn't return a Fix All action" for NT1003.
        var format = ProcessRunner.Dotnet(copy, "format", "analyzers", project,
            "--diagnostics", "NT1003", "NT3002", "--severity", "info", "--no-restore", "-v", "n");
        Assert.True(format.ExitCode == 0, format.Describe());
        // Scoped to the file whose NT1003 is fixable, dotnet format applies the NT1003 fix.
        var formatNt1003 = ProcessRunner.Dotnet(copy, "format", "analyzers", project,
            "--diagnostics", "NT1003", "NT3002", "--severity", "info", "--no-restore", "-v", "n", "--include", "FixableFlaws.cs");
        Assert.True(formatNt1003.ExitCode == 0, formatNt1003.Describe());

        var after = Hashes(copy);
        var changed = before.Keys.Where(f => before[f] != after[f]).OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "Experiments.cs", "FixableFlaws.cs" }, changed);
        Assert.DoesNotContain("Softmax(1)", File.ReadAllText(Path.Combine(copy, "FixableFlaws.cs")), StringComparison.Ordinal);

        var build = fixture.Build(copy);
        Assert.True(build.ExitCode == 0, build.Describe());
        var diagnostics = BuildDiagnostics.Parse(build.Output);
        Assert.DoesNotContain(diagnostics, d => d.Id == "NT3002");
        Assert.DoesNotContain(diagnostics, d => d.Id == "NT1003" && d.File == "FixableFlaws.cs");
        // Still reported (no automatic fix across files), and the rules not asked for are untouched.
        Assert.Contains(diagnostics, d => d.Id == "NT1003" && d.File == "Experiments.cs");
        Assert.Contains(diagnostics, d => d.Id == "NT1002");
        Assert.Contains(diagnostics, d => d.Id == "NT3001");
    }

    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.GetFiles(directory, "*.cs").ToDictionary(
            f => Path.GetFileName(f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
