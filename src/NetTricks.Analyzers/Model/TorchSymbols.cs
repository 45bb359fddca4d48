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

    public static TorchSymbols? TryCreate(Compilation compilation)
    {
        var torch = compilation.GetTypeByMetadataName("TorchSharp.torch");
        var tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
        var module = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
        return torch is null || tensor is null || module is null ? null : new TorchSymbols(compilation, torch, tensor, module);
    }

    public bool IsTensor(ITypeSymbol? type) => DerivesFrom(type, Tensor);

    public bool IsModule(ITypeSymbol? type) => DerivesFrom(type, Module);

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
