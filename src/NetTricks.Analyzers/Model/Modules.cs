using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, ModuleInfo> _moduleTypes = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.2), SymbolEqualityComparer.Default);

    // Module types whose summary is being computed on this thread: a module that (indirectly) contains itself
    // is summarised as unknown rather than recursing forever.
    [ThreadStatic]
    private static HashSet<INamedTypeSymbol>? s_typesInProgress;

    /// <summary>What module a value (a model variable, a field, a <c>Sequential(...)</c> call) is.</summary>
    public ModuleInfo ResolveModule(IOperation value, Trace trace)
    {
        value = Unwrap(value);

        // Asked with a fresh trace, the answer is the same every time (rules ask it of the same layers and models
        // again and again); mid-walk, or while a module class is being summarised, it depends on that walk's budget
        // and is not remembered.
        if (IsFreshQuery(trace))
            return _resolvedModules.GetOrCompute(value, (Model: this, Trace: trace), static (v, s) => s.Model.ResolveModuleTraced(v, s.Trace));
        return ResolveModuleTraced(value, trace);
    }

    private readonly ConcurrentDictionary<IOperation, ModuleInfo> _resolvedModules = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 1.5));

    /// <summary>A question asked with a fresh trace and outside any module class summary: its answer can be remembered.</summary>
    private static bool IsFreshQuery(Trace trace) => trace.Depth == 0 && s_typesInProgress is not { Count: > 0 };

    private ModuleInfo ResolveModuleTraced(IOperation value, Trace trace)
    {
        if (!trace.Enter(value.Syntax))
            return ModuleInfo.Unknown;
        try
        {
            return ResolveModuleCore(value, trace);
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    private ModuleInfo ResolveModuleCore(IOperation value, Trace trace)
    {
        // A concrete user module class says everything through its type.
        if (value.Type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } userType && IsUserModuleType(userType))
            return ForModuleType(userType, trace.CancellationToken);

        switch (value)
        {
            case IObjectCreationOperation creation when creation.Type is INamedTypeSymbol created && Symbols.IsTorchSharpType(created):
                return BuiltinModule(created.Name, creation.Arguments, creation.Syntax, trace);
            case IInvocationOperation invocation when Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType):
                if (ReceiverOf(invocation) is { } receiver && Symbols.IsModule(receiver.Type) && Symbols.IsModule(invocation.Type))
                    return ResolveModule(receiver, trace); // model.to(device), model.train(): same module
                if (invocation.Type is INamedTypeSymbol returned && Symbols.IsModule(returned) && Symbols.IsTorchSharpType(returned))
                    return BuiltinModule(returned.Name, invocation.Arguments, invocation.Syntax, trace);
                return ModuleInfo.Unknown;
        }

        var definitions = Definitions(value, trace.CancellationToken);
        if (!IsOwnOrigin(value, definitions))
            return ModuleInfo.Combine(definitions.Select(d => ResolveModule(d, trace)).ToList());

        // Nothing to follow: a TorchSharp module typed field or parameter without visible creation.
        if (value.Type is INamedTypeSymbol typed && Symbols.IsTorchSharpType(typed) && Symbols.IsModule(typed) && !typed.IsAbstract && typed.Name != "Sequential")
            return BuiltinModule(typed.Name, ImmutableArray<IArgumentOperation>.Empty, null, trace);
        return ModuleInfo.Unknown;
    }

    public bool IsUserModuleType(INamedTypeSymbol type) =>
        Symbols.IsModule(type) && !Symbols.IsTorchSharpType(type) && type.DeclaringSyntaxReferences.Length > 0;

    public static IOperation? ReceiverOf(IInvocationOperation invocation) =>
        invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    /// <summary>The summary of a user module class: its layers (from fields) and its forward's output, memoised.</summary>
    public ModuleInfo ForModuleType(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        type = type.OriginalDefinition;
        if (_moduleTypes.TryGetValue(type, out var cached))
            return cached;
        var inProgress = s_typesInProgress ??= new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        if (!inProgress.Add(type))
            return ModuleInfo.Unknown;
        try
        {
            return _moduleTypes.GetOrAdd(type, SummariseModuleType(type, cancellationToken));
        }
        finally
        {
            inProgress.Remove(type);
        }
    }

    private ModuleInfo SummariseModuleType(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var layers = ImmutableArray.CreateBuilder<ModuleInfo>();
        IMethodSymbol? forward = null;
        for (var t = type; t is not null && IsUserModuleType(t); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                switch (member)
                {
                    case IFieldSymbol { IsStatic: false } field when Symbols.IsModule(field.Type):
                        layers.Add(ResolveMember(field, new Trace(cancellationToken)));
                        break;
                    case IPropertySymbol { IsStatic: false } property when Symbols.IsModule(property.Type) && IsAutoProperty(property):
                        layers.Add(ResolveMember(property, new Trace(cancellationToken)));
                        break;
                    case IMethodSymbol { Name: "forward", IsStatic: false } method when forward is null && method.Parameters.Length > 0 && Symbols.IsTensor(method.ReturnType) && !method.IsAbstract:
                        forward = method;
                        break;
                }
            }
        }

        var output = OutputActivation.Unknown;
        var functionalDropout = false;
        var functionalNormalization = false;
        if (forward is not null)
        {
            var trace = new Trace(cancellationToken);
            output = OutputActivation.Combine(ReturnedValues(forward, cancellationToken).Select(v => OutputOf(v, trace)));
            var regularizing = GetBody(forward, cancellationToken)?.InvocationsUnder()
                .Where(i => TorchVocabulary.RegularizingFunctions.Contains(i.TargetMethod.Name) && Symbols.IsTorchSharpType(i.TargetMethod.ContainingType))
                .Select(i => i.TargetMethod.Name).ToList() ?? new List<string>();
            functionalDropout = regularizing.Any(n => n.Contains("dropout"));
            functionalNormalization = regularizing.Any(n => !n.Contains("dropout"));
        }

        static bool? Any(IEnumerable<ModuleInfo> layers, Func<ModuleInfo, bool?> flag)
        {
            var values = layers.Select(flag).ToList();
            return values.Any(v => v == true) ? true : values.All(v => v == false) ? false : null;
        }

        return new ModuleInfo(
            type.Name,
            output,
            Any(layers, l => l.HasRecurrent),
            functionalDropout ? true : Any(layers, l => l.HasDropout),
            functionalNormalization ? true : Any(layers, l => l.HasNormalization),
            SaturatingSum(layers.Select(l => l.KnownParameters)),
            isKnown: true,
            layers.ToImmutable());
    }

    /// <summary>A module field or auto-property, through its initializer and assignments.</summary>
    private ModuleInfo ResolveMember(ISymbol member, Trace trace)
    {
        var definitions = MemberDefinitions(member, trace.CancellationToken);
        var type = (member as IFieldSymbol)?.Type ?? (member as IPropertySymbol)?.Type;
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } userType && IsUserModuleType(userType))
            return ForModuleType(userType, trace.CancellationToken);
        if (definitions.Length > 0)
            return ModuleInfo.Combine(definitions.Select(d => ResolveModule(d, trace)).ToList());
        return type is INamedTypeSymbol typed && Symbols.IsTorchSharpType(typed) && !typed.IsAbstract && typed.Name != "Sequential"
            ? BuiltinModule(typed.Name, ImmutableArray<IArgumentOperation>.Empty, null, trace)
            : ModuleInfo.Unknown;
    }

    private ModuleInfo BuiltinModule(string name, ImmutableArray<IArgumentOperation> arguments, SyntaxNode? creation, Trace trace)
    {
        if (name == "Sequential")
            return SequentialModule(arguments, trace);
        var kind = TorchVocabulary.ActivationModules.TryGetValue(name, out var activation) ? activation
            : TorchVocabulary.TransparentModules.Contains(name) ? ActivationKind.Unknown
            : ActivationKind.Other;
        var isRecurrent = TorchVocabulary.RecurrentModules.Contains(name);
        var hasDropout = TorchVocabulary.DropoutModules.Contains(name) ||
            (isRecurrent || TorchVocabulary.TransformerModules.Contains(name)) && NamedDouble(arguments, "dropout") is > 0;
        return new ModuleInfo(
            name,
            new OutputActivation(kind, ImmutableArray<ActivationSite>.Empty),
            hasRecurrent: isRecurrent || TorchVocabulary.TransformerModules.Contains(name),
            hasDropout,
            hasNormalization: TorchVocabulary.NormalizationModules.Contains(name),
            knownParameters: ParameterCount(name, arguments),
            isKnown: true,
            ImmutableArray<ModuleInfo>.Empty);
    }

    private ModuleInfo SequentialModule(ImmutableArray<IArgumentOperation> arguments, Trace trace)
    {
        var elements = new List<(IArgumentOperation Argument, IOperation Module)>();
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                    elements.Add((argument, ModuleOfElement(element)));
            }
            else if (argument.ArgumentKind == ArgumentKind.Explicit)
            {
                return ModuleInfo.Unknown; // Sequential(IEnumerable<...>) built elsewhere
            }
        }

        var layers = new List<(ModuleInfo Info, SyntaxNode Syntax)>();
        foreach (var (_, module) in elements)
            layers.Add((ResolveModule(module, trace), ElementSyntax(module)));

        // The output is the last element's, looking through dropout / identity / flatten.
        var output = OutputActivation.Unknown;
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var (info, syntax) = layers[i];
            if (TorchVocabulary.TransparentModules.Contains(info.Name))
                continue;
            output = TorchVocabulary.ActivationModules.ContainsKey(info.Name) && syntax.Parent is ArgumentSyntax argument
                ? info.Output.WithSite(new ActivationSite(argument, SiteShape.SequentialElement))
                : info.Output;
            break;
        }

        static bool? Any(IEnumerable<ModuleInfo> infos, Func<ModuleInfo, bool?> flag)
        {
            var values = infos.Select(flag).ToList();
            return values.Any(v => v == true) ? true : values.All(v => v == false) ? false : null;
        }

        var infos = layers.Select(l => l.Info).ToList();
        return new ModuleInfo("Sequential", output, Any(infos, l => l.HasRecurrent), Any(infos, l => l.HasDropout),
            Any(infos, l => l.HasNormalization), SaturatingSum(infos.Select(l => l.KnownParameters)), isKnown: true, infos.ToImmutableArray());
    }

    /// <summary>A Sequential element is a module or a ("name", module) tuple.</summary>
    private static IOperation ModuleOfElement(IOperation element)
    {
        element = Unwrap(element);
        return element is ITupleOperation { Elements.Length: 2 } tuple ? Unwrap(tuple.Elements[1]) : element;
    }

    /// <summary>The syntax of the whole Sequential argument an element module belongs to (tuple or module).</summary>
    private static SyntaxNode ElementSyntax(IOperation module)
    {
        var syntax = module.Syntax;
        while (syntax.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax } or TupleExpressionSyntax or ParenthesizedExpressionSyntax)
            syntax = syntax.Parent;
        return syntax;
    }

    private static long SaturatingSum(IEnumerable<long> values)
    {
        var total = 0L;
        foreach (var value in values)
            total = value > long.MaxValue - total ? long.MaxValue : total + value;
        return total;
    }

    private static double? NamedDouble(ImmutableArray<IArgumentOperation> arguments, string name)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Name == name && argument.Value.ConstantValue is { HasValue: true, Value: { } value } && value is IConvertible and not string and not char)
                return Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static long? Ordinal(ImmutableArray<IArgumentOperation> arguments, int ordinal)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal && Unwrap(argument.Value).ConstantValue is { HasValue: true, Value: { } value } && value is not bool and not string)
            {
                try
                {
                    return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is OverflowException or InvalidCastException or FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>Trainable parameter count of a TorchSharp layer from literal constructor arguments (0 when not literal).</summary>
    private static long ParameterCount(string name, ImmutableArray<IArgumentOperation> arguments)
    {
        try
        {
            return CountParameters(name, arguments);
        }
        catch (OverflowException)
        {
            return long.MaxValue / 4; // absurd literal sizes: "very large", without overflowing later sums
        }
    }

    private static long CountParameters(string name, ImmutableArray<IArgumentOperation> arguments)
    {
        long? a = Ordinal(arguments, 0), b = Ordinal(arguments, 1);
        switch (name)
        {
            case "Linear" when a is > 0 && b is > 0:
                return checked(a.Value * b.Value + b.Value);
            case "Bilinear":
                return 0;
            case "Conv1d" or "Conv2d" or "Conv3d" or "ConvTranspose1d" or "ConvTranspose2d" or "ConvTranspose3d" when a is > 0 && b is > 0:
                var dims = name[name.Length - 2] - '0';
                var kernel = Ordinal(arguments, 2) ?? 1;
                var window = 1L;
                for (var d = 0; d < dims; d++)
                    window = checked(window * kernel);
                return checked(a.Value * b.Value * window + b.Value);
            case "Embedding" or "EmbeddingBag" when a is > 0 && b is > 0:
                return checked(a.Value * b.Value);
            case "RNN" or "LSTM" or "GRU" when a is > 0 && b is > 0:
                var gates = name == "LSTM" ? 4 : name == "GRU" ? 3 : 1;
                var layers = Math.Min(Ordinal(arguments, 2) ?? 1, 1000);
                var directions = NamedDouble(arguments, "bidirectional") is 1 ? 2 : 1;
                long total = 0;
                for (var layer = 0; layer < layers; layer++)
                {
                    var input = layer == 0 ? a.Value : b.Value * directions;
                    total = checked(total + directions * gates * (input * b.Value + b.Value * b.Value + 2 * b.Value));
                }

                return total;
            case "RNNCell" or "LSTMCell" or "GRUCell" when a is > 0 && b is > 0:
                var cellGates = name == "LSTMCell" ? 4 : name == "GRUCell" ? 3 : 1;
                return checked(cellGates * (a.Value * b.Value + b.Value * b.Value + 2 * b.Value));
            case "BatchNorm1d" or "BatchNorm2d" or "BatchNorm3d" when a is > 0:
                return 2 * a.Value;
            default:
                return 0;
        }
    }
}
