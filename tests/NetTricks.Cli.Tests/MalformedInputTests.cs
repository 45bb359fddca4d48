using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Xunit;

namespace NetTricks.Cli.Tests;

/// <summary>Bad inputs: a clear message per file, the rest of the scan goes on, nothing is modified, exit code 2.</summary>
public class MalformedInputTests
{
    private static string Hash(string folder) =>
        string.Join("\n", Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).OrderBy(p => p)
            .Select(p => p + " " + (new FileInfo(p).LinkTarget is { } target ? "-> " + target : File.Exists(p) ? System.Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "-")));

    [Fact]
    public void A_folder_with_broken_files_reports_each_and_still_checks_the_good_ones()
    {
        using var temp = Cli.Temp();
        temp.File(Path.Combine("scan", "Training.cs"), Snippets.Flawed);
        temp.File(Path.Combine("scan", "invalid.ipynb"), "{ \"cells\": [ { \"cell_type\": \"code\", \"source\": [\"var x = 1;\"] , ] ");
        temp.File(Path.Combine("scan", "notes.ipynb"), "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# only prose\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 2}");
        File.WriteAllBytes(Path.Combine(temp.Path, "scan", "Binary.cs"), new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xFF });
        temp.File(Path.Combine("scan", "python.ipynb"), """
            {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch\n"]}],
             "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
            """);
        File.CreateSymbolicLink(Path.Combine(temp.Path, "scan", "Missing.cs"), Path.Combine(temp.Path, "does-not-exist.cs"));
        Directory.CreateDirectory(Path.Combine(temp.Path, "scan", "Folder.cs")); // a directory named like a file
        temp.File(Path.Combine("scan", "bin", "Ignored.cs"), "this is not C# at all {{{");
        temp.File(Path.Combine("scan", ".ipynb_checkpoints", "Ignored.ipynb"), "not json");
        var before = Hash(temp.Path);

        var result = Cli.Run(temp.Path, "check", "scan");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.Findings, f => f.Path.EndsWith("Training.cs") && f.Id == "NT1003");
        Assert.Contains(result.Findings, f => f.Path.EndsWith("Training.cs") && f.Id == "NT3002");
        Assert.Matches(@"invalid\.ipynb: error: is not valid JSON", result.Stderr);
        Assert.Matches(@"Binary\.cs: error: is a binary file", result.Stderr);
        Assert.Matches(@"Missing\.cs: error: is a broken symbolic link", result.Stderr);
        Assert.Matches(@"python\.ipynb: note: skipped 1 non-C# code cell \(python: cell 1\)", result.Stderr);
        Assert.Matches(@"notes\.ipynb: note: has no C# code to check", result.Stderr);
        Assert.DoesNotContain("Ignored", result.Stdout + result.Stderr);
        Assert.DoesNotContain("internal error", result.Stderr);
        Assert.Equal(before, Hash(temp.Path));
    }

    [Fact]
    public void A_syntax_error_is_reported_with_its_position_and_the_file_is_still_analysed()
    {
        using var temp = Cli.Temp();
        temp.File("Broken.cs", Snippets.Flawed.Replace("var criterion = CrossEntropyLoss();", "var criterion = CrossEntropyLoss()"));
        temp.File("Clean.cs", Snippets.Clean);

        var result = Cli.Run(temp.Path, "check", "Broken.cs", "Clean.cs");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Matches(@"Broken\.cs\(11,\d+\): error: could not be parsed: CS1002: ; expected", result.Stderr);
        Assert.Contains(result.Findings, f => f.Id == "NT3002");
    }

    [Fact]
    public void A_notebook_cell_with_a_syntax_error_is_located_in_its_cell()
    {
        using var temp = Cli.Temp();
        var notebook = File.ReadAllText(Cli.TestData("training.ipynb")).Replace("var y = torch.randint(0, 10, new long[] { 256 });", "var y = torch.randint(0, 10, new long[] { 256 };");
        temp.File("broken.ipynb", notebook);

        var result = Cli.Run(temp.Path, "check", "broken.ipynb");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Matches(@"broken\.ipynb\[cell 5\]\(3,\d+\): error: could not be parsed", result.Stderr);
    }

    [Fact]
    public void Unreadable_and_missing_paths_give_exit_code_2_and_the_other_inputs_are_checked()
    {
        using var temp = Cli.Temp();
        temp.File("Training.cs", Snippets.Flawed);
        File.CreateSymbolicLink(Path.Combine(temp.Path, "Dangling.ipynb"), Path.Combine(temp.Path, "gone.ipynb"));
        File.CreateSymbolicLink(Path.Combine(temp.Path, "Loop.cs"), Path.Combine(temp.Path, "Loop.cs"));
        temp.File("notes.txt", "hello");

        var result = Cli.Run(temp.Path, "check", "Training.cs", "Dangling.ipynb", "Loop.cs", "nowhere.cs", "notes.txt");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.Findings, f => f.Id == "NT3002");
        Assert.Matches(@"Dangling\.ipynb: error: is a broken symbolic link", result.Stderr);
        Assert.Matches(@"Loop\.cs: error: ", result.Stderr);
        Assert.Matches(@"nowhere\.cs: error: does not exist", result.Stderr);
        Assert.Matches(@"notes\.txt: error: is not a supported input", result.Stderr);
        Assert.DoesNotContain("internal error", result.Stderr);
    }

    [Fact]
    public void Fix_never_touches_a_file_that_does_not_parse()
    {
        using var temp = Cli.Temp();
        var broken = Snippets.Flawed.Replace("var criterion = CrossEntropyLoss();", "var criterion = CrossEntropyLoss()");
        var path = temp.File("Broken.cs", broken);

        var result = Cli.Run(temp.Path, "fix", "Broken.cs");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("could not be parsed", result.Stderr);
        Assert.Equal(broken, File.ReadAllText(path));
    }

    [Fact]
    public void Unknown_types_are_reported_once_per_input_not_per_line()
    {
        using var temp = Cli.Temp();
        temp.File("Training.cs", Snippets.Flawed.Replace("public static class Training", """
            public static class Plots
            {
                public static void Show(Tensor t) { ScottPlot.Plot p = new(); p.Add.Signal(t.data<float>().ToArray()); var q = new ScottPlot.Plot(); Unknown.Helper.Run(); }
            }

            public static class Training
            """));

        var result = Cli.Run(temp.Path, "check", "Training.cs");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.Findings, f => f.Id == "NT3002");
        var unknownLines = result.Stderr.Split('\n').Where(l => l.Contains("unknown here", System.StringComparison.Ordinal)).ToList();
        Assert.Single(unknownLines);
        Assert.Contains("'ScottPlot'", unknownLines[0]);
    }
}
