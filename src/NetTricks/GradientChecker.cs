using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetTricks;

/// <summary>
/// Checks autograd gradients against central finite differences in float64, like <c>torch.autograd.gradcheck</c>:
/// of a function of tensors, of a module's parameters (and optionally its inputs), and of a custom autograd function
/// (<c>torch.autograd.SingleTensorFunction&lt;T&gt;</c> / <c>MultiTensorFunction&lt;T&gt;</c>), whose hand-written backward is
/// what NT4003 asks to verify.
/// </summary>
/// <remarks>
/// <para>
/// Full mode perturbs every element (two forward passes each) and compares the whole Jacobian, so a failure names the
/// tensor, the element index and the output element. Fast mode (<see cref="GradientCheckMode.Fast"/>) compares random
/// projections vᵀJu with a few backward and forward passes whatever the size, and names the failing tensor.
/// </para>
/// <para>
/// Float32/float16 tensors are refused unless <see cref="GradientCheckOptions.ConvertToFloat64"/> is set. Inputs are
/// copied, never modified. A module's parameters are perturbed in place during the check and restored bit for bit (the
/// same objects, so optimizers holding them are unaffected), its buffers and training modes are restored, the global CPU
/// random state is left as it was, and <c>.grad</c> fields are not touched (gradients are taken with <c>torch.autograd.grad</c>). Every evaluation replays the
/// same CPU random numbers, so stochastic layers see identical masks; a function that is still not deterministic is
/// reported as such. Points where the finite differences straddle a kink (relu or abs at 0) are reported as
/// non-differentiable points, not as gradient bugs.
/// </para>
/// <para>
/// The replay sets torch's global CPU generator state before each evaluation and restores it at the end, so do not draw
/// random numbers on other threads during a check. Full mode keeps the analytic Jacobian (rows × checked elements) in
/// memory; large outputs are better checked with <see cref="GradientCheckOptions.FullJacobian"/> off or in fast mode.
/// </para>
/// <para>
/// A check of a custom autograd function usually lives in a test project; mark the function class with
/// <see cref="GradientCheckedAttribute"/> naming that test so NT4003 knows it is checked.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var x = torch.randn(5, dtype: torch.float64).requires_grad_();
/// GradientChecker.CheckAutogradFunction&lt;Swish&gt;(x).ThrowIfFailed();
/// GradientChecker.Check(t => Swish.apply(t, 2.0), x).ThrowIfFailed();   // extra non-tensor arguments
/// GradientChecker.CheckModule(model, batch, new GradientCheckOptions { Mode = GradientCheckMode.Fast }).ThrowIfFailed();
/// </code>
/// </example>
public static class GradientChecker
{
    /// <summary>Checks the gradient of a function of one tensor with respect to it.</summary>
    /// <param name="function">The computation; scalar or tensor output (every output element is differentiated).</param>
    /// <param name="input">The point to check at; must be float64 and require grad (<c>requires_grad_()</c>). It is copied, never modified.</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result; call <see cref="GradientCheckResult.ThrowIfFailed"/> to fail a test.</returns>
    /// <exception cref="ArgumentException">The input is not float64 (and conversion was not opted into) or does not require grad.</exception>
    public static GradientCheckResult Check(Func<Tensor, Tensor> function, Tensor input, GradientCheckOptions? options = null)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }
        return CheckFunction("function", xs => new[] { function(xs[0]) }, new[] { input ?? throw new ArgumentNullException(nameof(input)) }, options);
    }

    /// <summary>
    /// Checks the gradients of a function of several tensors with respect to every input that requires grad; the others
    /// (and integer inputs) are passed as constants and listed as not checked.
    /// </summary>
    /// <param name="function">The computation; scalar or tensor output.</param>
    /// <param name="inputs">The point to check at. Inputs that require grad must be float64. They are copied, never modified.</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">A checked input is not float64, or no input requires grad.</exception>
    public static GradientCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }
        return CheckFunction("function", xs => new[] { function(xs) }, inputs, options);
    }

    /// <summary>
    /// Checks a function with several outputs: the Jacobian of every floating-point output (integer outputs such as indices
    /// are ignored). An output that does not require grad but changes with the inputs is reported as a mismatch.
    /// </summary>
    /// <param name="function">The computation.</param>
    /// <param name="inputs">The point to check at (see <see cref="Check(Func{Tensor[], Tensor}, Tensor[], GradientCheckOptions?)"/>).</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckOutputs(Func<Tensor[], IReadOnlyList<Tensor>> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }
        return CheckFunction("function", function, inputs, options);
    }

    /// <summary>
    /// Checks the hand-written backward of a TorchSharp custom autograd function of one tensor:
    /// <c>CheckAutogradFunction&lt;Cube&gt;(x)</c> checks what <c>Cube.apply(x)</c> computes.
    /// </summary>
    /// <typeparam name="TFunction">A class deriving from <c>torch.autograd.SingleTensorFunction&lt;TFunction&gt;</c> or <c>MultiTensorFunction&lt;TFunction&gt;</c>.</typeparam>
    /// <param name="input">The point to check at (float64, requires grad).</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result.</returns>
    /// <remarks>For functions that take non-tensor arguments too, check a lambda: <c>Check(x =&gt; Scale.apply(x, 2.0), x)</c>.</remarks>
    public static GradientCheckResult CheckAutogradFunction<TFunction>(Tensor input, GradientCheckOptions? options = null)
        where TFunction : torch.autograd.Function<TFunction>, new()
    {
        return CheckAutogradFunction<TFunction>(new[] { input ?? throw new ArgumentNullException(nameof(input)) }, options);
    }

    /// <summary>
    /// Checks the hand-written backward of a TorchSharp custom autograd function applied to tensors:
    /// <c>CheckAutogradFunction&lt;Mul&gt;(new[] { a, b })</c> checks what <c>Mul.apply(a, b)</c> computes, with respect to every
    /// input that requires grad, for all its outputs (<c>MultiTensorFunction</c>).
    /// </summary>
    /// <typeparam name="TFunction">A class deriving from <c>torch.autograd.SingleTensorFunction&lt;TFunction&gt;</c> or <c>MultiTensorFunction&lt;TFunction&gt;</c>.</typeparam>
    /// <param name="inputs">The tensor arguments of <c>apply</c>, in order.</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckAutogradFunction<TFunction>(Tensor[] inputs, GradientCheckOptions? options = null)
        where TFunction : torch.autograd.Function<TFunction>, new()
    {
        // apply_internal is what SingleTensorFunction.apply and MultiTensorFunction.apply call; it returns every output.
        return CheckFunction(
            $"autograd function {typeof(TFunction).Name}",
            xs => torch.autograd.Function<TFunction>.apply_internal(Array.ConvertAll<Tensor, object>(xs, x => x)),
            inputs,
            options);
    }

    /// <summary>Checks a module's parameter gradients through <c>module.call(input)</c>.</summary>
    /// <param name="module">The module; every floating-point parameter and buffer must be float64 unless <see cref="GradientCheckOptions.ConvertToFloat64"/>.
    /// It is restored exactly afterwards (same objects, bitwise-identical values, training modes).</param>
    /// <param name="input">A batch to run (copied, never modified).</param>
    /// <param name="options">Tolerances, mode and opt-ins (<see cref="GradientCheckOptions.ModuleMode"/>, <see cref="GradientCheckOptions.CheckModuleInputs"/>,
    /// <see cref="GradientCheckOptions.ParameterFilter"/>); <c>null</c> for the defaults.</param>
    /// <returns>The result; mismatches name parameters as <c>named_parameters()</c> does.</returns>
    /// <exception cref="ArgumentException">A parameter, buffer or input is not float64 and conversion was not opted into.</exception>
    /// <exception cref="NotSupportedException">Conversion was opted into for a module TorchSharp implements in libtorch.</exception>
    public static GradientCheckResult CheckModule(nn.Module<Tensor, Tensor> module, Tensor input, GradientCheckOptions? options = null)
    {
        if (module is null)
        {
            throw new ArgumentNullException(nameof(module));
        }
        return CheckModule(module, xs => module.call(xs[0]), new[] { input ?? throw new ArgumentNullException(nameof(input)) }, options);
    }

    /// <summary>
    /// Checks a module's parameter gradients through any forward computation, e.g. a module with several inputs or
    /// outputs, or a loss: <c>CheckModule(lstm, xs =&gt; lstm.call(xs[0]).Item1, new[] { x })</c>.
    /// </summary>
    /// <param name="module">The module whose parameters <paramref name="forward"/> uses (see <see cref="CheckModule(nn.Module{Tensor, Tensor}, Tensor, GradientCheckOptions?)"/>).</param>
    /// <param name="forward">Computes the checked output from the (copied) inputs; it must use <paramref name="inputs"/> through its argument.</param>
    /// <param name="inputs">The inputs (copied, never modified). Checked too with <see cref="GradientCheckOptions.CheckModuleInputs"/>.</param>
    /// <param name="options">Tolerances, mode and opt-ins; <c>null</c> for the defaults.</param>
    /// <returns>The result.</returns>
    public static GradientCheckResult CheckModule(nn.Module module, Func<Tensor[], Tensor> forward, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        if (module is null)
        {
            throw new ArgumentNullException(nameof(module));
        }
        if (forward is null)
        {
            throw new ArgumentNullException(nameof(forward));
        }
        ValidateInputs(inputs);
        options ??= GradientCheckOptions.Default;

        var notes = new List<string>();
        using var session = GradientCheckModuleSession.Open(module, options, notes);
        using var scope = torch.NewDisposeScope();
        var reports = new List<GradientCheckTensorReport>();
        var targets = new List<GradientCheckTarget>();
        foreach (var (name, parameter, dtype) in session.Parameters)
        {
            var status = options.ParameterFilter is { } filter && !filter(name) ? GradientCheckTensorStatus.Filtered
                : !parameter.requires_grad ? GradientCheckTensorStatus.DoesNotRequireGrad
                : GradientCheckTensorStatus.Checked;
            var report = new GradientCheckTensorReport(name, GradientCheckTensorKind.Parameter, parameter.shape, dtype, status);
            reports.Add(report);
            if (status == GradientCheckTensorStatus.Checked)
            {
                targets.Add(new GradientCheckTarget(name, GradientCheckTensorKind.Parameter, parameter, report));
            }
        }
        var working = PrepareInputs(inputs, options, forModule: true, reports, targets, notes);
        if (targets.Count == 0)
        {
            throw new ArgumentException(
                "There is nothing to check: the module has no parameter that requires grad"
                + (options.ParameterFilter is null ? "" : " and passes the parameter filter")
                + ", and CheckModuleInputs is off.",
                nameof(module));
        }
        var engine = new GradientCheckEngine(() => new[] { forward(working) }, targets, options);
        try
        {
            return engine.Run($"module {module.GetType().Name}", reports, notes);
        }
        catch (Exception error) when (session.Converted && error is not ArgumentException)
        {
            throw new InvalidOperationException(
                "The check failed while the module computed with the float64 copies made by ConvertToFloat64. If the error is about mixed "
                + "dtypes, the module reads a parameter or buffer from somewhere the checker cannot swap (a list, a dictionary or a tensor cached "
                + $"at construction): create the module in float64 instead. {error.Message}",
                error);
        }
    }

    private static GradientCheckResult CheckFunction(string subject, Func<Tensor[], IReadOnlyList<Tensor>> function, Tensor[] inputs, GradientCheckOptions? options)
    {
        ValidateInputs(inputs);
        options ??= GradientCheckOptions.Default;
        var notes = new List<string>();
        using var scope = torch.NewDisposeScope();
        var reports = new List<GradientCheckTensorReport>();
        var targets = new List<GradientCheckTarget>();
        var working = PrepareInputs(inputs, options, forModule: false, reports, targets, notes);
        if (targets.Count == 0)
        {
            throw new ArgumentException(
                "No input requires grad, so there is no gradient to check: call requires_grad_() on the inputs whose gradients should be checked "
                + $"(inputs: {List(reports.Select(r => $"'{r.Name}' {r.DType}").ToList())}).",
                nameof(inputs));
        }
        var engine = new GradientCheckEngine(() => function(working), targets, options);
        return engine.Run(subject, reports, notes);
    }

    private static void ValidateInputs(Tensor[] inputs)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null || inputs[i].IsInvalid)
            {
                throw new ArgumentException($"inputs[{i.ToString(CultureInfo.InvariantCulture)}] is null or disposed.", nameof(inputs));
            }
        }
    }

    // Copies the inputs (float64 where checked or converted); the checked ones become targets.
    private static Tensor[] PrepareInputs(
        Tensor[] inputs, GradientCheckOptions options, bool forModule, List<GradientCheckTensorReport> reports, List<GradientCheckTarget> targets, List<string> notes)
    {
        var offenders = new List<string>();
        var converted = new List<string>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            bool check = forModule ? options.CheckModuleInputs : input.requires_grad;
            if (input.dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 && check)
            {
                throw new NotSupportedException($"input '{InputName(options, i, inputs.Length)}' is {input.dtype}: the gradient checker supports real floating-point tensors only.");
            }
            if (!input.is_floating_point() || input.dtype == ScalarType.Float64)
            {
                continue;
            }
            // A float32 constant of a function is just a constant; anything differentiated, or anything a float64 module reads, is not.
            if (options.ConvertToFloat64)
            {
                converted.Add($"'{InputName(options, i, inputs.Length)}' ({input.dtype})");
            }
            else if (check || forModule)
            {
                offenders.Add($"input '{InputName(options, i, inputs.Length)}' is {input.dtype}");
            }
        }
        if (offenders.Count > 0)
        {
            throw new ArgumentException(
                $"The gradient checker needs float64, but {List(offenders)}: in single or half precision the rounding error of a finite difference "
                + "is as large as the gradient itself. Pass float64 tensors (x.to(torch.float64)), or set GradientCheckOptions.ConvertToFloat64 = true to check float64 copies.",
                nameof(inputs));
        }
        if (converted.Count > 0)
        {
            notes.Add($"ConvertToFloat64: checked float64 copies of input{(converted.Count == 1 ? "" : "s")} {string.Join(", ", converted)}.");
        }

        var working = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            if (!input.is_floating_point())
            {
                working[i] = input; // indices, masks: passed as they are
                continue;
            }
            bool check = forModule ? options.CheckModuleInputs : input.requires_grad;
            string name = InputName(options, i, inputs.Length);
            var dtype = options.ConvertToFloat64 ? ScalarType.Float64 : input.dtype;
            using (torch.no_grad())
            {
                working[i] = input.detach().to(dtype, copy: true).requires_grad_(check);
            }
            if (forModule && !check)
            {
                continue; // a module's inputs are listed only when they are checked
            }
            var report = new GradientCheckTensorReport(
                name, GradientCheckTensorKind.Input, input.shape, input.dtype.ToString(),
                check ? GradientCheckTensorStatus.Checked : GradientCheckTensorStatus.DoesNotRequireGrad);
            reports.Add(report);
            if (check)
            {
                targets.Add(new GradientCheckTarget(name, GradientCheckTensorKind.Input, working[i], report));
            }
        }
        return working;
    }

    private static string InputName(GradientCheckOptions options, int index, int count)
    {
        if (options.InputNames is { } names && index < names.Count && !string.IsNullOrEmpty(names[index]))
        {
            return names[index];
        }
        return count == 1 ? "input" : $"input[{index.ToString(CultureInfo.InvariantCulture)}]";
    }

    internal static string List(IReadOnlyList<string> items)
    {
        const int Shown = 5;
        string text = string.Join(", ", items.Take(Shown));
        return items.Count > Shown ? $"{text} and {(items.Count - Shown).ToString(CultureInfo.InvariantCulture)} more" : text;
    }

    internal static bool BitwiseEqual(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape))
        {
            return false;
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var left = a.detach().cpu().contiguous();
        var right = b.detach().cpu().contiguous();
        return left.bytes.SequenceEqual(right.bytes);
    }
}
