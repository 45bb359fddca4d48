using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetTricks;

/// <summary>
/// A <see cref="Sequential"/> that checks its layers while it trains (NT2004): NaN/infinity by layer name (fail
/// fast), dead ReLU units, saturated sigmoid/tanh units, identical neurons, vanishing/exploding gradients and
/// activation drift. It is a real Sequential (same parameters, names, <c>state_dict</c>, <c>save</c>/<c>load</c>),
/// and its outputs and gradients are bitwise identical to the unchecked model's.
/// </summary>
/// <remarks>
/// <para>Build one with <see cref="Create(ValueTuple{string, nn.Module{Tensor, Tensor}}[])"/> or from an existing
/// Sequential with <c>sequential.Checked()</c> (which shares its layers). The forward pass runs the layers like
/// Sequential does (each through <c>call()</c>, so hooks still fire) and observes every output; layers nested in
/// child containers are observed through forward hooks when they run through <c>call()</c>.</para>
/// <para>Gradients are read after backward: call <see cref="AfterBackward"/> after <c>loss.backward()</c>, or
/// replace <c>optimizer.step()</c> by <see cref="Step"/>. Findings are in <see cref="Findings"/>; print
/// <see cref="Report"/> or call <see cref="ThrowIfFindings"/>. Defaults and thresholds: <see cref="CheckedOptions"/>.</para>
/// <para>Like Sequential, it owns its layers: disposing it disposes them.</para>
/// </remarks>
public class CheckedSequential : Sequential
{
    private CheckedLayerSlot[] slots;

    /// <summary>A checked Sequential of the named layers (shared, not copied).</summary>
    /// <param name="options">Thresholds and sampling; <c>null</c> for the defaults.</param>
    /// <param name="layers">The layers in forward order, with their names.</param>
    protected CheckedSequential(CheckedOptions? options, params (string name, nn.Module<Tensor, Tensor> submodule)[] layers)
        : base(layers)
    {
        Checker = new TrainingChecker(this, this, nameof(Sequential), options);
        slots = BuildSlots();
    }

    /// <summary>The checker: step counts, findings, report and options.</summary>
    public TrainingChecker Checker { get; }

    /// <summary>Thresholds, sampling and reporting (<see cref="TrainingChecker.Options"/>).</summary>
    public CheckedOptions Options => Checker.Options;

    /// <summary>Every finding so far (<see cref="TrainingChecker.Findings"/>).</summary>
    public IReadOnlyList<TrainingFinding> Findings => Checker.Findings;

    /// <summary>A checked Sequential with default options: <c>CheckedSequential.Create(("fc1", Linear(4, 8)), ("relu", ReLU()), ...)</c>.</summary>
    /// <param name="layers">The layers in forward order, with their names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or a layer is null.</exception>
    /// <exception cref="ArgumentException">A name is empty or used twice.</exception>
    public static CheckedSequential Create(params (string name, nn.Module<Tensor, Tensor> submodule)[] layers) => Create(null, layers);

    /// <summary>A checked Sequential with the given options.</summary>
    /// <param name="options">Thresholds and sampling; <c>null</c> for the defaults.</param>
    /// <param name="layers">The layers in forward order, with their names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or a layer is null.</exception>
    /// <exception cref="ArgumentException">A name is empty or used twice.</exception>
    public static CheckedSequential Create(CheckedOptions? options, params (string name, nn.Module<Tensor, Tensor> submodule)[] layers)
    {
        ValidateLayers(layers);
        return new CheckedSequential(options, layers);
    }

    /// <inheritdoc cref="TrainingChecker.AfterBackward"/>
    public void AfterBackward() => Checker.AfterBackward();

    /// <inheritdoc cref="TrainingChecker.Step"/>
    public Tensor? Step(optim.Optimizer optimizer) => Checker.Step(optimizer);

    /// <inheritdoc cref="TrainingChecker.Report"/>
    public string Report() => Checker.Report();

    /// <inheritdoc cref="TrainingChecker.ThrowIfFindings"/>
    public void ThrowIfFindings() => Checker.ThrowIfFindings();

    /// <summary>Runs the layers in order like <see cref="Sequential.forward"/>, observing each output on training steps.</summary>
    /// <param name="tensor">The input batch.</param>
    /// <returns>The last layer's output.</returns>
    /// <exception cref="NonFiniteValueException">A layer produced NaN or infinity (see <see cref="CheckedOptions.ThrowOnNonFinite"/>).</exception>
    public override Tensor forward(Tensor tensor)
    {
        if (Count == 0 || !Checker.BeginStep(tensor))
        {
            return base.forward(tensor);
        }
        if (slots.Length != Count)
        {
            slots = BuildSlots(); // layers were appended after construction
        }
        Tensor current = tensor;
        try
        {
            for (int i = 0; i < slots.Length; i++)
            {
                var next = ((nn.Module<Tensor, Tensor>)slots[i].Info.Module).call(current);
                // Sequential disposes each intermediate as soon as the next layer has run; here they live until the
                // end of the step (one forward pass) so that a non-finite value can be located.
                Checker.Observe(slots[i], current, next,
                    i < slots.Length - 1 ? TrainingChecker.Retention.DisposeAtEndOfStep : TrainingChecker.Retention.Caller);
                current = next;
            }
        }
        catch
        {
            Checker.AbortStep(tensor);
            throw;
        }
        Checker.EndStep(current, tensor, rootSlot: null);
        return current;
    }

    /// <summary>Removes the checker's hooks, then disposes the layers like Sequential.</summary>
    /// <param name="disposing">True when called from <c>Dispose()</c>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Checker.Dispose();
        }
        base.Dispose(disposing);
    }

    internal static void ValidateLayers((string name, nn.Module<Tensor, Tensor> submodule)[] layers)
    {
        if (layers is null)
        {
            throw new ArgumentNullException(nameof(layers));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Length; i++)
        {
            var (name, module) = layers[i];
            if (module is null)
            {
                throw new ArgumentNullException(nameof(layers), $"Layer {i} ('{name}') is null.");
            }
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"Layer {i} ({module.GetType().Name}) has an empty name; findings are reported by layer name.", nameof(layers));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"The layer name '{name}' is used twice; findings are reported by layer name.", nameof(layers));
            }
        }
    }

    private CheckedLayerSlot[] BuildSlots()
    {
        Checker.LayersChanged();
        var children = named_children().ToArray();
        var result = new CheckedLayerSlot[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            var (name, child) = children[i];
            result[i] = new CheckedLayerSlot(InitLayers.Describe(name, child));
            if (child.named_children().Any())
            {
                // Layers inside a child container (a nested Sequential, a custom block) are observed when they run
                // through call(); their own forward bodies cannot be seen.
                foreach (var inner in InitLayers.Descendants(child))
                {
                    CheckedHooks.Observe(Checker, new CheckedLayerSlot(inner with { Name = name + "." + inner.Name }));
                }
            }
        }
        return result;
    }
}
