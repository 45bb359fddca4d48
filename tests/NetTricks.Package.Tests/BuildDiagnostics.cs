using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetTricks.Package.Tests;

/// <summary>One NT diagnostic line of MSBuild console output.</summary>
public sealed record BuildDiagnostic(string File, int Line, string Severity, string Id, string Message, string HelpLink);

public static class BuildDiagnostics
{
    // path(line,col): warning NT1003: message (https://...NT1003.md) [project]
    private static readonly Regex Line = new(
        @"^\s*(?<file>.+?)\((?<line>\d+),\d+\): (?<sev>warning|error) (?<id>NT\d{4}): (?<msg>.*) \((?<link>https?://[^\s)]+)\) \[[^\]]+\]\s*$",
        RegexOptions.Compiled);

    /// <summary>Distinct NT diagnostics (MSBuild repeats each one in its summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var result = new List<BuildDiagnostic>();
        foreach (var raw in output.Split('\n'))
        {
            var match = Line.Match(raw.TrimEnd('\r'));
            if (match.Success)
            {
                result.Add(new BuildDiagnostic(
                    System.IO.Path.GetFileName(match.Groups["file"].Value), int.Parse(match.Groups["line"].Value),
                    match.Groups["sev"].Value, match.Groups["id"].Value, match.Groups["msg"].Value, match.Groups["link"].Value));
            }
        }
        return result.Distinct().ToList();
    }

    /// <summary>Id → the single severity it was reported with (fails when one ID shows two severities).</summary>
    public static IReadOnlyDictionary<string, string> SeverityById(IEnumerable<BuildDiagnostic> diagnostics) =>
        diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Select(d => d.Severity).Distinct().Single());

    public static string HelpLink(string id) => $"https://github.com/nettricks/nettricks/blob/main/docs/rules/{id}.md";
}
