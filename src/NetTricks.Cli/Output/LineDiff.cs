using System;
using System.Collections.Generic;
using System.IO;

namespace NetTricks.Cli.Output;

/// <summary>A small line diff (longest common subsequence) printed as unified-diff hunks with one line of context.</summary>
internal static class LineDiff
{
    public static void Write(TextWriter output, IReadOnlyList<string> before, IReadOnlyList<string> after, string indent, Ansi ansi)
    {
        // Trim the common prefix and suffix first: fixes touch a few lines of long files.
        var prefix = 0;
        while (prefix < before.Count && prefix < after.Count && before[prefix] == after[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < before.Count - prefix && suffix < after.Count - prefix && before[before.Count - 1 - suffix] == after[after.Count - 1 - suffix])
            suffix++;
        var n = before.Count - prefix - suffix;
        var m = after.Count - prefix - suffix;
        if ((long)n * m > 4_000_000)
        {
            output.WriteLine($"{indent}{ansi.Dim($"({n} lines replaced by {m} lines)")}");
            return;
        }

        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = before[prefix + i] == after[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }

        var edits = new List<(char Kind, string Text, int OldLine, int NewLine)>();
        if (prefix > 0)
            edits.Add((' ', before[prefix - 1], prefix, prefix));
        int a = 0, b = 0;
        while (a < n || b < m)
        {
            if (a < n && b < m && before[prefix + a] == after[prefix + b])
            {
                edits.Add((' ', before[prefix + a], prefix + a + 1, prefix + b + 1));
                a++;
                b++;
            }
            else if (a < n && (b == m || lcs[a + 1, b] >= lcs[a, b + 1]))
            {
                edits.Add(('-', before[prefix + a], prefix + a + 1, prefix + b + 1));
                a++;
            }
            else
            {
                edits.Add(('+', after[prefix + b], prefix + a + 1, prefix + b + 1));
                b++;
            }
        }

        if (suffix > 0)
            edits.Add((' ', before[before.Count - suffix], before.Count - suffix + 1, after.Count - suffix + 1));

        // Print changed lines with one line of context around each run of changes.
        var show = new bool[edits.Count];
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind == ' ')
                continue;
            for (var k = Math.Max(0, i - 1); k <= Math.Min(edits.Count - 1, i + 1); k++)
                show[k] = true;
        }

        var previousShown = true;
        for (var i = 0; i < edits.Count; i++)
        {
            if (!show[i])
            {
                previousShown = false;
                continue;
            }

            if (!previousShown || i == 0)
                output.WriteLine($"{indent}{ansi.Cyan($"@@ line {edits[i].NewLine} @@")}");
            previousShown = true;
            var (kind, text, _, _) = edits[i];
            var line = $"{indent}{kind} {text}";
            output.WriteLine(kind switch { '+' => ansi.Green(line), '-' => ansi.Red(line), _ => ansi.Dim(line) });
        }
    }
}
