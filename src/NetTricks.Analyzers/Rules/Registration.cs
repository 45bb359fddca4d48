using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// The one way NetTricks analyzers register: nothing at all unless the compilation references TorchSharp (or, for
/// the data rules, ML.NET). Rules about calls name the calls they look at: one action per syntax tree visits only
/// the calls of those names (from the syntax index) and binds only them, instead of a callback per invocation of
/// the program for every rule. Per-file actions report while typing, with squiggles and fixes, as operation actions do.
/// </summary>
internal static class Registration
{
    /// <summary>Loop statements (<see cref="ILoopOperation"/>): for, foreach, while, do.</summary>
    public static void OnLoops(AnalysisContext context, Action<RuleContext, TrainingCodeModel> handler) =>
        OnCalls(context, TrainingCodeModel.TryGet, _ => new[] { TreeIndex.Loop }, (c, m) =>
        {
            if (c.Operation is ILoopOperation)
                handler(c, m);
        });

    /// <summary>
    /// Compound <c>+=</c> assignments; those whose syntax fails <paramref name="mayApply"/> are left out before binding.
    /// </summary>
    public static void OnAddAssignments(AnalysisContext context, Action<RuleContext, TrainingCodeModel> handler, Func<SyntaxNode, bool>? mayApply = null) =>
        OnCalls(context, TrainingCodeModel.TryGet, _ => new[] { TreeIndex.AddAssignment }, (c, m) =>
        {
            if (c.Operation is ICompoundAssignmentOperation)
                handler(c, m);
        }, nodeFilter: mayApply is null ? null : (_, node) => mayApply(node));

    /// <summary>The return statements (and expression bodies) of methods with that name, outside their lambdas and local functions.</summary>
    public static void OnReturnsInMethodsNamed(AnalysisContext context, string methodName, Action<RuleContext, TrainingCodeModel> handler) =>
        OnCalls(context, TrainingCodeModel.TryGet, _ => new[] { TreeIndex.MethodPrefix + methodName }, (c, m) =>
        {
            foreach (var ret in TrainingCodeModel.ReturnsOf(c.Operation))
                handler(new RuleContext(ret, c.Reporter), m);
        });

    /// <summary>
    /// Classes and record classes of TorchSharp compilations declared with a base type (modules and autograd functions
    /// are; a class without a base list is not looked at), each once: at its first declaration (partial types span
    /// several), when the tree holding it is analyzed.
    /// </summary>
    public static void OnDerivedClasses(AnalysisContext context, Action<TypeContext, TrainingCodeModel> handler) =>
        PerTree(context, TrainingCodeModel.TryGet, _ => (reporter, model) =>
        {
            foreach (var (node, type) in model.DerivedClassesFirstDeclaredIn(reporter.SemanticModel, reporter.CancellationToken))
            {
                if (reporter.FilterSpan is { } span && !span.IntersectsWith(node.Span))
                    continue;
                handler(new TypeContext(type, reporter), model);
            }
        });

    /// <summary>
    /// Invocations whose method has one of these simple names, in TorchSharp compilations; those whose syntax fails
    /// <paramref name="mayApply"/> are left out before binding.
    /// </summary>
    public static void OnInvocations(AnalysisContext context, IEnumerable<string> names, Action<RuleContext, TrainingCodeModel, IInvocationOperation> handler, Func<SyntaxNode, bool>? mayApply = null) =>
        OnInvocations(context, _ => names, handler, mayApply);

