using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace NetTricks.Cli.Tests;

/// <summary>Notebooks: C# cells stitched into one script, findings mapped back to cells.</summary>
public class NotebookTests
{
    [Fact]
    public void Ipynb_findings_map_to_cells_and_lines_within_them()
    {
        var result = Cli.Run(Path.GetDirectoryName(Cli.TestData("training.ipynb"))!, "check", "training.ipynb");

        Assert.True(result.ExitCode == 1, result.ToString());
        // Cell 3 defines the model (ends in Softmax) as top-level variables; cell 5 trains it: the analysis follows them.
        Assert.Contains(("training.ipynb", (int?)5, 9, 16, "warning", "NT1003"), result.Findings);
        Assert.Contains(("training.ipynb", (int?)5, 10, 5, "warning", "NT3002"), result.Findings);
        Assert.All(result.Findings, f => Assert.NotNull(f.Cell));
        // The F# cell is skipped with a message; the package nettricks does not carry is reported once.
        Assert.Contains("skipped 1 non-C# code cell (fsharp: cell 4)", result.Stderr);
        Assert.Single(result.Stderr.Split('\n'), l => l.Contains("unknown here", System.StringComparison.Ordinal));
        Assert.Contains("Plotly.NET.Interactive", result.Stderr);
    }

    [Fact]
    public void Dib_findings_map_to_cells_and_lines_within_them()
    {
        var result = Cli.Run(Path.GetDirectoryName(Cli.TestData("training.dib"))!, "check", "training.dib");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.Findings, f => f is { Path: "training.dib", Cell: 5, Line: 6, Id: "NT1004" });
        Assert.Contains("skipped 1 non-C# code cell (pwsh: cell 4)", result.Stderr);
    }

    [Fact]
    public void Csx_scripts_are_checked_as_scripts()
    {
        using var temp = Cli.Temp();
        temp.File("train.csx", """
            #!/usr/bin/env dotnet-script
            #r "nuget: TorchSharp, 0.107.0"
            using TorchSharp;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            var model = Sequential(("fc", Linear(8, 3)), ("softmax", Softmax(1)));
            var optimizer = torch.optim.Adam(model.parameters());
            var criterion = CrossEntropyLoss();
            var x = torch.randn(64, 8);
            var y = torch.randint(0, 3, new long[] { 64 });
            for (int step = 0; step < 10; step++)
            {
                optimizer.zero_grad();
                var loss = criterion.forward(model.forward(x), y);
                loss.backward();
                optimizer.step();
            }
            """);

        var result = Cli.Run(temp.Path, "check", "train.csx");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.Findings, f => f is { Path: "train.csx", Cell: null, Line: 15, Id: "NT1003" });
    }

    [Fact]
    public void Json_output_has_cells_lines_and_a_summary()
    {
        var result = Cli.Run(Path.GetDirectoryName(Cli.TestData("training.ipynb"))!, "check", "training.ipynb", "training.dib", "--format", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "NT1003" && f.GetProperty("path").GetString() == "training.ipynb" &&
            f.GetProperty("cell").GetInt32() == 5 && f.GetProperty("line").GetInt32() == 9 && f.GetProperty("fixAvailable").GetBoolean());
        Assert.Equal(findings.Count, json.RootElement.GetProperty("summary").GetProperty("findings").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
        Assert.Contains(json.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("message").GetString()!.Contains("fsharp"));
    }

    [Fact]
    public void Text_output_shows_a_code_frame_the_fix_and_a_summary_by_rule()
    {
        var result = Cli.Run(Path.GetDirectoryName(Cli.TestData("training.ipynb"))!, "check", "training.ipynb", "--format", "text");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("warning NT1003: Cross-entropy receives softmax probabilities", result.Stdout);
        Assert.Contains("--> training.ipynb, cell 5, line 9, column 16", result.Stdout);
        Assert.Contains("|     var loss = criterion.forward(output, y);", result.Stdout);
        Assert.Contains("^^^^^^^^^^^^^^^^^^^^^^^^^^^^", result.Stdout);
        Assert.Contains("fix: Remove the final softmax (nettricks fix training.ipynb --rule NT1003)", result.Stdout);
        Assert.Contains("Summary: ", result.Stdout);
        Assert.Matches(@"NT1003\s+warning\s+1\s+1\s+Softmax before cross-entropy", result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout); // no colours when redirected
    }

    [Fact]
    public void Fix_rewrites_only_cell_sources_and_keeps_outputs_and_metadata()
    {
        using var temp = Cli.Temp();
        var path = temp.Copy(Cli.TestData("training.ipynb"));
        var before = JsonNode.Parse(File.ReadAllText(path))!;

        var fix = Cli.Run(temp.Path, "fix", "training.ipynb");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        Assert.Contains("cell 5, line 10: NT3002 Call zero_grad() before backward()", fix.Stdout);
        var after = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(before["metadata"]!.ToJsonString(), after["metadata"]!.ToJsonString());
        var cellsBefore = before["cells"]!.AsArray();
        var cellsAfter = after["cells"]!.AsArray();
        Assert.Equal(cellsBefore.Count, cellsAfter.Count);
        for (var i = 0; i < cellsBefore.Count; i++)
        {
            Assert.Equal(cellsBefore[i]!["metadata"]!.ToJsonString(), cellsAfter[i]!["metadata"]!.ToJsonString());
            Assert.Equal(cellsBefore[i]!["outputs"]?.ToJsonString(), cellsAfter[i]!["outputs"]?.ToJsonString());
            Assert.Equal(cellsBefore[i]!["cell_type"]!.ToJsonString(), cellsAfter[i]!["cell_type"]!.ToJsonString());
        }

        // Markdown, F# and directive lines are as they were; the fix went into the training cell, at its indentation.
        Assert.Equal(cellsBefore[0]!.ToJsonString(), cellsAfter[0]!.ToJsonString());
        Assert.Equal(cellsBefore[3]!.ToJsonString(), cellsAfter[3]!.ToJsonString());
        Assert.Equal(cellsBefore[1]!.ToJsonString(), cellsAfter[1]!.ToJsonString());
        var training = string.Concat(cellsAfter[4]!["source"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Contains("\n    optimizer.zero_grad();\n    loss.backward();\n", training);
        Assert.DoesNotContain("//nettricks", File.ReadAllText(path));

        var check = Cli.Run(temp.Path, "check", "training.ipynb");
        Assert.NotEqual(2, check.ExitCode);
        Assert.DoesNotContain(check.Findings, f => f.Id is "NT3002" or "NT1003");
    }

    [Fact]
    public void Fix_rewrites_dib_cells_in_place()
    {
        using var temp = Cli.Temp();
        var path = temp.Copy(Cli.TestData("training.dib"));
        var original = File.ReadAllText(path);

        var fix = Cli.Run(temp.Path, "fix", "training.dib", "--rule", "NT1004");

        Assert.True(fix.ExitCode == 0, fix.ToString());
        var text = File.ReadAllText(path);
        Assert.Contains("(\"softmax\", LogSoftmax(1))", text);
        Assert.Equal(original.Replace("Softmax(1)", "LogSoftmax(1)"), text);
    }
}
