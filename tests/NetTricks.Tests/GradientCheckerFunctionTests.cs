using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetTricks.Tests;

// The checker replays and restores the global CPU random state, so it runs apart from tests that seed it.
[Collection(GlobalStateCollection.Name)]
public class GradientCheckerFunctionTests
{
    private static Tensor Point(params double[] values) => torch.tensor(values, dtype: float64).requires_grad_();

    [Fact]
    public void Correct_custom_autograd_function_passes_with_every_element_checked()
    {
        var x = Point(-1.5, -0.3, 0.7, 2.0);

        var result = GradientChecker.CheckAutogradFunction<Cube>(x);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(0, result.MismatchCount);
        Assert.Equal(16, result.Comparisons); // 4 outputs x 4 elements: the full Jacobian
        Assert.Equal(4, result.ElementsChecked);
        Assert.Equal("autograd function Cube", result.Subject);
        Assert.Equal(GradientCheckTensorStatus.Checked, Assert.Single(result.Tensors).Status);
        Assert.Equal(2 + 2 * 4, result.ForwardPasses); // with grad, without grad, then two per element
        Assert.Equal(4, result.BackwardPasses); // one per output element
    }

    [Fact]
    public void Wrong_factor_in_backward_fails_naming_the_input_index_and_both_values()
    {
        var x = Point(-1.5, -0.3, 0.7, 2.0);

        var result = GradientChecker.CheckAutogradFunction<CubeWrongFactor>(x, new GradientCheckOptions { InputNames = new[] { "x" } });

        Assert.False(result.Passed);
        Assert.Equal(4, result.MismatchCount); // the diagonal; off-diagonal entries are 0 on both sides
        var worst = result.WorstMismatch!;
        Assert.Equal("x", worst.TensorName);
        Assert.Equal(GradientCheckTensorKind.Input, worst.Kind);
        Assert.Equal(new long[] { 3 }, worst.Index); // x = 2 has the largest error, 12 vs 8
        Assert.Equal(new long[] { 3 }, worst.OutputIndex);
        Assert.Equal(2 * 2.0 * 2.0, worst.Analytic, 9);
        Assert.Equal(3 * 2.0 * 2.0, worst.Numeric, 6);
        Assert.False(worst.IsNonDifferentiablePoint);
        Assert.Contains("input 'x' [3] (output [3]): analytic 8 vs numeric 12", result.ToString());
        Assert.Equal(4, result.Tensors.Single().Mismatches);
    }

