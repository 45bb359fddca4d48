using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NetTricks.Tests.ClippingTestSupport;
using static NetTricks.Tests.TestSupport;

namespace NetTricks.Tests;

// CheckedClipping is process-wide: these tests run alone and restore its state.
[Collection(GlobalStateCollection.Name)]
public sealed class CheckedClippingTests : IDisposable
{
    private readonly List<ClipEvent> events = new();

    public CheckedClippingTests()
    {
        CheckedClipping.Reset();
        CheckedClipping.Options.RestoreDefaults();
        CheckedClipping.Options.OnClip = e => { lock (events) { events.Add(e); } };
    }

    public void Dispose()
    {
        CheckedClipping.Options.RestoreDefaults();
        CheckedClipping.Reset();
    }

    [Theory]
    [InlineData(2.0, 1.0)]
    [InlineData(2.0, 1e9)] // bound not reached: torch still multiplies by the clamped coefficient 1
    [InlineData(1.0, 0.5)]
    [InlineData(3.0, 0.5)]
    [InlineData(1.1, 2.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(double.PositiveInfinity, 0.25)]
    public void ClipGradNorm_changes_gradients_bit_for_bit_like_torch_clip_grad_norm_(double normType, double maxNorm)
    {
        var model = ModelWithGradients(seed: 7);
        var original = CopyGradients(model.parameters());

        double torchNorm = torch.nn.utils.clip_grad_norm_(model.parameters(), maxNorm, normType);
        var expected = CopyGradients(model.parameters());
        RestoreGradients(model.parameters(), original);
        double checkedNorm = CheckedClipping.ClipGradNorm(model.parameters(), maxNorm, normType);

        Assert.Equal(torchNorm, checkedNorm);
        var actual = model.parameters().Select(p => p.grad!).ToList();
        Assert.All(actual.Zip(expected), pair => Assert.True(BitwiseEqual(pair.First, pair.Second)));
        bool clipped = torchNorm > maxNorm;
        Assert.Equal(clipped, actual.Zip(original).Any(pair => !BitwiseEqual(pair.First, pair.Second)));
    }

    [Fact]
    public void ClipGradNorm_matches_torch_for_float64_a_single_parameter_and_parameters_without_gradient()
    {
        var model = ModelWithGradients(seed: 3, torch.ScalarType.Float64);
        var single = new[] { model.parameters().First() };
        var frozen = new Parameter(torch.ones(3)); // no gradient: skipped by both
        var parameters = model.parameters().Append(frozen).ToList();
        var original = CopyGradients(model.parameters());

        double torchAll = torch.nn.utils.clip_grad_norm_(parameters, 0.3);
        var expectedAll = CopyGradients(model.parameters());
        RestoreGradients(model.parameters(), original);
        double checkedAll = CheckedClipping.ClipGradNorm(parameters, 0.3);
        var actualAll = CopyGradients(model.parameters());
        RestoreGradients(model.parameters(), original);
        double torchSingle = torch.nn.utils.clip_grad_norm_(single, 0.3, 3.0);
        var expectedSingle = single[0].grad!.clone();
        RestoreGradients(model.parameters(), original);
        double checkedSingle = CheckedClipping.ClipGradNorm(single, 0.3, 3.0);

        Assert.Equal(torchAll, checkedAll);
        Assert.All(actualAll.Zip(expectedAll), pair => Assert.True(BitwiseEqual(pair.First, pair.Second)));
        Assert.Equal(torchSingle, checkedSingle);
        Assert.True(BitwiseEqual(expectedSingle, single[0].grad!));
        Assert.Null(frozen.grad);
        Assert.Equal(0.0, CheckedClipping.ClipGradNorm(new[] { frozen }, 1.0)); // like torch: nothing to clip
    }

    [Fact]
    public void ClipGradValue_clamps_bit_for_bit_like_torch_clip_grad_value_and_returns_the_largest_magnitude()
    {
        var model = ModelWithGradients(seed: 11);
        var original = CopyGradients(model.parameters());
        double largest = original.Max(g => g.abs().max().item<float>());

        torch.nn.utils.clip_grad_value_(model.parameters(), 0.5);
        var expected = CopyGradients(model.parameters());
        RestoreGradients(model.parameters(), original);
        double reported = CheckedClipping.ClipGradValue(model.parameters(), 0.5);

        Assert.Equal(largest, reported);
        Assert.All(model.parameters().Select(p => p.grad!).Zip(expected), pair => Assert.True(BitwiseEqual(pair.First, pair.Second)));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void Accepts_every_argument_shape_torch_clip_grad_norm_accepts()
    {
        var model = ModelWithGradients(seed: 5);
        var original = CopyGradients(model.parameters());
        Parameter[] array = model.parameters().ToArray();
        List<Parameter> list = model.parameters().ToList();

        // The NT4001 fix keeps the arguments and only renames the method: all of these must compile.
        double fromEnumerable = CheckedClipping.ClipGradNorm(model.parameters(), 1e9);
        double fromArray = CheckedClipping.ClipGradNorm(array, 1e9, 2.0);
        double fromList = CheckedClipping.ClipGradNorm(list, maxNorm: 1e9, normType: 2.0);
        double value = CheckedClipping.ClipGradValue(list, clipValue: 1e9);
        RestoreGradients(model.parameters(), original);
        double torchNorm = torch.nn.utils.clip_grad_norm_(array, 1e9);

        Assert.Equal(torchNorm, fromEnumerable, 4);
        Assert.Equal(torchNorm, fromArray, 4);
        Assert.Equal(torchNorm, fromList, 4);
        Assert.True(value > 0);
        Assert.Empty(events); // nothing exceeded 1e9
    }

    [Fact]
    public void Reports_each_clipped_step_with_site_step_and_run_length_and_not_the_unclipped_ones()
    {
        var parameter = new Parameter(torch.zeros(2));
        int callLine = 0;
        double Step(float scale)
        {
            parameter.grad = torch.tensor(new[] { 3f * scale, 4f * scale }); // norm 5 * scale
            callLine = LineHere(); return CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
        }

        var norms = new[] { Step(1), Step(0.1f), Step(1), Step(2) };

        Assert.Equal(new[] { 5.0, 0.5, 5.0, 10.0 }, norms.Select(n => Math.Round(n, 4)));
        Assert.Equal(new long[] { 1, 3, 4 }, events.Select(e => e.Step));
        Assert.Equal(new[] { 1, 1, 2 }, events.Select(e => e.ConsecutiveClips));
        Assert.All(events, e => Assert.Equal($"CheckedClippingTests.cs:{callLine}", e.Location));
        Assert.All(events, e => Assert.Equal(ClipKind.Norm, e.Kind));
        Assert.Equal("NetTricks: gradient norm 10 exceeded max norm 1 at " + $"CheckedClippingTests.cs:{callLine} (step 4, 2 consecutive clipped steps)", events[2].Message);
        Assert.Equal(1.0, Norm(parameter.grad!), 4); // clipped to the bound

        var site = Assert.Single(CheckedClipping.Sites);
        Assert.Equal((4L, 3L, 0L, 2, 2), (site.Steps, site.ClippedSteps, site.NonFiniteSteps, site.ConsecutiveClips, site.LongestClipRun));
        Assert.Equal(10.0, site.MaxPreClipNorm, 4);
        Assert.Equal(callLine, site.Line);
        Assert.EndsWith("CheckedClippingTests.cs", site.File);
    }

    [Fact]
    public void Default_reporter_writes_one_readable_line_per_clipped_step_to_standard_error()
    {
        CheckedClipping.Options.RestoreDefaults();
        var parameter = WithGradient(30f, 40f);
        var captured = new StringWriter();
        var original = Console.Error;
        Console.SetError(captured);
        int line;
        try
        {
            line = LineHere(); CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
            parameter.grad = torch.tensor(new[] { 0.3f, 0.4f });
            CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(
            $"NetTricks: gradient norm 50 exceeded max norm 1 at CheckedClippingTests.cs:{line} (step 1, 1 consecutive clipped step)" + Environment.NewLine,
            captured.ToString());
    }

    [Fact]
    public void FailAfterConsecutiveClips_throws_naming_site_step_and_norm_once_the_run_is_long_enough()
    {
        CheckedClipping.Options.FailAfterConsecutiveClips = 3;
        var parameter = new Parameter(torch.zeros(2));
        int line = 0;
        void Step(float scale)
        {
            parameter.grad = torch.tensor(new[] { 3f * scale, 4f * scale });
            line = LineHere(); CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
        }

        Step(1); Step(1); Step(0.1f); Step(1); Step(1); // the unclipped step resets the run
        var error = Assert.Throws<GradientExplosionException>(() => Step(1));

        Assert.Equal($"CheckedClippingTests.cs:{line}", error.Location);
        Assert.Equal(6, error.Step);
        Assert.Equal(5.0, error.PreClipNorm, 4);
        Assert.Equal(3, error.ConsecutiveClips);
        Assert.Contains($"at CheckedClippingTests.cs:{line}", error.Message);
        Assert.Contains("on 3 consecutive steps (step 6, pre-clip norm 5)", error.Message);
        Assert.Equal(1.0, Norm(parameter.grad!), 4); // clipped before throwing
        Assert.Equal(5, events.Count); // reported before throwing
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_norm_is_reported_as_such_and_gradients_end_up_as_torch_leaves_them(float bad, string shown)
    {
        var parameter = WithGradient(bad, 1f);
        var twin = WithGradient(bad, 1f);

        double norm = CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
        double torchNorm = torch.nn.utils.clip_grad_norm_(new[] { twin }, 1.0);

        var e = Assert.Single(events);
        Assert.True(e.IsNonFinite);
        Assert.Equal(shown, norm.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(torchNorm, norm);
        Assert.StartsWith($"NetTricks: gradient norm is {shown} (non-finite) at CheckedClippingTests.cs:", e.Message);
        Assert.Contains("NaN or infinity", e.Message);
        Assert.True(BitwiseEqual(twin.grad!, parameter.grad!));
        Assert.Equal(1, Assert.Single(CheckedClipping.Sites).NonFiniteSteps);
    }

    [Fact]
    public void ThrowOnNonFiniteNorm_fails_at_the_first_nan_gradient()
    {
        CheckedClipping.Options.ThrowOnNonFiniteNorm = true;

        var error = Assert.Throws<GradientExplosionException>(() => CheckedClipping.ClipGradNorm(new[] { WithGradient(1f, float.NaN) }, 1.0));
        var valueError = Assert.Throws<GradientExplosionException>(() => CheckedClipping.ClipGradValue(new[] { WithGradient(float.NaN) }, 1.0));

        Assert.True(error.Event.IsNonFinite);
        Assert.Contains("is NaN (non-finite)", error.Message);
        Assert.Equal(ClipKind.Value, valueError.Event.Kind);
    }

    [Fact]
    public void ClipGradValue_reports_only_steps_where_some_gradient_exceeded_the_value()
    {
        int line = LineHere(); CheckedClipping.ClipGradValue(new[] { WithGradient(0.2f, -0.9f) }, 1.0);
        CheckedClipping.ClipGradValue(new[] { WithGradient(0.2f, -2.5f) }, 1.0);

        var e = Assert.Single(events);
        Assert.Equal(ClipKind.Value, e.Kind);
        Assert.Equal(2.5, e.PreClipNorm, 4);
        Assert.Equal($"CheckedClippingTests.cs:{line + 1}", e.Location); // the second line is a site of its own
        Assert.Equal(1, e.Step);
        Assert.Equal("NetTricks: largest gradient value 2.5 exceeded clip value 1 at " + e.Location + " (step 1, 1 consecutive clipped step)", e.Message);
        Assert.Equal(2, CheckedClipping.Sites.Count);
    }

    [Fact]
    public void Sites_and_Report_summarise_each_call_site_and_Reset_forgets_them()
    {
        var parameter = new Parameter(torch.zeros(2));
        for (int i = 0; i < 4; i++)
        {
            parameter.grad = torch.tensor(new[] { 3f, 4f * i });
            CheckedClipping.ClipGradNorm(new[] { parameter }, 6.0);
            parameter.grad = torch.tensor(new[] { 0.1f, 0.1f });
            CheckedClipping.ClipGradValue(new[] { parameter }, 1.0);
        }

        var sites = CheckedClipping.Sites;
        string report = CheckedClipping.Report();
        CheckedClipping.Reset();

        Assert.Equal(2, sites.Count);
        Assert.Equal((ClipKind.Norm, 4L, 2L), (sites[0].Kind, sites[0].Steps, sites[0].ClippedSteps)); // norms 3, 5, 8.54, 12.37
        Assert.Equal((ClipKind.Value, 4L, 0L), (sites[1].Kind, sites[1].Steps, sites[1].ClippedSteps));
        Assert.StartsWith("NetTricks checked clipping: 2 call sites", report);
        Assert.Contains($"{sites[0].Location} clip_grad_norm (max norm 6, p = 2): 2 of 4 steps clipped (50 %), 0 non-finite, max pre-clip norm 12.37", report);
        Assert.Contains($"{sites[1].Location} clip_grad_value (clip value 1): 0 of 4 steps clipped (0 %)", report);
        Assert.Empty(CheckedClipping.Sites);
        Assert.Equal("NetTricks checked clipping: no clipping calls recorded.", CheckedClipping.Report());
    }

    [Fact]
    public void Concurrent_calls_at_one_site_are_all_counted()
    {
        const int threads = 4, steps = 50;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            var parameter = new Parameter(torch.zeros(2));
            for (int i = 0; i < steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                parameter.grad = torch.tensor(new[] { 3f, 4f });
                CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0);
            }
        });

        var site = Assert.Single(CheckedClipping.Sites);
        Assert.Equal(threads * steps, site.Steps);
        Assert.Equal(threads * steps, site.ClippedSteps);
        Assert.Equal(threads * steps, site.LongestClipRun);
        Assert.Equal(Enumerable.Range(1, threads * steps).Select(i => (long)i), events.Select(e => e.Step).OrderBy(s => s));
    }

    [Fact]
    public void Invalid_arguments_are_rejected_before_touching_gradients()
    {
        var parameter = WithGradient(3f, 4f);

        Assert.Throws<ArgumentNullException>(() => CheckedClipping.ClipGradNorm(null!, 1.0));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => CheckedClipping.ClipGradNorm(new[] { parameter }, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckedClipping.ClipGradNorm(new[] { parameter }, 1.0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckedClipping.ClipGradValue(new[] { parameter }, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckedClipping.Options.FailAfterConsecutiveClips = 0);

        Assert.Equal("maxNorm", negative.ParamName);
        Assert.Equal(5.0, Norm(parameter.grad!), 4);
        Assert.Empty(CheckedClipping.Sites);
    }
}
