using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>Real code to check the model's walks against: the repository's C# and the rule tests' sources.</summary>
public static class RepositoryCode
{
    /// <summary>Every C# file of samples, src and tests (build output aside), then the sources of the rule tests.</summary>
    public static List<string> SourcesWithRuleTestSources()
    {
        var root = RobustnessTests.RepositoryRoot();
        return new[] { "samples", "src", "tests" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)
            .Concat(TestSourceExtractor.RuleTestFiles(root).SelectMany(file => TestSourceExtractor.Extract(root, file)).SelectMany(c => c.Sources))
            .ToList();
    }

    /// <summary>Random prefixes of every fourth source, as code looks while it is typed (seeded).</summary>
    public static List<string> PrefixesOf(IReadOnlyList<string> sources)
    {
        var random = new Random(20261127);
        return sources.Where((_, i) => i % 4 == 0).Select(s => s.Substring(0, random.Next(s.Length))).ToList();
    }

    /// <summary><c>f(f(...f(0)...))</c>, that many calls deep.</summary>
    public static string NestedCalls(int depth)
    {
        var expression = new StringBuilder();
        for (var i = 0; i < depth; i++)
            expression.Append("f(");
        expression.Append('0');
        expression.Append(')', depth);
        return expression.ToString();
    }

    /// <summary>Runs the action on a thread with that stack size: a walk that recursed per level would overflow it.</summary>
    public static void RunOnThread(ThreadStart action, int stackSize)
    {
        var thread = new Thread(action, stackSize);
        thread.Start();
        thread.Join();
    }
}
