using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace NetTricks.Cli.Output;

/// <summary>
/// Renders the rule pages (CommonMark subset: headings, paragraphs, lists, tables, fenced code, emphasis, inline code,
/// links) for a terminal: wrapped to its width, styled with ANSI only when it is a terminal.
/// </summary>
internal static class MarkdownRenderer
{
    private static readonly Regex Link = new(@"\[([^\]]+)\]\(([^)\s]+)\)", RegexOptions.CultureInvariant);
    private static readonly Regex Bold = new(@"\*\*([^*]+)\*\*", RegexOptions.CultureInvariant);
    private static readonly Regex Italic = new(@"(?<![\w*])[*_]([^*_\s][^*_]*)[*_](?![\w*])", RegexOptions.CultureInvariant);
    private static readonly Regex Code = new(@"`([^`]+)`", RegexOptions.CultureInvariant);

    public static void Render(string markdown, TextWriter output, Ansi ansi, int width)
    {
        width = Math.Clamp(width, 40, 120);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var paragraph = new List<string>();
        void Flush()
        {
            if (paragraph.Count == 0)
                return;
            foreach (var line in Wrap(Inline(string.Join(" ", paragraph.Select(p => p.Trim())), ansi), width, ""))
                output.WriteLine(line);
            output.WriteLine();
            paragraph.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
                    output.WriteLine("    " + ansi.Cyan(lines[i]));
                output.WriteLine();
                continue;
            }

            if (Regex.Match(line, @"^(#{1,6})\s+(.*)$") is { Success: true } heading)
            {
                Flush();
                var text = Inline(heading.Groups[2].Value.Trim(), ansi.Enabled ? ansi : new Ansi(false));
                if (heading.Groups[1].Value.Length == 1)
                {
                    output.WriteLine(ansi.Bold(text));
                    if (!ansi.Enabled)
                        output.WriteLine(new string('=', Math.Min(width, VisibleLength(text))));
                    output.WriteLine();
                }
                else
                {
                    output.WriteLine(ansi.Bold(ansi.Underline(text)));
                    if (!ansi.Enabled)
                        output.WriteLine(new string('-', Math.Min(width, VisibleLength(text))));
                    output.WriteLine();
                }

                continue;
            }

            if (line.TrimStart().StartsWith('|'))
            {
                Flush();
                var rows = new List<string[]>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++)
                {
                    var cells = lines[i].Trim().Trim('|').Split('|').Select(c => Inline(c.Trim(), ansi)).ToArray();
                    if (cells.All(c => Regex.IsMatch(c, @"^:?-+:?$")))
                        continue;
                    rows.Add(cells);
                }

                i--;
                var columns = rows.Max(r => r.Length);
                var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Length ? VisibleLength(r[c]) : 0)).ToArray();
                for (var r = 0; r < rows.Count; r++)
                {
                    var cells = Enumerable.Range(0, columns).Select(c => c < rows[r].Length ? rows[r][c] : "").ToArray();
                    var text = "  " + string.Join("  ", cells.Select((c, k) => c + new string(' ', widths[k] - VisibleLength(c)))).TrimEnd();
                    output.WriteLine(r == 0 ? ansi.Bold(text) : text);
                }

                output.WriteLine();
                continue;
            }

            if (Regex.Match(line, @"^(\s*)([-*+]|\d+\.)\s+(.*)$") is { Success: true } item)
            {
                Flush();
                var indent = new string(' ', item.Groups[1].Value.Length);
                var bullet = item.Groups[2].Value is "-" or "*" or "+" ? "•" : item.Groups[2].Value;
                var text = new StringBuilder(item.Groups[3].Value);
                // Continuation lines of the item.
                while (i + 1 < lines.Length && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0]) &&
                       !Regex.IsMatch(lines[i + 1], @"^\s*([-*+]|\d+\.)\s+"))
                    text.Append(' ').Append(lines[++i].Trim());
                var wrapped = Wrap(Inline(text.ToString(), ansi), width - indent.Length - bullet.Length - 3, "");
                for (var w = 0; w < wrapped.Count; w++)
                    output.WriteLine(indent + "  " + (w == 0 ? bullet + " " : new string(' ', bullet.Length + 1)) + wrapped[w]);
                if (i + 1 >= lines.Length || lines[i + 1].Trim().Length == 0)
                    output.WriteLine();
                continue;
            }

            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            paragraph.Add(line);
        }

        Flush();
    }

    private static string Inline(string text, Ansi ansi)
    {
        // Inline code first, protected from the other rules.
        var codes = new List<string>();
        text = Code.Replace(text, m =>
        {
            codes.Add(m.Groups[1].Value);
            return "\u0001" + (codes.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\u0002";
        });
        text = Link.Replace(text, m => m.Groups[1].Value == m.Groups[2].Value ? m.Groups[2].Value : $"{m.Groups[1].Value} ({m.Groups[2].Value})");
        text = Bold.Replace(text, m => ansi.Bold(m.Groups[1].Value));
        text = Italic.Replace(text, m => ansi.Enabled ? $"\u001b[3m{m.Groups[1].Value}\u001b[0m" : m.Groups[1].Value);
        text = Regex.Replace(text, "\u0001(\\d+)\u0002", m =>
        {
            var code = codes[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)];
            return ansi.Enabled ? ansi.Cyan(code) : "`" + code + "`";
        });
        return text;
    }

    private static int VisibleLength(string text) => Regex.Replace(text, "\u001b\\[[0-9;]*m", "").Length;

    private static List<string> Wrap(string text, int width, string indent)
    {
        var result = new List<string>();
        var current = new StringBuilder(indent);
        var visible = indent.Length;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var length = VisibleLength(word);
            if (visible > indent.Length && visible + 1 + length > width)
            {
                result.Add(current.ToString());
                current.Clear().Append(indent);
                visible = indent.Length;
            }

            if (visible > indent.Length)
            {
                current.Append(' ');
                visible++;
            }

            current.Append(word);
            visible += length;
        }

        if (visible > indent.Length || result.Count == 0)
            result.Add(current.ToString());
        return result;
    }
}
