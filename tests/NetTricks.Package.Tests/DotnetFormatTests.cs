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
    public void Dotnet_format_applies_the_NT1003_and_NT3002_fixes_from_the_package_across_files_and_the_result_builds_clean_of_them()
    {
        var copy = fixture.CopyConsumer("format-" + Guid.NewGuid().ToString("N")[..8]);
        var project = Path.Combine(copy, PackageFixture.ConsumerProjectName + ".csproj");
        var before = Hashes(copy);

        // One run on the whole project. NT1003 is reported at the loss calls: in Experiments.cs, whose softmax is in
        // Models.cs (TeacherClassifier.forward), and in FixableFlaws.cs, whose softmax is in the same file.
        var format = ProcessRunner.Dotnet(copy, "format", "analyzers", project,
            "--diagnostics", "NT1003", "NT3002", "--severity", "info", "--no-restore", "-v", "n");
        Assert.True(format.ExitCode == 0, format.Describe());
        Assert.DoesNotContain("Unable to fix", format.Output, StringComparison.Ordinal);

        var after = Hashes(copy);
        var changed = before.Keys.Where(f => before[f] != after[f]).OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "Experiments.cs", "FixableFlaws.cs", "Models.cs" }, changed);
        Assert.DoesNotContain("Softmax(1)", File.ReadAllText(Path.Combine(copy, "FixableFlaws.cs")), StringComparison.Ordinal);
        var models = File.ReadAllText(Path.Combine(copy, "Models.cs"));
        Assert.DoesNotContain("x.softmax(1)", models, StringComparison.Ordinal);
        // The NT1004 softmax (SpiralClassifier's head, same file) is another rule's, not asked for: untouched.
        Assert.Contains("(\"softmax\", Softmax(1))", models, StringComparison.Ordinal);

        var build = fixture.Build(copy);
        Assert.True(build.ExitCode == 0, build.Describe());
        var diagnostics = BuildDiagnostics.Parse(build.Output);
        Assert.DoesNotContain(diagnostics, d => d.Id == "NT3002");
        Assert.DoesNotContain(diagnostics, d => d.Id == "NT1003");
        // The rules not asked for are untouched.
        Assert.Contains(diagnostics, d => d.Id == "NT1002");
        Assert.Contains(diagnostics, d => d.Id == "NT1004");
        Assert.Contains(diagnostics, d => d.Id == "NT3001");
    }

    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.GetFiles(directory, "*.cs").ToDictionary(
            f => Path.GetFileName(f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
