using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// One generated file, kept in parts so the same code can be laid out one file per class (usings on top, a file-scoped
/// namespace) or all in one file (block namespaces with their usings inside, so differing usings never collide).
/// </summary>
internal sealed record SourceFile(string Path, string Namespace, string Usings, string Body)
{
    public string Text => $"{Usings}\nnamespace {Namespace};\n\n{Body}";

    public static string Joined(IEnumerable<SourceFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files)
            text.Append($"namespace {file.Namespace}\n{{\n{file.Usings}\n{file.Body}}}\n\n");
        return text.ToString();
    }

    public static int Lines(string text) => text.Count(c => c == '\n') + 1;
}
