using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// The shared understanding of training code for one compilation: what a model's output is, which loss
/// consumes it, which loops train which model. Every rule asks it questions; nothing is re-derived per rule.
/// All facts are computed lazily, keyed by symbol or syntax node, memoised, and bounded in depth; when a fact
/// cannot be established the answer is "unknown" and Warning rules stay silent.
/// </summary>
// A primary constructor so that the caches' field initializers, spread over the partial files, can size themselves
// for the compilation (Memo.Presized).
internal sealed partial class TrainingCodeModel(Compilation compilation, TorchSymbols symbols)
{
    // One model per compilation, shared by every NetTricks analyzer (the pattern roslyn-analyzers uses for
    // its WellKnownTypeProvider). The table holds the compilation weakly, so nothing outlives it.
    private static readonly ConditionalWeakTable<Compilation, TrainingCodeModel> Models = new();

    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _semanticModels = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.25));

    public Compilation Compilation { get; } = compilation;

    public TorchSymbols Symbols { get; } = symbols;

    // The trees of the compilation, to tell its nodes from another compilation's: asked for every node bound, where
    // Compilation.ContainsSyntaxTree goes through the compiler's lazily built declaration state each time.
    private readonly HashSet<SyntaxTree> _trees = new(compilation.SyntaxTrees);

    /// <summary>Whether the tree is one of this compilation's (the same answer as <c>Compilation.ContainsSyntaxTree</c>).</summary>
    public bool ContainsTree(SyntaxTree? tree) => tree is not null && _trees.Contains(tree);

    /// <summary>A syntax-only index of call sites by name, merged from the trees' indices on first need (cross-method questions only).</summary>
    internal CodeIndex Index { get; } = new CodeIndex(compilation);

    /// <summary>Returns the model for a compilation that references TorchSharp, or null (then register nothing).</summary>
    public static TrainingCodeModel? TryGet(Compilation compilation)
    {
        if (Models.TryGetValue(compilation, out var existing))
            return existing;
        var symbols = TorchSymbols.TryCreate(compilation);
        if (symbols is null)
            return null;
        return Models.GetValue(compilation, c => new TrainingCodeModel(c, symbols));
    }

    /// <summary>Lets the model reuse the compiler's semantic model of the tree being analyzed.</summary>
    public void Remember(SemanticModel? model)
    {
        // Every analyzer calls this for every tree: a lock-free read first, since TryAdd takes a lock even when the key is there.
        if (model is not null && !_semanticModels.ContainsKey(model.SyntaxTree))
            _semanticModels.TryAdd(model.SyntaxTree, model);
    }

    /// <summary>
    /// The semantic model of any tree of the compilation. Rules follow a model defined in one file into the
    /// training loop in another, so they bind other trees' nodes. That is the one deliberate RS1030 here:
    /// only the few method bodies a question reaches are bound, and the model is cached per tree.
    /// </summary>
    public SemanticModel GetSemanticModel(SyntaxTree tree) =>
#pragma warning disable RS1030 // Cross-file facts (model in one file, loop in another) need other trees' semantic models; cached per tree, bound lazily.
        _semanticModels.GetOrCompute(tree, Compilation, static (t, compilation) => compilation.GetSemanticModel(t));
#pragma warning restore RS1030

    private readonly ConcurrentDictionary<SyntaxTree, ImmutableArray<(SyntaxNode Declaration, INamedTypeSymbol Type)>> _derivedClassesFirstDeclared = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.25));

    /// <summary>
    /// The classes and record classes that derive from another class and whose first declaration is in the tree, with that
    /// declaration: several rules look at each module or autograd function class once, and finding the classes once
    /// serves them all. A declaration without a base list (and not partial) derives from object: skipped by its syntax.
    /// </summary>
    public ImmutableArray<(SyntaxNode Declaration, INamedTypeSymbol Type)> DerivedClassesFirstDeclaredIn(SemanticModel semanticModel, CancellationToken cancellationToken) =>
        _derivedClassesFirstDeclared.GetOrCompute(semanticModel.SyntaxTree, (Model: this, CancellationToken: cancellationToken), static (tree, s) =>
        {
            var types = ImmutableArray.CreateBuilder<(SyntaxNode, INamedTypeSymbol)>();
            var firstDeclared = s.Model.TypesByFirstDeclaration(s.CancellationToken);
            foreach (var node in TreeIndex.For(tree).CallsNamed(TreeIndex.TypeDeclaration))
            {
                // Every part of a partial class says partial, and another part may hold the base list.
                if (node is not (ClassDeclarationSyntax or RecordDeclarationSyntax) || node is TypeDeclarationSyntax { BaseList: null } declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    continue;
                // A partial type spans several declarations: it belongs to the tree of its first one.
                if (firstDeclared.TryGetValue((tree, node.Span), out var type))
                    types.Add((node, type));
            }

            return types.ToImmutable();
        });

    private readonly Fact<Dictionary<(SyntaxTree Tree, TextSpan Span), INamedTypeSymbol>> _typesByFirstDeclaration = new();

    /// <summary>
    /// Every class of the compilation's own assembly that derives from another class, by the tree and span of its first
    /// declaration, read once from the declared symbols, which the compiler has built before analysis.
    /// <c>GetDeclaredSymbol</c> looked each declaration up through its containers (3 % of NetTricks' samples, round 17).
    /// </summary>
    private Dictionary<(SyntaxTree Tree, TextSpan Span), INamedTypeSymbol> TypesByFirstDeclaration(CancellationToken cancellationToken) =>
        _typesByFirstDeclaration.Get((Model: this, CancellationToken: cancellationToken), static s =>
        {
            var types = new Dictionary<(SyntaxTree, TextSpan), INamedTypeSymbol>();
            var containers = new Stack<INamespaceOrTypeSymbol>();
            containers.Push(s.Model.Compilation.Assembly.GlobalNamespace);
            while (containers.Count > 0)
            {
                s.CancellationToken.ThrowIfCancellationRequested();
                var container = containers.Pop();
                if (container is INamespaceSymbol @namespace)
                {
                    foreach (var nested in @namespace.GetNamespaceMembers())
                        containers.Push(nested);
                }

                foreach (var type in container.GetTypeMembers())
                {
                    containers.Push(type);
                    // The class rules look at modules and autograd functions: a class that derives from object is
                    // neither, nor is a struct or interface.
                    if (type.TypeKind != TypeKind.Class || type.BaseType is null or { SpecialType: SpecialType.System_Object })
                        continue;
                    var declarations = type.DeclaringSyntaxReferences;
                    if (declarations.Length > 0)
                        types[(declarations[0].SyntaxTree, declarations[0].Span)] = type;
                }
            }

            return types;
        });

    private readonly ConcurrentDictionary<SyntaxNode, IOperation?> _operations = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 10));

    /// <summary>
    /// The operation of a node, remembered: the rules ask for the same calls many times (every loss rule asks for
    /// every loss call), and the semantic model's own lookup costs a member-model search each time.
    /// </summary>
    public IOperation? GetOperation(SyntaxNode node, CancellationToken cancellationToken)
    {
        if (_operations.TryGetValue(node, out var known))
            return known;
        if (!ContainsTree(node.SyntaxTree))
            return null;
        var operation = GetSemanticModel(node.SyntaxTree).GetOperation(node, cancellationToken);
        _operations.TryAdd(node, operation);
        return operation;
    }
}
