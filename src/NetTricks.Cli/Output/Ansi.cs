using System;

namespace NetTricks.Cli.Output;

/// <summary>ANSI styling, only for a terminal (never when redirected, never with NO_COLOR set).</summary>
internal sealed class Ansi
{
    public Ansi(bool enabled) => Enabled = enabled;

    public bool Enabled { get; }

    public static Ansi ForStdout(bool noColor) =>
        new(!noColor && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) &&
            Environment.GetEnvironmentVariable("TERM") != "dumb");

    public string Bold(string text) => Wrap("1", text);

    public string Dim(string text) => Wrap("2", text);

    public string Red(string text) => Wrap("31", text);

    public string Yellow(string text) => Wrap("33", text);

    public string Cyan(string text) => Wrap("36", text);

    public string Green(string text) => Wrap("32", text);

    public string Underline(string text) => Wrap("4", text);

    private string Wrap(string code, string text) => Enabled && text.Length > 0 ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
