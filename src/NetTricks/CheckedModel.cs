using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetTricks;

/// <summary>
/// Wraps any model (<c>model.Checked()</c>) so that it is checked while it trains, like <see cref="CheckedSequential"/>:
/// NaN/infinity by layer name (fail fast), dead ReLU units, saturated sigmoid/tanh units, identical neurons,
/// vanishing/exploding gradients and activation drift. Outputs and gradients are bitwise identical to the
/// unwrapped model's.
/// </summary>
/// <remarks>
/// <para>The wrapper is transparent: its parameters, buffers, children, <c>state_dict</c>, <c>save</c>/<c>load</c>,
/// <c>train</c>/<c>eval</c>, <c>to(device)</c> and <c>zero_grad</c> are the wrapped model's, with the same names, so
/// checkpoints stay interchangeable. It owns the wrapped model: disposing it disposes the model.</para>
/// <para>TorchSharp runs forward hooks only through <c>call()</c>: layers that the model's forward body invokes with
/// <c>layer.call(x)</c> (and every layer of a nested Sequential) are observed one by one; layers invoked with
/// <c>layer.forward(x)</c> are not, and a NaN they produce is reported at the model output. Parameter checks
/// (identical neurons, gradients) always cover every layer. Use <see cref="CheckedSequential"/> for full coverage
/// of sequential models.</para>
/// </remarks>
public class CheckedModel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly CheckedLayerSlot rootSlot;

    /// <summary>Wraps <paramref name="model"/> (prefer <c>model.Checked(options)</c>).</summary>
    /// <param name="model">The model to check; the wrapper takes ownership of it.</param>
    /// <param name="options">Thresholds and sampling; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public CheckedModel(nn.Module<Tensor, Tensor> model, CheckedOptions? options = null)
        : base("Checked" + (model ?? throw new ArgumentNullException(nameof(model))).GetType().Name)
    {
        this.model = model;
        string name = model.GetType().Name;
        Checker = new TrainingChecker(this, model, name, options);
        rootSlot = new CheckedLayerSlot(InitLayers.Describe(name, model));
        foreach (var layer in InitLayers.Descendants(model))
        {
            CheckedHooks.Observe(Checker, new CheckedLayerSlot(layer));
        }
        base.train(model.training);
    }

    /// <summary>The wrapped model.</summary>
    public nn.Module<Tensor, Tensor> Model => model;

    /// <summary>The checker: step counts, findings, report and options.</summary>
    public TrainingChecker Checker { get; }

    /// <summary>Thresholds, sampling and reporting (<see cref="TrainingChecker.Options"/>).</summary>
    public CheckedOptions Options => Checker.Options;

    /// <summary>Every finding so far (<see cref="TrainingChecker.Findings"/>).</summary>
    public IReadOnlyList<TrainingFinding> Findings => Checker.Findings;

    /// <inheritdoc cref="TrainingChecker.AfterBackward"/>
    public void AfterBackward() => Checker.AfterBackward();

    /// <inheritdoc cref="TrainingChecker.Step"/>
    public Tensor? Step(optim.Optimizer optimizer) => Checker.Step(optimizer);

    /// <inheritdoc cref="TrainingChecker.Report"/>
    public string Report() => Checker.Report();

    /// <inheritdoc cref="TrainingChecker.ThrowIfFindings"/>
    public void ThrowIfFindings() => Checker.ThrowIfFindings();

    /// <summary>Runs the wrapped model through <c>call()</c> (its hooks fire as usual), observing it on training steps.</summary>
    /// <param name="input">The input batch.</param>
    /// <returns>The wrapped model's output.</returns>
    /// <exception cref="NonFiniteValueException">NaN or infinity appeared (see <see cref="CheckedOptions.ThrowOnNonFinite"/>).</exception>
    public override Tensor forward(Tensor input)
    {
        if (!Checker.BeginStep(input))
        {
            return model.call(input);
        }
        Tensor output;
        try
        {
            output = model.call(input);
        }
        catch
        {
            Checker.AbortStep(input);
            throw;
        }
        Checker.EndStep(output, input, rootSlot);
        return output;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) => model.named_parameters(recurse);

    /// <inheritdoc/>
    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) =>
        model.named_buffers(recurse, include_nonpersistent);

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_children() => model.named_children();

    /// <inheritdoc/>
    public override IEnumerable<(string name, nn.Module module)> named_modules() => model.named_modules();

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        model.state_dict(destination, prefix);

    /// <inheritdoc/>
    public override (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(
        Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null) =>
        model.load_state_dict(source, strict, skip);

    /// <summary>Sets training mode on the wrapper and the wrapped model.</summary>
    /// <param name="on">True for training, false for evaluation.</param>
    public override void train(bool on = true)
    {
        base.train(on);
        model.train(on);
    }

    /// <inheritdoc/>
    public override void zero_grad(bool set_to_none = true) => model.zero_grad(set_to_none);

    /// <inheritdoc/>
    public override nn.Module apply(Action<nn.Module> fn)
    {
        model.apply(fn);
        return this;
    }

    /// <inheritdoc/>
    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        model.to(device, dtype, non_blocking);
        return this;
    }

    /// <inheritdoc/>
    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        model.to(deviceType, deviceIndex, non_blocking);
        return this;
    }

    /// <inheritdoc/>
    protected override nn.Module _to(ScalarType dtype, bool non_blocking)
    {
        model.to(dtype, non_blocking);
        return this;
    }

    /// <summary>Removes the checker's hooks and disposes the wrapped model.</summary>
    /// <param name="disposing">True when called from <c>Dispose()</c>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Checker.Dispose();
            model.Dispose();
        }
        base.Dispose(disposing);
    }
}
