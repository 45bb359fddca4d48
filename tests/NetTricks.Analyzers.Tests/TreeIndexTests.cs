using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetTricks.Analyzers.Model;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// The per-file syntax index every rule starts from (Model/CodeIndex.cs): what it files under which key, in tree
/// order, and that its walk keeps its own stack, so code nested deeper than the thread's stack allows recursion for is
/// still indexed.
/// </summary>
public class TreeIndexTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        [Obsolete(nameof(Helper))]
        class Trainer
        {
            private int steps;

            void Run(int epochs = 3, string tag = nameof(Compute))
            {
                var list = new List<int>();
                list.Add(Compute(1));
                for (var i = 0; i < epochs; i++)
                {
                    steps += 1;
                    list.Add(i);
                }
                Helper.Do(() => Compute(2));
                object o = new();
                steps = list.Count;
            }

            int Compute(int x) => x;
        }

        static class Helper
        {
            public static void Do(Action action) => action();
        }
        """;

    private static TreeIndex Index(string source) => TreeIndex.For(CSharpSyntaxTree.ParseText(source));

    private static string[] Texts(TreeIndex index, string key) =>
        index.CallsNamed(key).Select(node => node.ToString()).ToArray();

    [Fact]
    public void Calls_and_creations_are_filed_by_simple_name_in_tree_order()
    {
        var index = Index(Source);

        Assert.Equal(new[] { "list.Add(Compute(1))", "list.Add(i)" }, Texts(index, "Add"));
        Assert.Equal(new[] { "Compute(1)", "Compute(2)" }, Texts(index, "Compute"));
        Assert.Equal(new[] { "Helper.Do(() => Compute(2))" }, Texts(index, "Do"));
        Assert.Equal(new[] { "action()" }, Texts(index, "action"));
        Assert.Equal(new[] { "new List<int>()" }, Texts(index, "List"));
        Assert.Equal(new[] { "new()" }, Texts(index, TreeIndex.ImplicitCreation));
    }

    [Fact]
    public void Loops_assignments_types_and_methods_have_keys_of_their_own()
    {
        var index = Index(Source);

        Assert.Single(index.CallsNamed(TreeIndex.Loop));
        Assert.Equal(new[] { "steps += 1" }, Texts(index, TreeIndex.AddAssignment));
        Assert.Equal(new[] { "steps += 1", "steps = list.Count" }, Texts(index, TreeIndex.AssignmentPrefix + "steps"));
        Assert.Equal(2, index.CallsNamed(TreeIndex.TypeDeclaration).Length);
        Assert.Single(index.CallsNamed(TreeIndex.MethodPrefix + "Run"));
        Assert.Single(index.CallsNamed(TreeIndex.MethodPrefix + "Do"));
    }

    [Fact]
    public void Attribute_and_parameter_lists_are_not_walked()
    {
        // nameof(Helper) in the attribute and nameof(Compute) in the default value are invocations by syntax.
        Assert.Empty(Index(Source).CallsNamed("nameof"));
    }

    [Fact]
    public void Code_nested_beyond_a_recursive_walks_reach_is_indexed()
    {
        // 3,000 nested calls (about as deep as the parser accepts; at 5,000 it reports CS8078 and keeps none) are
        // 9,000 levels of syntax: a walk that recursed per level would need a frame for each, more than the small
        // stack below holds. The index's walk keeps its stack of nodes on the heap.
        const int depth = 3_000;
        var expression = RepositoryCode.NestedCalls(depth);
        SyntaxTree? tree = null;
        RepositoryCode.RunOnThread(() => tree = CSharpSyntaxTree.ParseText($"class C {{ int f(int x) => x; int M() => {expression}; }}"), 16 * 1024 * 1024);
        Assert.Empty(tree!.GetDiagnostics());

        TreeIndex? index = null;
        RepositoryCode.RunOnThread(() => index = TreeIndex.For(tree), 256 * 1024); // a stack overflow here ends the test run

        Assert.Equal(depth, index!.CallsNamed("f").Length);
        Assert.Equal("f(0)", index.CallsNamed("f").Last().ToString());
        Assert.IsType<InvocationExpressionSyntax>(index.CallsNamed("f")[0]);
    }

    [Fact]
    public void The_index_files_what_a_walk_of_every_node_finds_in_the_repositorys_code_and_the_rule_tests_sources()
    {
        // The index's walk reads the common kinds through their typed properties and leaves out what can hold no key.
        // A plain walk of every node (but the lists not walked by design) must file the same nodes under the same keys
        // in the same order: on all C# of the repository (samples, the analyzers themselves, tests), on the sources
        // of the rule tests, and on prefixes of them cut as while typing.
        var sources = RepositoryCode.SourcesWithRuleTestSources();
        var prefixes = RepositoryCode.PrefixesOf(sources);
        Assert.True(sources.Count > 300, $"{sources.Count} sources");

        var nodes = 0;
        foreach (var source in sources.Concat(prefixes))
        {
            var tree = CSharpSyntaxTree.ParseText(source);
            var expected = ByKeyOfEveryNode(tree);
            var actual = TreeIndex.For(tree).ByName;
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var pair in expected)
            {
                Assert.Equal(pair.Value, actual[pair.Key].ToList());
                nodes += pair.Value.Count;
            }
        }

        Assert.True(nodes > 20_000, $"{nodes} indexed nodes"); // the comparison covered real code, not a handful of calls
    }

    [Fact]
    public async System.Threading.Tasks.Task The_compilation_index_built_by_threads_asking_at_once_equals_one_built_by_one_thread()
    {
        // Under concurrent analysis the threads that need the compilation-wide index first share the trees to index
        // and one of them merges: the result must be the index one thread builds, every key in tree order.
        var sources = RepositoryCode.SourcesWithRuleTestSources();
        SyntaxTree[] Parse() => sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, path: $"f{i}.cs")).ToArray();
        var alone = new CodeIndex(CSharpCompilation.Create("alone", Parse()));
        var shared = new CodeIndex(CSharpCompilation.Create("shared", Parse()));

        const int Threads = 4;
        using var allStarted = new System.Threading.Barrier(Threads);
        var askers = Enumerable.Range(0, Threads).Select(i => System.Threading.Tasks.Task.Factory.StartNew(() =>
        {
            allStarted.SignalAndWait();
            return shared.CallsNamed("Add").Length;
        }, System.Threading.Tasks.TaskCreationOptions.LongRunning)).ToArray();
        var counts = await System.Threading.Tasks.Task.WhenAll(askers).WaitAsync(TimeSpan.FromSeconds(60)); // a deadlock fails here

        static IEnumerable<(string, int)> Where(IEnumerable<SyntaxNode> nodes) => nodes.Select(node => (node.SyntaxTree.FilePath, node.SpanStart));
        Assert.Equal(alone.Names.OrderBy(k => k, StringComparer.Ordinal), shared.Names.OrderBy(k => k, StringComparer.Ordinal));
        var filed = 0;
        foreach (var name in alone.Names)
        {
            Assert.Equal(Where(alone.CallsNamed(name)), Where(shared.CallsNamed(name)));
            filed += alone.CallsNamed(name).Length;
        }

        Assert.All(counts, count => Assert.Equal(alone.CallsNamed("Add").Length, count));
        Assert.True(filed > 20_000, $"{filed} indexed nodes");
    }

    private static Dictionary<string, List<SyntaxNode>> ByKeyOfEveryNode(SyntaxTree tree)
    {
        var byKey = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        void Add(string? key, SyntaxNode node)
        {
            if (key is null)
                return;
            if (!byKey.TryGetValue(key, out var list))
                byKey[key] = list = new List<SyntaxNode>();
            list.Add(node);
        }

        foreach (var node in tree.GetRoot().DescendantNodes(node => !TreeIndex.IsNotWalked((SyntaxKind)node.RawKind)))
        {
            var (key, secondKey) = TreeIndex.KeysOf(node);
            Add(key, node);
            Add(secondKey, node);
        }

        return byKey;
    }
}