    /// <summary>
    /// Calls that may be losses: the functional losses by name, and <c>forward</c> / <c>call</c> with at least the
    /// input and target arguments every loss module's forward takes (a model's forward usually takes one, and most
    /// forward calls of a program are the model's and its layers': those are not bound for the loss rules).
    /// </summary>
    public static void OnLossCalls(AnalysisContext context, Action<RuleContext, TrainingCodeModel, IInvocationOperation> handler) =>
        OnInvocations(context, TorchVocabulary.LossCallNames, handler, static node =>
            node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: < 2 } invocation || !TorchVocabulary.IsForwardName(CodeIndex.SimpleName(invocation.Expression) ?? ""));

    /// <summary>Invocations whose simple name is in a set that depends on the referenced TorchSharp (its optimizer factories, ...).</summary>
    public static void OnInvocations(AnalysisContext context, Func<TrainingCodeModel, IEnumerable<string>> names, Action<RuleContext, TrainingCodeModel, IInvocationOperation> handler, Func<SyntaxNode, bool>? mayApply = null) =>
        OnCalls(context, TrainingCodeModel.TryGet, names, (c, m) =>
        {
            if (c.Operation is IInvocationOperation invocation)
                handler(c, m, invocation);
        }, nodeFilter: mayApply is null ? null : (_, node) => mayApply(node));

    /// <summary>
    /// Invocations of these names in compilations that reference TorchSharp or ML.NET (<c>Microsoft.ML.MLContext</c>):
    /// the data rules cover both libraries. In an ML.NET-only compilation the model has no TorchSharp symbols
    /// (<see cref="TrainingCodeModel.HasTorchSharp"/> is false), and <see cref="TrainingCodeModel.MlNet"/> is null
    /// when ML.NET is not referenced.
    /// </summary>
    public static void OnTorchSharpOrMlNetInvocations(AnalysisContext context, IEnumerable<string> names, Action<RuleContext, TrainingCodeModel, IInvocationOperation> handler) =>
        OnCalls(context, TrainingCodeModel.TryGetForTorchSharpOrMlNet, _ => names, (c, m) =>
        {
            if (c.Operation is IInvocationOperation invocation)
                handler(c, m, invocation);
        });

    /// <summary>
    /// Invocations and object creations (<c>new T(...)</c> by the type's simple name, and every target-typed
    /// <c>new(...)</c>) of these names; the handler gets the <see cref="IInvocationOperation"/> or <see cref="IObjectCreationOperation"/>.
    /// </summary>
    public static void OnCallsAndCreations(AnalysisContext context, IEnumerable<string> names, Action<RuleContext, TrainingCodeModel> handler)
    {
        var typeNames = new HashSet<string>(names, StringComparer.Ordinal);
        OnCalls(context, TrainingCodeModel.TryGet, _ => names.Append(TreeIndex.ImplicitCreation), (c, m) =>
        {
            if (c.Operation is IInvocationOperation or IObjectCreationOperation)
                handler(c, m);
        }, nodeFilter: (key, node) => key != TreeIndex.ImplicitCreation || MayCreateOneOf(node, typeNames));
    }

    /// <summary>
    /// False when a target-typed <c>new(...)</c> initializes a variable, field or property whose declared type is
    /// written as a name outside <paramref name="typeNames"/>: most of them (<c>List&lt;T&gt; items = new();</c>) then
    /// need no binding. Names are compared as written, as the index files <c>new T(...)</c> by the name written.
    /// </summary>
    private static bool MayCreateOneOf(SyntaxNode creation, HashSet<string> typeNames)
    {
        var declaredType = creation.Parent is EqualsValueClauseSyntax { Parent: var owner } ? owner switch
        {
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } => declaration.Type,
            PropertyDeclarationSyntax property => property.Type,
            _ => null,
        } : null;
        if (declaredType is NullableTypeSyntax nullable)
            declaredType = nullable.ElementType;
        return declaredType is null || declaredType.IsVar || CodeIndex.SimpleName(declaredType) is not { } name || typeNames.Contains(name);
    }

    /// <summary>Simple assignments to a member or variable whose simple name satisfies the predicate (<c>fc.weight = ...</c>).</summary>
    public static void OnAssignmentsTo(AnalysisContext context, Func<string, bool> assignedName, Action<RuleContext, TrainingCodeModel> handler) =>
        OnCalls(context, TrainingCodeModel.TryGet, _ => null, (c, m) =>
        {
            if (c.Operation is ISimpleAssignmentOperation)
                handler(c, m);
        }, key => key.StartsWith(TreeIndex.AssignmentPrefix, StringComparison.Ordinal) && assignedName(key.Substring(TreeIndex.AssignmentPrefix.Length)));

    /// <summary>
    /// Once per syntax tree of a TorchSharp or ML.NET compilation: for findings computed once for the whole
    /// compilation.
    /// </summary>
    public static void OnTrees(AnalysisContext context, Action<TreeReporter, TrainingCodeModel> handler) =>
        PerTree(context, TrainingCodeModel.TryGetForTorchSharpOrMlNet, _ => handler);

    /// <summary>
    /// The one registration under all others: nothing without a model for the compilation (or when
    /// <paramref name="actionFor"/> gives null), else one semantic-model action per syntax tree that first lets the
    /// model reuse the driver's semantic model of that tree. Actions report through the <see cref="TreeReporter"/>
    /// they are given, which keeps diagnostics out of <c>[GeneratedCode]</c> code (see <see cref="GeneratedCode"/>).
    /// </summary>
    private static void PerTree(AnalysisContext context, Func<Compilation, TrainingCodeModel?> modelFor, Func<TrainingCodeModel, Action<TreeReporter, TrainingCodeModel>?> actionFor)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (modelFor(start.Compilation) is not { } model || actionFor(model) is not { } action)
                return;
            start.RegisterSemanticModelAction(treeContext =>
            {
                model.Remember(treeContext.SemanticModel);
                action(new TreeReporter(treeContext), model);
            });
        });
    }

    /// <summary>
    /// The nodes filed under these keys, grouped by tree, from the compilation-wide index: within a tree, key by key
    /// and in tree order.
    /// </summary>
    private static Dictionary<SyntaxTree, ImmutableArray<SyntaxNode>> NodesByTree(CodeIndex index, IEnumerable<string> keys, Func<string, SyntaxNode, bool>? nodeFilter)
    {
        var byTree = new Dictionary<SyntaxTree, ImmutableArray<SyntaxNode>>();
        foreach (var key in keys)
        {
            foreach (var (tree, treeNodes) in index.CallsNamedByTree(key))
            {
                // A tree's own array serves as it is unless a filter drops some of it or another key's nodes join it.
                var nodes = nodeFilter is null ? treeNodes : treeNodes.RemoveAll(node => !nodeFilter(key, node));
                if (nodes.IsEmpty)
                    continue;
                byTree[tree] = byTree.TryGetValue(tree, out var earlier) ? earlier.AddRange(nodes) : nodes;
            }
        }

        return byTree;
    }

    /// <summary>
    /// The index entries of a tree the handler looks at: the given names, or (when <paramref name="namesFor"/> gives
    /// null) every key the predicate accepts.
    /// </summary>
    private static void OnCalls(AnalysisContext context, Func<Compilation, TrainingCodeModel?> modelFor, Func<TrainingCodeModel, IEnumerable<string>?> namesFor, Action<RuleContext, TrainingCodeModel> handler, Func<string, bool>? keyFilter = null, Func<string, SyntaxNode, bool>? nodeFilter = null) =>
        PerTree(context, modelFor, model =>
        {
            var names = namesFor(model)?.Distinct(StringComparer.Ordinal).ToArray();
            if (names is { Length: 0 })
                return null;
            // The rule's nodes are taken from the compilation-wide index (built anyway) once, on the first tree, and
            // grouped by tree: each tree's action then makes one look-up, not one per name (most names a rule knows
            // occur nowhere in a given compilation), and a key filter is applied once to that index's keys, not to
            // every tree's. Per compilation, so a name the user just typed counts in the next one.
            Dictionary<SyntaxTree, ImmutableArray<SyntaxNode>>? nodesByTree = null;
            return (reporter, model) =>
            {
                // Threads of a concurrent analysis may both group (a few look-ups in the merged index); published whole.
                var byTree = System.Threading.Volatile.Read(ref nodesByTree);
                if (byTree is null)
                    System.Threading.Volatile.Write(ref nodesByTree, byTree = NodesByTree(model.Index, names ?? model.Index.Names.Where(keyFilter!), nodeFilter));
                if (!byTree.TryGetValue(reporter.SemanticModel.SyntaxTree, out var nodes))
                    return;
                foreach (var node in nodes)
                {
                    // The IDE may ask for one span of the document only.
                    if (reporter.FilterSpan is { } span && !span.IntersectsWith(node.Span))
                        continue;
                    reporter.CancellationToken.ThrowIfCancellationRequested();
                    if (model.GetOperation(node, reporter.CancellationToken) is { } operation)
                        handler(new RuleContext(operation, reporter), model);
                }
            };
        });
}
