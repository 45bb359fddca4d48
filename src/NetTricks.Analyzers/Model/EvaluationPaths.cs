using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    private static readonly Regex EvaluationName = new("(eval|valid|test|predict|infer|accuracy|score|metric)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// An evaluation path: a model call under no_grad, or in a method that never runs backward() (not even through
    /// the helpers it calls) and computes metrics or predictions by name (Evaluate, Validate, Test, Predict,
    /// Accuracy...). Module forward bodies are never evaluation paths.
    /// </summary>
    public bool IsOnEvaluationPath(IInvocationOperation modelCall, CancellationToken cancellationToken) =>
        _evaluationPaths.GetOrAdd(modelCall.Syntax, _ => ComputeIsOnEvaluationPath(modelCall, cancellationToken));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, bool> _evaluationPaths = new();

    private bool ComputeIsOnEvaluationPath(IInvocationOperation modelCall, CancellationToken cancellationToken)
    {
        if (!MayBeOnEvaluationPath(modelCall.Syntax) || EnclosingMethod(modelCall, cancellationToken) is not { } method || IsModuleForward(method) || !IsSourceMethod(method))
            return false;

        // Under no_grad nothing is trained: inline validation inside a training method counts too.
        if (IsUnderNoGrad(modelCall, cancellationToken))
            return true;
        if (EventsOf(method, cancellationToken).Any(e => e.Kind == StepEventKind.Backward))
            return false;
        return EvaluationName.IsMatch(method.Name);
    }

    private StrongBox<ImmutableArray<IInvocationOperation>>? _evaluationCalls;

    /// <summary>Every model call on an evaluation path in the compilation, bound once on first need.</summary>
    public ImmutableArray<IInvocationOperation> EvaluationCalls(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _evaluationCalls) is { } cached)
            return cached.Value;
        var builder = ImmutableArray.CreateBuilder<IInvocationOperation>();
        foreach (var node in Index.CallsNamed("forward").AddRange(Index.CallsNamed("call")))
        {
            // Most forward calls are layer calls inside a module's forward, never an evaluation path: skip them before binding.
            if (node.FirstAncestorOrSelf<MethodDeclarationSyntax>()?.Identifier.ValueText == "forward" || !MayBeOnEvaluationPath(node))
                continue;
            if (GetOperation(node, cancellationToken) is IInvocationOperation call && Classify(call) == StepEventKind.ModelCall && IsOnEvaluationPath(call, cancellationToken))
                builder.Add(call);
        }

        Interlocked.CompareExchange(ref _evaluationCalls, new StrongBox<ImmutableArray<IInvocationOperation>>(builder.ToImmutable()), null);
        return _evaluationCalls!.Value;
    }

    private StrongBox<(ImmutableHashSet<string> TypeNames, ImmutableHashSet<ISymbol> Roots)>? _evaluatedModels;

    /// <summary>
    /// What evaluation paths run, computed once: the user module types evaluated, and the variables (locals, fields,
    /// parameters and the variables those parameters receive) that hold evaluated models.
    /// </summary>
    public (ImmutableHashSet<string> TypeNames, ImmutableHashSet<ISymbol> Roots) EvaluatedModels(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _evaluatedModels) is { } cached)
            return cached.Value;
        var names = ImmutableHashSet.CreateBuilder<string>();
        var roots = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var call in EvaluationCalls(cancellationToken))
        {
            var receiver = ReceiverOf(call)!;
            if (receiver.Type is INamedTypeSymbol type && IsUserModuleType(type))
                names.Add(type.Name);
            else if (ResolveModule(receiver, new Trace(cancellationToken)) is { IsKnown: true } module && module.Name != "?")
                names.Add(module.Name);
            roots.UnionWith(RootSymbols(receiver, cancellationToken));
        }

        Interlocked.CompareExchange(ref _evaluatedModels, new StrongBox<(ImmutableHashSet<string>, ImmutableHashSet<ISymbol>)>((names.ToImmutable(), roots.ToImmutable())), null);
        return _evaluatedModels!.Value;
    }

    /// <summary>The locals and fields a module value comes from, following parameters to their call sites (a few hops).</summary>
    public ImmutableHashSet<ISymbol> RootSymbols(IOperation value, CancellationToken cancellationToken, int depth = 0)
    {
        var symbol = ReferencedSymbol(value);
        if (symbol is null)
            return ImmutableHashSet<ISymbol>.Empty;
        var roots = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default, symbol);
        if (symbol is not IParameterSymbol || depth >= 3)
            return roots;
        foreach (var definition in Definitions(value, cancellationToken))
            roots = roots.Union(RootSymbols(definition, cancellationToken, depth + 1));
        return roots;
    }

    /// <summary>True when a no_grad / inference_mode guard encloses the operation in its method, or guards every call of that method.</summary>
    public bool IsUnderNoGrad(IOperation operation, CancellationToken cancellationToken, int hops = 0)
    {
        for (var p = operation.Parent; p is not null; p = p.Parent)
        {
            if (p is IUsingOperation { Resources: var resource } && IsGradGuard(resource))
                return true;
            if (p is IBlockOperation block && block.Operations.TakeWhile(o => o.Syntax.SpanStart < operation.Syntax.SpanStart)
                    .OfType<IUsingDeclarationOperation>().Any(u => IsGradGuard(u.DeclarationGroup)))
                return true;
        }

        if (hops >= 2 || EnclosingMethod(operation, cancellationToken) is not { } method || !IsSourceMethod(method))
            return false;
        var callers = CallSites(method, cancellationToken);
        return !callers.IsEmpty && callers.All(call => IsUnderNoGrad(call, cancellationToken, hops + 1));
    }

    private static readonly string[] GradGuardNames = { "no_grad", "inference_mode", "set_grad_enabled", "enable_grad" };

    /// <summary>
    /// Syntax only, and never false for a call <see cref="IsOnEvaluationPath"/> accepts: the methods around the call
    /// are named like evaluation, or a grad guard is called in its member or (two hops at most, as
    /// <see cref="IsUnderNoGrad"/> follows) in the members of its callers. Spares binding the training code.
    /// </summary>
    private bool MayBeOnEvaluationPath(SyntaxNode call)
    {
        var names = EnclosingMethodNames(call);
        return names.Any(n => EvaluationName.IsMatch(n)) || MayBeUnderGradGuard(call, names, 0);
    }

    private bool MayBeUnderGradGuard(SyntaxNode node, ImmutableArray<string> enclosingMethods, int hops)
    {
        if (ContainsGradGuard(EnclosingMember(node)))
            return true;
        if (hops >= 2)
            return false;
        foreach (var name in enclosingMethods)
        {
            var callers = Index.CallsNamed(name);
            if (callers.Length > MaxCallSites)
                return true; // too many to look at: let the bound check decide
            if (callers.Any(caller => MayBeUnderGradGuard(caller, EnclosingMethodNames(caller), hops + 1)))
                return true;
        }

        return false;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, bool> _containsGradGuard = new();

    private bool ContainsGradGuard(SyntaxNode member) =>
        _containsGradGuard.GetOrAdd(member, m =>
        {
            var index = TreeIndex.For(m.SyntaxTree);
            return GradGuardNames.Any(name => index.CallsNamed(name).Any(call => m.Span.Contains(call.Span)));
        });

    /// <summary>The member declaration around a node; the whole file for top-level statements (a guard there covers what follows).</summary>
    private static SyntaxNode EnclosingMember(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is GlobalStatementSyntax)
                return node.SyntaxTree.GetRoot();
            if (ancestor is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or BaseFieldDeclarationSyntax)
                return ancestor;
        }

        return node.SyntaxTree.GetRoot();
    }

    /// <summary>The names of the method and local functions around a node, innermost first.</summary>
    private static ImmutableArray<string> EnclosingMethodNames(SyntaxNode node)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is LocalFunctionStatementSyntax local)
                names.Add(local.Identifier.ValueText);
            else if (ancestor is MethodDeclarationSyntax method)
                names.Add(method.Identifier.ValueText);
            else if (ancestor is ConstructorDeclarationSyntax constructor)
                names.Add(constructor.Identifier.ValueText); // constructions are indexed by the type's name
        }

        return names.ToImmutable();
    }

    private bool IsGradGuard(IOperation resource) =>
        resource.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i =>
            i.TargetMethod.Name is "no_grad" or "inference_mode" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, Symbols.Torch) ||
            i.TargetMethod.Name is "set_grad_enabled" or "enable_grad" && i.Arguments.FirstOrDefault()?.Value.ConstantValue is { HasValue: true, Value: false });
}
