using System.Linq;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// The TorchSharp (and NetTricks runtime) types the rules need, resolved once per compilation.
/// <see cref="TryCreate"/> returns null when TorchSharp is not referenced: analyzers then register nothing.
/// </summary>
internal sealed class TorchSymbols
{
    private TorchSymbols(Compilation compilation, INamedTypeSymbol torch, INamedTypeSymbol tensor, INamedTypeSymbol module)
    {
        Torch = torch;
        Tensor = tensor;
        Module = module;
        Nn = compilation.GetTypeByMetadataName("TorchSharp.torch+nn");
        Functional = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+functional");
        NnUtils = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+utils");
        Optimizer = compilation.GetTypeByMetadataName("TorchSharp.torch+optim+Optimizer");
        LRScheduler = compilation.GetTypeByMetadataName("TorchSharp.torch+optim+lr_scheduler+LRScheduler");
        LossBase = compilation.GetTypeByMetadataName("TorchSharp.Loss`3");
        RuntimeMiniBatch = compilation.GetTypeByMetadataName("NetTricks.MiniBatch");
        RuntimeCheckedClipping = compilation.GetTypeByMetadataName("NetTricks.CheckedClipping");
        _isTensor = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.25), ReferenceComparer.Instance);
        _isModule = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 2.5), ReferenceComparer.Instance);
    }

    public INamedTypeSymbol Torch { get; }
    public INamedTypeSymbol Tensor { get; }
    public INamedTypeSymbol Module { get; }
    public INamedTypeSymbol? Nn { get; }
    public INamedTypeSymbol? Functional { get; }
    public INamedTypeSymbol? NnUtils { get; }
    public INamedTypeSymbol? Optimizer { get; }
    public INamedTypeSymbol? LRScheduler { get; }
    public INamedTypeSymbol? LossBase { get; }
    public INamedTypeSymbol? RuntimeMiniBatch { get; }
    public INamedTypeSymbol? RuntimeCheckedClipping { get; }

    private ImmutableHashSet<string>? _optimizerFactories;
    private ImmutableHashSet<string>? _schedulerFactories;

    /// <summary>The names of TorchSharp's methods that create an optimizer (<c>torch.optim.SGD</c>, <c>Adam</c>, ...), read from the referenced assembly.</summary>
    public ImmutableHashSet<string> OptimizerFactoryNames =>
        LazyInitializer.EnsureInitialized(ref _optimizerFactories, () => FactoriesOf(Optimizer))!;

    /// <summary>The names of TorchSharp's methods that create a learning-rate scheduler (<c>StepLR</c>, <c>OneCycleLR</c>, ...).</summary>
    public ImmutableHashSet<string> SchedulerFactoryNames =>
        LazyInitializer.EnsureInitialized(ref _schedulerFactories, () => FactoriesOf(LRScheduler))!;

    /// <summary>Static methods of <c>torch.optim</c> and its nested classes whose result derives from <paramref name="product"/>.</summary>
    private ImmutableHashSet<string> FactoriesOf(INamedTypeSymbol? product)
    {
        var names = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
        var optim = Torch.GetTypeMembers("optim").FirstOrDefault();
        if (product is null || optim is null)
            return names.ToImmutable();
        var pending = new System.Collections.Generic.Stack<INamedTypeSymbol>();
        pending.Push(optim);
        while (pending.Count > 0)
        {
            var type = pending.Pop();
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } method && DerivesFrom(method.ReturnType, product))
                    names.Add(method.Name);
                else if (member is INamedTypeSymbol nested)
                    pending.Push(nested);
            }
        }

        return names.ToImmutable();
    }

    public static TorchSymbols? TryCreate(Compilation compilation)
    {
        var torch = compilation.GetTypeByMetadataName("TorchSharp.torch");
        var tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
        var module = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        return torch is null || tensor is null || module is null ? null : new TorchSymbols(compilation, torch, tensor, module);
    }

    // Asked of nearly every value the rules look at: remembered per type symbol object (Roslyn hands out one object
    // per symbol, so a reference lookup is enough, and cheaper than walking the base types each time).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _isTensor;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _isModule;

    public bool IsTensor(ITypeSymbol? type) => type is not null && _isTensor.GetOrCompute(Unannotated(type), Tensor, static (t, tensor) => DerivesFrom(t, tensor));

    public bool IsModule(ITypeSymbol? type) => type is not null && _isModule.GetOrCompute(Unannotated(type), Module, static (t, module) => DerivesFrom(t, module));

    // With nullable annotations on, each IOperation.Type is a new wrapper carrying its annotation: keyed by reference,
    // the caches missed on almost every question (1,937 entries for 75 tensor types on the benchmark corpus). The
    // unannotated symbol is the compiler's one cached instance per type.
    private static ITypeSymbol Unannotated(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.None);

    private sealed class ReferenceComparer : System.Collections.Generic.IEqualityComparer<ITypeSymbol>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(ITypeSymbol? x, ITypeSymbol? y) => ReferenceEquals(x, y);

        public int GetHashCode(ITypeSymbol obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }

    public bool IsOptimizer(ITypeSymbol? type) => Optimizer is not null && DerivesFrom(type, Optimizer);

    public bool IsScheduler(ITypeSymbol? type) => LRScheduler is not null && DerivesFrom(type, LRScheduler);

    public bool IsLossModule(ITypeSymbol? type) => LossBase is not null && DerivesFrom(type, LossBase);

    /// <summary>True for any type declared by TorchSharp itself (not by the user).</summary>
    public bool IsTorchSharpType(ITypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, Torch.ContainingAssembly);

    public bool IsRuntimeType(ITypeSymbol? type, INamedTypeSymbol? runtimeType) =>
        runtimeType is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, runtimeType);

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                return true;
        }

        return false;
    }
}
