using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetTricks;

// Prepares a module for a gradient check and puts it back exactly: same parameter and buffer objects, bitwise-identical
// values, every submodule in its own training mode.
//
// Opt-in float64 conversion cannot use Module.to(dtype): TorchSharp 0.107 replaces the Parameter objects and disposes the
// originals, which would orphan an optimizer holding them. Instead each float32/float16 parameter or buffer is swapped for
// a float64 copy in the two places a module reads it from (its registration table and the fields that reference it, the
// same places Module.to rewrites) and the originals, never touched, are swapped back afterwards.
internal sealed class GradientCheckModuleSession : IDisposable
{
    private static readonly FieldInfo? ParametersTable = typeof(nn.Module).GetField("_internal_params", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly FieldInfo? BuffersTable = typeof(nn.Module).GetField("_internal_buffers", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly MethodInfo? NativeParameters = typeof(nn.Module).GetMethod("_named_parameters", BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes);

    private readonly nn.Module root;
    private readonly List<string> notes;
    private readonly List<(nn.Module Module, bool Training)> modes = new();
    private readonly List<(string Name, Parameter Parameter)> originalParameters;
    private readonly List<(string Name, Tensor Buffer)> originalBuffers;
    private readonly List<Swap> swaps = new();
    private readonly List<(string Name, Tensor Current, Tensor Saved, bool IsParameter)> snapshots = new();
    private bool disposed;

    private GradientCheckModuleSession(nn.Module root, List<string> notes)
    {
        this.root = root;
        this.notes = notes;
        originalParameters = root.named_parameters().ToList();
        originalBuffers = root.named_buffers().ToList();
    }

    // Whether ConvertToFloat64 swapped anything.
    internal bool Converted => swaps.Count > 0;

    // The parameters the module computes with during the check (float64 copies where converted), by name.
    internal IReadOnlyList<(string Name, Parameter Parameter, string OriginalDType)> Parameters { get; private set; } = Array.Empty<(string, Parameter, string)>();

    internal static GradientCheckModuleSession Open(nn.Module module, GradientCheckOptions options, List<string> notes)
    {
        var session = new GradientCheckModuleSession(module, notes);
        try
        {
            using var scope = torch.NewDisposeScope(); // what the session keeps is detached from it
            session.Prepare(options);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private void Prepare(GradientCheckOptions options)
    {
        var offenders = new List<string>();
        foreach (var (name, parameter) in originalParameters)
        {
            RejectComplex(parameter, "parameter", name);
            if (parameter.is_floating_point() && parameter.dtype != ScalarType.Float64)
            {
                offenders.Add($"parameter '{name}' is {parameter.dtype}");
            }
        }
        foreach (var (name, buffer) in originalBuffers)
        {
            if (buffer.is_floating_point() && buffer.dtype != ScalarType.Float64)
            {
                offenders.Add($"buffer '{name}' is {buffer.dtype}");
            }
        }
        if (offenders.Count > 0 && !options.ConvertToFloat64)
        {
            throw new ArgumentException(
                $"The gradient checker needs float64, but {GradientChecker.List(offenders)}: in single or half precision the rounding error of a finite difference "
                + "is as large as the gradient itself. Create the module with dtype: torch.float64 (or call module.to(torch.float64) before creating its optimizer), "
                + "or set GradientCheckOptions.ConvertToFloat64 = true to check float64 copies (the module is left untouched).",
                "module");
        }

        var dtypes = originalParameters.ToDictionary(p => p.Name, p => p.Parameter.dtype.ToString());
        if (offenders.Count > 0)
        {
            ConvertToFloat64();
        }

        // Modes: recorded per module (a frozen batch norm may be in eval inside a training model), parents first.
        modes.Add((root, root.training));
        foreach (var (_, submodule) in root.named_modules())
        {
            modes.Add((submodule, submodule.training));
        }
        if (options.ModuleMode == GradientCheckModuleMode.Eval)
        {
            root.eval();
        }
        else if (options.ModuleMode == GradientCheckModuleMode.Train)
        {
            root.train();
        }

        // Values to restore and verify: whatever the forward might change (batch-norm statistics in train mode) or the
        // checker perturbs.
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in root.named_parameters())
            {
                snapshots.Add((name, parameter, parameter.detach().clone().DetachFromDisposeScope(), true));
            }
            foreach (var (name, buffer) in root.named_buffers())
            {
                snapshots.Add((name, buffer, buffer.detach().clone().DetachFromDisposeScope(), false));
            }
        }
        Parameters = root.named_parameters().Select(p => (p.name, p.parameter, dtypes.TryGetValue(p.name, out var dtype) ? dtype : p.parameter.dtype.ToString())).ToList();
    }

    private void ConvertToFloat64()
    {
        if (ParametersTable is null || BuffersTable is null || NativeParameters is null)
        {
            throw new NotSupportedException(
                "ConvertToFloat64 cannot convert a module with this TorchSharp version (its module internals differ from 0.107). Create the module with dtype: torch.float64.");
        }
        var modules = new List<(string Path, nn.Module Module)> { ("", root) };
        modules.AddRange(root.named_modules());

        // Refuse before changing anything: modules whose parameters live in libtorch compute with those, not with swapped copies.
        foreach (var (path, module) in modules)
        {
            bool needsConversion = module.named_parameters(false).Any(p => NeedsConversion(p.parameter))
                || module.named_buffers(false).Any(b => NeedsConversion(b.buffer));
            if (needsConversion && IsNative(module))
            {
                string where = path.Length == 0 ? "the module" : $"submodule '{path}'";
                throw new NotSupportedException(
                    $"ConvertToFloat64 cannot convert {where} ({module.GetType().Name}): TorchSharp keeps its parameters inside libtorch, so a float64 copy would not be used by its forward. "
                    + $"Create it with dtype: torch.float64 (or convert the model with .to(torch.float64) before creating its optimizer).");
            }
        }

        foreach (var (_, module) in modules)
        {
            foreach (var (name, parameter) in module.named_parameters(false).ToList())
            {
                if (NeedsConversion(parameter))
                {
                    Parameter copy;
                    using (torch.no_grad())
                    {
                        copy = new Parameter(parameter.detach().to(ScalarType.Float64, copy: true), parameter.requires_grad);
                        copy.DetachFromDisposeScope();
                    }
                    Replace(module, ParametersTable, name, parameter, copy);
                }
            }
            foreach (var (name, buffer) in module.named_buffers(false).ToList())
            {
                if (NeedsConversion(buffer))
                {
                    Tensor copy;
                    using (torch.no_grad())
                    {
                        copy = buffer.detach().to(ScalarType.Float64, copy: true).DetachFromDisposeScope();
                    }
                    Replace(module, BuffersTable, name, buffer, copy);
                }
            }
        }
        notes.Add($"ConvertToFloat64: checked float64 copies of {swaps.Count} float32/float16 parameters and buffers; the originals were swapped back untouched.");
    }

    private static bool NeedsConversion(Tensor tensor) => tensor.is_floating_point() && tensor.dtype != ScalarType.Float64;

    private static bool IsNative(nn.Module module)
    {
        // For modules implemented in libtorch, TorchSharp lists the parameters the native module owns.
        var native = (Array?)NativeParameters!.Invoke(module, null);
        if (native is null)
        {
            return false;
        }
        foreach (var entry in native)
        {
            if (entry is ValueTuple<string, Parameter> pair)
            {
                pair.Item2.Dispose(); // a fresh handle to the same storage
            }
        }
        return native.Length > 0;
    }

    private void Replace(nn.Module module, FieldInfo table, string name, Tensor original, Tensor copy)
    {
        var fields = new List<FieldInfo>();
        for (var type = module.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (typeof(Tensor).IsAssignableFrom(field.FieldType) || field.FieldType == typeof(object))
                {
                    if (ReferenceEquals(field.GetValue(module), original))
                    {
                        fields.Add(field);
                    }
                }
            }
        }
        var swap = new Swap(module, table, name, original, copy, fields);
        swap.Apply(copy);
        swaps.Add(swap);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        using var scope = torch.NewDisposeScope();
        var problems = new List<string>();
        var restoredBuffers = new List<string>();

        using (torch.no_grad())
        {
            foreach (var (name, current, saved, isParameter) in snapshots)
            {
                if (!GradientChecker.BitwiseEqual(current, saved))
                {
                    current.copy_(saved);
                    if (isParameter)
                    {
                        problems.Add($"parameter '{name}' was changed during the check (by the forward?) and has been restored");
                    }
                    else
                    {
                        restoredBuffers.Add(name);
                    }
                }
                saved.Dispose();
            }
        }
        for (int i = swaps.Count - 1; i >= 0; i--)
        {
            swaps[i].Apply(swaps[i].Original);
            swaps[i].Copy.Dispose();
        }
        foreach (var (module, training) in modes)
        {
            module.train(training);
        }

        if (restoredBuffers.Count > 0)
        {
            notes.Add($"buffers updated by the forward passes (e.g. running statistics in train mode) were restored: {string.Join(", ", restoredBuffers)}.");
        }
        notes.AddRange(problems.Select(p => p + "."));

        // The promise: the very same objects, registered under the same names.
        var parameters = root.named_parameters().ToList();
        var buffers = root.named_buffers().ToList();
        bool same = parameters.Count == originalParameters.Count && buffers.Count == originalBuffers.Count
            && parameters.Zip(originalParameters).All(z => z.First.name == z.Second.Name && ReferenceEquals(z.First.parameter, z.Second.Parameter))
            && buffers.Zip(originalBuffers).All(z => z.First.name == z.Second.Name && ReferenceEquals(z.First.buffer, z.Second.Buffer));
        if (!same)
        {
            throw new InvalidOperationException("The gradient checker could not restore the module's original parameter and buffer objects. Please report this as a NetTricks bug.");
        }
    }

    private static void RejectComplex(Tensor tensor, string what, string name)
    {
        if (tensor.dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)
        {
            throw new NotSupportedException($"{what} '{name}' is {tensor.dtype}: the gradient checker supports real floating-point tensors only.");
        }
    }

    // One swapped parameter or buffer: its registration entry and the fields that reference it.
    private sealed class Swap
    {
        private readonly nn.Module module;
        private readonly FieldInfo table;
        private readonly string name;
        private readonly List<FieldInfo> fields;

        internal Swap(nn.Module module, FieldInfo table, string name, Tensor original, Tensor copy, List<FieldInfo> fields)
        {
            this.module = module;
            this.table = table;
            this.name = name;
            Original = original;
            Copy = copy;
            this.fields = fields;
        }

        internal Tensor Original { get; }

        internal Tensor Copy { get; }

        internal void Apply(Tensor value)
        {
            object entries = table.GetValue(module)!;
            var item = entries.GetType().GetProperty("Item", new[] { typeof(string) })
                ?? throw new NotSupportedException("Unexpected TorchSharp module internals: cannot swap parameters.");
            object current = item.GetValue(entries, new object[] { name })!;
            // Buffers are registered with their persistence flag, parameters alone.
            object entry = current is ValueTuple<Tensor, bool> buffer ? (value, buffer.Item2) : value;
            item.SetValue(entries, entry, new object[] { name });
            foreach (var field in fields)
            {
                field.SetValue(module, value);
            }
        }
    }
}
