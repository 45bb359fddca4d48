using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace NetTricks.Analyzers.Tests.Corpus;

/// <summary>
/// A large, varied corpus of real training code: the flawed and fixed TorchSharp samples and the ML.NET sample,
/// copied round after round into their own namespaces (models, losses, loops and helpers split across classes and
/// files exactly as in the samples), until it reaches the requested size.
/// </summary>
public static class SampleCorpus
{
    private static readonly string[] Samples = { "FlawedTraining", "FixedTraining", "FlawedPatterns", "FlawedMlNet" };

    public static List<(string Path, string Text)> Generate(string repositoryRoot, int minimumLines)
    {
        var sources = Samples
            .SelectMany(sample => Directory.GetFiles(Path.Combine(repositoryRoot, "samples", sample), "*.cs")
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (Sample: sample, Name: Path.GetFileNameWithoutExtension(p), Text: File.ReadAllText(p))))
            .ToList();
        var files = new List<(string, string)>();
        var lines = 0;
        for (var round = 0; lines < minimumLines; round++)
        {
            foreach (var (sample, name, text) in sources)
            {
                var copy = InNamespace(text, sample, $"{sample}_{round}", $"TopLevel_{round}_{name}");
                files.Add(($"/corpus/{round}/{sample}/{name}.cs", copy));
                lines += copy.Count(c => c == '\n') + 1;
            }
        }

        return files;
    }

    public static int LineCount(IEnumerable<(string Path, string Text)> files) => files.Sum(f => f.Text.Count(c => c == '\n') + 1);

    /// <summary>Moves a file into its round's namespace; a file of top-level statements becomes a static method.</summary>
    private static string InNamespace(string text, string sample, string newNamespace, string topLevelClass)
    {
        var renamed = Regex.Replace(text, $@"\b{Regex.Escape(sample)}\b", newNamespace);
        if (Regex.IsMatch(renamed, @"^\s*namespace\s", RegexOptions.Multiline))
            return renamed;

        // Top-level statements: keep the usings, wrap the rest.
        var lines = renamed.Replace("\r\n", "\n").Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Trim().Length == 0).ToList();
        var body = lines.Skip(usings.Count);
        var builder = new StringBuilder();
        foreach (var line in usings)
            builder.Append(line).Append('\n');
        builder.Append($"namespace {newNamespace};\n\ninternal static class {topLevelClass}\n{{\n    public static void Run()\n    {{\n");
        foreach (var line in body)
            builder.Append("        ").Append(line).Append('\n');
        builder.Append("    }\n}\n");
        return builder.ToString();
    }
}
