using System.IO;
using System.Linq;
using Xunit;

namespace NetTricks.Cli.Tests;

/// <summary>.editorconfig severities and project settings (implicit usings) as a build would apply them.</summary>
public class ConfigurationTests
{
    [Fact]
    public void Editorconfig_rule_and_category_severities_are_honoured_also_in_notebooks()
    {
        using var temp = Cli.Temp();
        temp.File("Training.cs", Snippets.Flawed);
        temp.Copy(Cli.TestData("training.ipynb"));
        temp.File(".editorconfig", """
            root = true

            [*.cs]
            dotnet_diagnostic.NT1003.severity = none
            dotnet_analyzer_diagnostic.category-NetTricks.Optimization.severity = error
            """);

        var result = Cli.Run(temp.Path, "check", ".");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain(result.Findings, f => f.Id == "NT1003");
        Assert.Contains(result.Findings, f => f.Id == "NT3002" && f.Severity == "error" && f.Path == "Training.cs");
        Assert.Contains(result.Findings, f => f.Id == "NT3002" && f.Severity == "error" && f.Path == "training.ipynb");
    }

    [Fact]
    public void Implicit_usings_of_the_sdk_are_synthesised_when_the_project_enables_them()
    {
        using var temp = Cli.Temp();
        var code = Snippets.Flawed.Replace("public static class Training", """
            public static class Log
            {
                public static void Write(List<string> lines) { foreach (var l in lines.Where(x => x.Length > 0)) Console.WriteLine(l); File.WriteAllLines("log.txt", lines); }
            }

            public static class Training
            """);
        temp.File(Path.Combine("on", "Training.cs"), code);
        temp.File(Path.Combine("on", "On.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup></Project>");
        temp.File(Path.Combine("off", "Training.cs"), code);
        temp.File(Path.Combine("off", "Off.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>disable</ImplicitUsings></PropertyGroup></Project>");
        temp.File(Path.Combine("off", "obj", "Generated.cs"), "this is not C# {{{");

        var on = Cli.Run(temp.Path, "check", Path.Combine("on", "On.csproj"));
        var off = Cli.Run(temp.Path, "check", Path.Combine("off", "Off.csproj"));

        Assert.True(on.ExitCode == 1, on.ToString());
        Assert.DoesNotContain("unknown here", on.Stderr);
        Assert.True(off.ExitCode == 1, off.ToString());
        Assert.Contains("unknown here", off.Stderr);
        Assert.Contains("'List<>'", off.Stderr);
        Assert.Equal(on.Findings.Select(f => f.Id).OrderBy(i => i), off.Findings.Select(f => f.Id).OrderBy(i => i));
    }
}