    [Fact]
    public void Sign_error_in_backward_fails_and_ThrowIfFailed_throws_the_report()
    {
        var x = Point(0.5, -1.25, 1.5);

        var result = GradientChecker.CheckAutogradFunction<CubeSignError>(x);

        Assert.False(result.Passed);
        Assert.All(result.Mismatches, m => Assert.Equal(-m.Numeric, m.Analytic, 6));
        var exception = Assert.Throws<GradientCheckFailedException>(() => result.ThrowIfFailed());
        Assert.Same(result, exception.Result);
        Assert.StartsWith("NetTricks gradient check FAILED (autograd function CubeSignError, full mode", exception.Message);
        Assert.Contains("input 'input' [2]", exception.Message);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void Fast_mode_catches_the_same_planted_bugs_in_a_few_passes(int variant, bool perTensor)
    {
        var x = Point(-1.5, -0.3, 0.7, 2.0, 1.1);
        var options = new GradientCheckOptions { Mode = GradientCheckMode.Fast, Projections = 2, ProjectPerTensor = perTensor };

        var wrong = variant == 1 ? GradientChecker.CheckAutogradFunction<CubeWrongFactor>(x, options) : GradientChecker.CheckAutogradFunction<CubeSignError>(x, options);
        var right = GradientChecker.CheckAutogradFunction<Cube>(x, options);

        Assert.False(wrong.Passed);
        Assert.Equal(2, wrong.MismatchCount); // both projections
        Assert.Equal("input", wrong.WorstMismatch!.TensorName);
        Assert.Null(wrong.WorstMismatch.Index); // fast mode names the tensor, not the element
        Assert.NotNull(wrong.WorstMismatch.Projection);
        double expectedRatio = variant == 1 ? 2.0 / 3.0 : -1.0;
        Assert.All(wrong.Mismatches, m => Assert.Equal(expectedRatio, m.Analytic / m.Numeric, 4));
        Assert.True(right.Passed, right.ToString());
        Assert.Equal(2 + 2 * 2, right.ForwardPasses); // baseline twice, then 2 per projection
        Assert.Equal(2, right.BackwardPasses);
    }

    [Fact]
    public void Multi_output_custom_function_passes_and_vector_Jacobian_mode_agrees()
    {
        var generator = new torch.Generator(7, torch.CPU);
        var a = torch.randn(new long[] { 2, 3 }, dtype: float64, generator: generator).requires_grad_();
        var b = torch.randn(new long[] { 2, 3 }, dtype: float64, generator: generator).requires_grad_();

        var full = GradientChecker.CheckAutogradFunction<ProductAndSine>(new[] { a, b });
        var products = GradientChecker.CheckAutogradFunction<ProductAndSine>(new[] { a, b }, new GradientCheckOptions { FullJacobian = false, Projections = 2 });

        Assert.True(full.Passed, full.ToString());
        Assert.Equal(12 * 12, full.Comparisons); // 12 output elements x 12 input elements
        Assert.Equal(new[] { "input[0]", "input[1]" }, full.Tensors.Select(t => t.Name));
        Assert.True(products.Passed, products.ToString());
        Assert.Equal(2 * 12, products.Comparisons);
        Assert.Equal(2, products.BackwardPasses);
    }

    [Fact]
    public void Vector_Jacobian_mode_still_locates_a_planted_bug_by_element()
    {
        var x = Point(-1.5, 0.7, 2.0);

        var result = GradientChecker.CheckAutogradFunction<CubeWrongFactor>(x, new GradientCheckOptions { FullJacobian = false });

        Assert.False(result.Passed);
        Assert.All(result.Mismatches, m => Assert.NotNull(m.Index));
        Assert.Contains(result.Mismatches, m => m.Index![0] == 2);
    }

    [Fact]
    public void Plain_function_of_several_inputs_checks_those_that_require_grad_and_lists_the_others()
    {
        var generator = new torch.Generator(3, torch.CPU);
        var w = torch.randn(new long[] { 3, 2 }, dtype: float64, generator: generator).requires_grad_();
        var x = torch.randn(new long[] { 4, 3 }, dtype: float64, generator: generator); // a constant
        var labels = torch.tensor(new long[] { 0, 1, 1, 0 });

        var result = GradientChecker.Check(
            xs => nn.functional.cross_entropy(xs[1].matmul(xs[0]), xs[2]),
            new[] { w, x, labels },
            new GradientCheckOptions { InputNames = new[] { "w", "x", "labels" } });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(6, result.Comparisons); // scalar loss x 6 weights
        Assert.Equal(GradientCheckTensorStatus.Checked, result.Tensors.Single(t => t.Name == "w").Status);
        Assert.Equal(GradientCheckTensorStatus.DoesNotRequireGrad, result.Tensors.Single(t => t.Name == "x").Status);
        Assert.DoesNotContain(result.Tensors, t => t.Name == "labels"); // integer inputs are passed through
        Assert.Contains("input 'x' [4, 3] Float64: not checked (requires_grad is false)", result.ToString());
        Assert.False(w.grad is not null && !w.grad.IsInvalid, "the checker must not accumulate into .grad");
    }

    [Fact]
    public void No_input_requiring_grad_is_refused_with_a_hint()
    {
        var x = torch.ones(3, dtype: float64);

        var error = Assert.Throws<ArgumentException>(() => GradientChecker.Check(t => t * 2, x));

        Assert.Contains("No input requires grad", error.Message);
        Assert.Contains("requires_grad_()", error.Message);
    }

    [Fact]
    public void Float32_input_is_refused_naming_it_and_the_opt_in_checks_a_float64_copy()
    {
        var x = torch.tensor(new[] { 0.5f, -1.0f, 2.0f }).requires_grad_();

        var error = Assert.Throws<ArgumentException>(() => GradientChecker.CheckAutogradFunction<Cube>(x, new GradientCheckOptions { InputNames = new[] { "x" } }));
        var converted = GradientChecker.CheckAutogradFunction<Cube>(x, new GradientCheckOptions { ConvertToFloat64 = true });
        var half = Assert.Throws<ArgumentException>(() => GradientChecker.Check(t => t * t, x.to(float16).requires_grad_()));

        Assert.Contains("input 'x' is Float32", error.Message);
        Assert.Contains("ConvertToFloat64", error.Message);
        Assert.True(converted.Passed, converted.ToString());
        Assert.Contains(converted.Notes, n => n.Contains("ConvertToFloat64") && n.Contains("Float32"));
        Assert.Equal(ScalarType.Float32, x.dtype); // the caller's tensor is untouched
        Assert.Contains("is Float16", half.Message);
    }

    [Fact]
    public void Function_that_lowers_precision_inside_is_refused()
    {
        var x = Point(1.0, 2.0);

        var error = Assert.Throws<InvalidOperationException>(() => GradientChecker.Check(t => t.to(float32) * 2, x));

        Assert.Contains("output is Float32", error.Message);
    }

    [Fact]
    public void Relu_and_abs_at_zero_are_reported_as_non_differentiable_points_not_as_bugs()
    {
        var x = Point(-1.0, 0.0, 2.0);

        var relu = GradientChecker.Check(t => nn.functional.relu(t), x);
        var abs = GradientChecker.Check(t => t.abs(), x);
        var fast = GradientChecker.Check(t => nn.functional.relu(t).sum(), x, new GradientCheckOptions { Mode = GradientCheckMode.Fast });

        foreach (var result in new[] { relu, abs })
        {
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(0, result.MismatchCount);
            Assert.Equal(1, result.NonDifferentiablePointCount);
            var kink = Assert.Single(result.NonDifferentiablePoints);
            Assert.True(kink.IsNonDifferentiablePoint);
            Assert.Equal(new long[] { 1 }, kink.Index);
            Assert.Contains("non-differentiable point", result.ToString());
        }
        Assert.Equal(0.0, relu.NonDifferentiablePoints[0].LeftDerivative!.Value, 9);
        Assert.Equal(1.0, relu.NonDifferentiablePoints[0].RightDerivative!.Value, 9);
        Assert.True(fast.Passed, fast.ToString());
        Assert.True(fast.NonDifferentiablePointCount > 0, fast.ToString());
        var strict = GradientChecker.Check(t => nn.functional.relu(t), x, new GradientCheckOptions { FailOnNonDifferentiablePoints = true });
        Assert.False(strict.Passed);
    }

    [Fact]
    public void Wrong_backward_at_a_kink_is_still_a_mismatch()
    {
        var x = Point(0.0, 1.0);

        // A "relu" whose gradient at the kink is 3: outside the one-sided derivatives 0 and 1.
        var result = GradientChecker.Check(t => nn.functional.relu(t) + (t - t.detach()) * t.eq(0).to(float64) * 3, x);

        Assert.False(result.Passed);
        var mismatch = Assert.Single(result.Mismatches);
        Assert.True(mismatch.IsNonDifferentiablePoint);
        Assert.Equal(3.0, mismatch.Analytic, 9);
    }

    [Fact]
    public void Dropout_inside_the_function_is_replayed_identically_and_the_random_stream_is_restored()
    {
        var x = Point(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8);
        var before = torch.get_rng_state();

        var result = GradientChecker.Check(t => nn.functional.dropout(t * t, 0.5, training: true), x);

        Assert.True(result.Passed, result.ToString());
        Assert.True(before.bytes.SequenceEqual(torch.get_rng_state().bytes), "the check must not advance the global random stream");
    }

    [Fact]
    public void Nondeterministic_function_is_reported_as_the_problem()
    {
        var x = Point(1.0, 2.0);
        int calls = 0;

        var result = GradientChecker.Check(t => t * (1 + 1e-3 * calls++), x);

        Assert.False(result.Passed);
        Assert.NotNull(result.Problem);
        Assert.Contains("not deterministic", result.Problem);
        Assert.Equal(0, result.Comparisons);
    }

    [Fact]
    public void Options_are_validated_with_clear_messages()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { Epsilon = 0 });
        Assert.Contains("Epsilon must be a positive finite number, but was 0", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { RelativeTolerance = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { Projections = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCheckOptions { MaxElementsPerTensor = 0 });
        var defaults = GradientCheckOptions.Default;
        Assert.Equal((1e-6, 1e-5, 1e-3, GradientCheckMode.Full, 3), (defaults.Epsilon, defaults.AbsoluteTolerance, defaults.RelativeTolerance, defaults.Mode, defaults.Projections));
    }
}

// Custom autograd functions and modules the gradient checker tests run on, with correct and deliberately planted
// wrong backward passes.

/// <summary>y = x³, correct backward 3x².</summary>
internal sealed class Cube : autograd.SingleTensorFunction<Cube>
{
    public override string Name => nameof(Cube);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_for_backward(new List<Tensor> { x });
        return x.pow(3);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var x = ctx.get_saved_variables()[0];
        return new List<Tensor> { gradOutput * 3 * x.pow(2) };
    }
}

