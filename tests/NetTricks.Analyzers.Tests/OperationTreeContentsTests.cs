using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// The one walk per operation tree that the model's loop contents, method events, returns and reaching definitions
/// read (Model/OperationTrees.cs): it must find exactly what separate walks of <c>DescendantsAndSelf()</c> find, in
/// their order, for the whole body and for each loop body and local function, and keep its own stack.
/// </summary>
public class OperationTreeContentsTests
{
    private static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net80.References.All
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .Concat(TestReferences.MlNet.Select(a => MetadataReference.CreateFromFile(a.Location)))
        .ToArray();

    [Fact]
    public void The_contents_are_what_a_walk_of_every_operation_finds_in_the_samples_and_the_rule_tests_sources()
    {
        var sources = RepositoryCode.SourcesWithRuleTestSources();
        Assert.True(sources.Count > 300, $"{sources.Count} sources");
        var prefixes = RepositoryCode.PrefixesOf(sources); // code as it is typed

        int bodies = 0, subtrees = 0, kept = 0, writes = 0;
        foreach (var source in sources.Concat(prefixes))
        {
            var tree = CSharpSyntaxTree.ParseText(source);
            var semanticModel = CSharpCompilation.Create("contents", new[] { tree }, References).GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax))
            {
                if (semanticModel.GetOperation(declaration) is not { Parent: null } body)
                    continue;
                bodies++;
                var contents = OperationTreeContents.Of(body);
                kept += AssertSameAsWalk(contents, body);
                foreach (var subtree in body.Descendants().Where(o => o is ILocalFunctionOperation).Concat(body.Descendants().OfType<ILoopOperation>().Select(l => l.Body)))
                {
                    subtrees++;
                    AssertSameAsWalk(contents, subtree);
                }

                var expectedWrites = WritesByWalk(body);
                Assert.Equal(expectedWrites.Keys.OrderBy(Display), contents.Writes.Keys.OrderBy(Display));
                foreach (var pair in expectedWrites)
                {
                    Assert.Equal(pair.Value.Select(w => (w.Syntax, w.Value)), contents.Writes[pair.Key].Select(w => (w.Syntax, w.Value)));
                    writes += pair.Value.Count;
                }
            }
        }

        // The comparison covered real code, not a handful of operations.
        Assert.True(bodies > 2_000 && subtrees > 500 && kept > 20_000 && writes > 5_000, $"{bodies} bodies, {subtrees} loop bodies and local functions, {kept} operations kept, {writes} writes");
    }

    [Fact]
    public void A_subtree_that_is_neither_a_loop_body_nor_a_local_function_is_walked()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { int f(int x) => x; void M() { if (f(1) > 0) { f(2); f(3); } f(4); } }");
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Last();
        var body = CSharpCompilation.Create("contents", new[] { tree }, References).GetSemanticModel(tree).GetOperation(method)!;
        var condition = body.Descendants().OfType<IConditionalOperation>().Single();

        Assert.Equal(new[] { "f(1)", "f(2)", "f(3)" }, OperationTreeContents.Of(body).Kept(condition).Select(o => o.Syntax.ToString()));
        Assert.Equal(new[] { "f(1)", "f(2)", "f(3)", "f(4)" }, body.InvocationsUnder().Select(o => o.Syntax.ToString()));
    }

    [Fact]
    public void Code_nested_beyond_a_recursive_walks_reach_is_walked()
    {
        // 1,500 nested calls are some 4,500 levels of operations: a walk that recursed per level would need more stack
        // than the small one below holds.
        const int depth = 1_500;
        var expression = RepositoryCode.NestedCalls(depth);
        IOperation? body = null;
        RepositoryCode.RunOnThread(() =>
        {
            var tree = CSharpSyntaxTree.ParseText($"class C {{ int f(int x) => x; int M() {{ var y = {expression}; return y; }} }}");
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Last();
            body = CSharpCompilation.Create("contents", new[] { tree }, References).GetSemanticModel(tree).GetOperation(method);
        }, 64 * 1024 * 1024);

        OperationTreeContents? contents = null;
        RepositoryCode.RunOnThread(() => contents = OperationTreeContents.Of(body!), 256 * 1024); // a stack overflow here ends the test run

        Assert.Equal(depth, contents!.OfKind<IInvocationOperation>(body!, OperationKind.Invocation).Count());
        Assert.Single(contents.OfKind<IReturnOperation>(body!, OperationKind.Return));
        Assert.Single(contents.Writes);
    }

    /// <summary>Compares the contents of a subtree with a filter of its <c>DescendantsAndSelf()</c>; returns how many there are.</summary>
    private static int AssertSameAsWalk(OperationTreeContents contents, IOperation subtree)
    {
        var expected = subtree.DescendantsAndSelf().Where(IsLookedFor).ToList();
        var actual = contents.Kept(subtree).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.Same(expected[i], actual[i]);
        return actual.Count;
    }

    // Written by type, where the contents switch on the kind.
    private static bool IsLookedFor(IOperation operation) => operation switch
    {
        IInvocationOperation or IReturnOperation { Kind: OperationKind.Return } or IBranchOperation or ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation
            or IVariableDeclaratorOperation or ISimpleAssignmentOperation or ICompoundAssignmentOperation or ICoalesceAssignmentOperation => true,
        ILocalReferenceOperation local => local.IsDeclaration,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        _ => false,
    };

    /// <summary>The writes of every variable by a walk of the body's descendants, in source order.</summary>
    private static Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>> WritesByWalk(IOperation body)
    {
        var writes = new Dictionary<ISymbol, List<(SyntaxNode Syntax, IOperation? Value)>>(SymbolEqualityComparer.Default);
        void Add(ISymbol? variable, SyntaxNode syntax, IOperation? value)
        {
            if (variable is null)
                return;
            if (!writes.TryGetValue(variable, out var list))
                writes[variable] = list = new List<(SyntaxNode Syntax, IOperation? Value)>();
            list.Add((syntax, value));
        }

        foreach (var operation in body.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                    Add(declarator.Symbol, declarator.Syntax, initializer.Value);
                    break;
                case IVariableDeclaratorOperation declarator when declarator.Parent?.Parent is IForEachLoopOperation || declarator.Syntax is SingleVariableDesignationSyntax:
                    Add(declarator.Symbol, declarator.Syntax, null);
                    break;
                case ISimpleAssignmentOperation assignment:
                    Add(TrainingCodeModel.ReferencedSymbol(assignment.Target), assignment.Syntax, assignment.Value);
                    break;
                case ICompoundAssignmentOperation compound:
                    Add(TrainingCodeModel.ReferencedSymbol(compound.Target), compound.Syntax, null);
                    break;
                case ILocalReferenceOperation { IsDeclaration: true } local:
                    Add(local.Local, local.Syntax, null);
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    Add(TrainingCodeModel.ReferencedSymbol(argument.Value), argument.Syntax, null);
                    break;
            }
        }

        foreach (var list in writes.Values)
            list.Sort(static (a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return writes;
    }

    private static string Display(ISymbol symbol) => symbol.ToDisplayString() + "@" + symbol.Locations.FirstOrDefault()?.SourceSpan.Start;
}
