using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace NetTricks.Cli.Tests;

/// <summary>The result of one run of the tool.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    private static readonly Regex FindingLine = new(@"^(?<path>.+?)(\[cell (?<cell>\d+)\])?\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning|info) (?<id>NT\d{4}): (?<message>.*)$", RegexOptions.Multiline);

    /// <summary>Compiler-style finding lines of standard output.</summary>
    public IReadOnlyList<(string Path, int? Cell, int Line, int Column, string Severity, string Id)> Findings =>
        FindingLine.Matches(Stdout.Replace("\r\n", "\n", StringComparison.Ordinal)).Select(m => (
            m.Groups["path"].Value,
            m.Groups["cell"].Success ? int.Parse(m.Groups["cell"].Value) : (int?)null,
            int.Parse(m.Groups["line"].Value),
            int.Parse(m.Groups["column"].Value),
            m.Groups["severity"].Value,
            m.Groups["id"].Value)).ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built tool (nettricks.dll) as a process, the way a user or CI would.</summary>
public static class Cli
{
    public static string ToolPath { get; } =
        typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetTricksCliPath").Value!;

    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static CliResult Run(string workingDirectory, params string[] arguments) => RunWith(workingDirectory, null, arguments);

    public static CliResult RunWith(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("nettricks did not finish in 3 minutes: " + string.Join(" ", arguments));
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh temporary folder, deleted at the end of the test.</summary>
    public static TempFolder Temp() => new();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "samples", "FlawedTraining")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
                return directory.FullName;
        }

        // With an artifacts path outside the repository, fall back to the source location of this project.
        var source = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));
        return Directory.Exists(Path.Combine(source, "samples", "FlawedTraining")) ? source : throw new InvalidOperationException("repository root not found");
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}

public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nettricks-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return full;
    }

    public string Copy(string source, string? relative = null)
    {
        var target = System.IO.Path.Combine(Path, relative ?? System.IO.Path.GetFileName(source));
        if (Directory.Exists(source))
        {
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var rel = System.IO.Path.GetRelativePath(source, file);
                if (rel.Split(System.IO.Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
                    continue;
                var destination = System.IO.Path.Combine(target, rel);
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
                System.IO.File.Copy(file, destination);
            }
        }
        else
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            System.IO.File.Copy(source, target);
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>TorchSharp code with known mistakes, for tests that need a small flawed input.</summary>
public static class Snippets
{
    public const string Flawed = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public static class Training
        {
            public static void Train(Tensor x, Tensor y)
            {
                var model = Sequential(("fc1", Linear(20, 64)), ("relu", ReLU()), ("fc2", Linear(64, 10)), ("softmax", Softmax(1)));
                var optimizer = torch.optim.SGD(model.parameters(), 0.01, momentum: 0.9);
                var criterion = CrossEntropyLoss();
                for (int epoch = 0; epoch < 10; epoch++)
                {
                    using var scope = torch.NewDisposeScope();
                    var output = model.forward(x);
                    var loss = criterion.forward(output, y);
                    loss.backward();
                    optimizer.step();
                }
            }
        }

        """;

    public const string Clean = """
        using System;

        public static class Greeting
        {
            public static void Main() => Console.WriteLine("hello");
        }

        """;
}