/// <summary>y = x³ with the planted bug d/dx x³ = 2x² (wrong factor).</summary>
internal sealed class CubeWrongFactor : autograd.SingleTensorFunction<CubeWrongFactor>
{
    public override string Name => nameof(CubeWrongFactor);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_for_backward(new List<Tensor> { x });
        return x.pow(3);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var x = ctx.get_saved_variables()[0];
        return new List<Tensor> { gradOutput * 2 * x.pow(2) };
    }
}

/// <summary>y = x³ with the planted bug d/dx x³ = −3x² (sign error).</summary>
internal sealed class CubeSignError : autograd.SingleTensorFunction<CubeSignError>
{
    public override string Name => nameof(CubeSignError);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_for_backward(new List<Tensor> { x });
        return x.pow(3);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var x = ctx.get_saved_variables()[0];
        return new List<Tensor> { -(gradOutput * 3 * x.pow(2)) };
    }
}

/// <summary>(a, b) ↦ (a·b, sin a): two inputs, two outputs, correct backward.</summary>
internal sealed class ProductAndSine : autograd.MultiTensorFunction<ProductAndSine>
{
    public override string Name => nameof(ProductAndSine);

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var a = (Tensor)vars[0];
        var b = (Tensor)vars[1];
        ctx.save_for_backward(new List<Tensor> { a, b });
        return new List<Tensor> { a * b, a.sin() };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        var saved = ctx.get_saved_variables();
        var (a, b) = (saved[0], saved[1]);
        return new List<Tensor> { gradOutputs[0] * b + gradOutputs[1] * a.cos(), gradOutputs[0] * a };
    }
}

