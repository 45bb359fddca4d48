using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NetTricks.Tests.ClippingTestSupport;
using static NetTricks.Tests.TestSupport;

namespace NetTricks.Tests;

public class GradientClipperTests
{
    private readonly List<ClipEvent> events = new();

    private GradientClipper Clipper(double maxNorm, double normType = 2.0, int? failAfter = null) =>
        new(maxNorm, normType, failAfter, onClip: e => events.Add(e));

    [Theory]
    [InlineData(2.0)]
    [InlineData(double.PositiveInfinity)]
    public void ClipGradNorm_changes_gradients_bit_for_bit_like_torch_clip_grad_norm_(double normType)
    {
        var model = ModelWithGradients(seed: 21);
        var original = CopyGradients(model.parameters());
        double torchNorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.7, normType);
        var expected = CopyGradients(model.parameters());
        RestoreGradients(model.parameters(), original);

        double norm = Clipper(0.7, normType).ClipGradNorm(model.parameters());

        Assert.Equal(torchNorm, norm);
        Assert.All(model.parameters().Select(p => p.grad!).Zip(expected), pair => Assert.True(BitwiseEqual(pair.First, pair.Second)));
        Assert.Single(events);
    }

    [Fact]
    public void Keeps_its_own_counters_separate_from_the_global_sites()
    {
        var clipper = Clipper(1.0);
        var other = Clipper(100.0);
        var parameter = new Parameter(torch.zeros(2));
        int line = 0;
        foreach (float scale in new[] { 1f, 1f, 0.1f, 3f })
        {
            parameter.grad = torch.tensor(new[] { 3f * scale, 4f * scale });
            line = LineHere(); clipper.ClipGradNorm(new[] { parameter });
            parameter.grad = torch.tensor(new[] { 3f * scale, 4f * scale });
            other.ClipGradNorm(new[] { parameter });
        }

        Assert.Equal((4L, 3L, 0L, 1), (clipper.Steps, clipper.ClippedSteps, clipper.NonFiniteSteps, clipper.ConsecutiveClips));
        Assert.Equal(15.0, clipper.MaxPreClipNorm, 4);
        Assert.Equal(2, clipper.Stats.LongestClipRun);
        Assert.Equal($"GradientClipperTests.cs:{line}", clipper.Stats.Location);
        Assert.Equal((4L, 0L), (other.Steps, other.ClippedSteps));
        Assert.Equal(new long[] { 1, 2, 4 }, events.Select(e => e.Step));
        Assert.DoesNotContain(CheckedClipping.Sites, s => s.Location == clipper.Stats.Location);
        Assert.StartsWith($"GradientClipperTests.cs:{line} clip_grad_norm (max norm 1, p = 2): 3 of 4 steps clipped (75 %)", clipper.ToString());

        clipper.Reset();
        Assert.Equal(0, clipper.Steps);
    }

    [Fact]
    public void Throws_after_the_configured_run_of_clipped_steps()
    {
        var clipper = Clipper(1.0, failAfter: 2);
        var parameter = WithGradient(30f, 40f);

        clipper.ClipGradNorm(new[] { parameter });
        parameter.grad = torch.tensor(new[] { 30f, 40f });
        var error = Assert.Throws<GradientExplosionException>(() => clipper.ClipGradNorm(new[] { parameter }));

        Assert.Equal(2, error.Step);
        Assert.Equal(50.0, error.PreClipNorm, 4);
        Assert.Contains("on 2 consecutive steps", error.Message);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void Non_finite_norm_is_reported_and_optionally_thrown()
    {
        var reporting = Clipper(1.0);
        var throwing = new GradientClipper(1.0, onClip: _ => { }) { ThrowOnNonFiniteNorm = true };

        double norm = reporting.ClipGradNorm(new[] { WithGradient(float.NaN, 0f) });
        var error = Assert.Throws<GradientExplosionException>(() => throwing.ClipGradNorm(new[] { WithGradient(float.PositiveInfinity) }));

        Assert.True(double.IsNaN(norm));
        Assert.True(Assert.Single(events).IsNonFinite);
        Assert.Equal(1, reporting.NonFiniteSteps);
        Assert.Contains("is Infinity (non-finite)", error.Message);
    }

    [Fact]
    public void Constructor_validates_and_defaults_to_the_standard_error_reporter()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClipper(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClipper(1, normType: -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientClipper(1, failAfterConsecutiveClips: 0));
        Assert.Throws<ArgumentNullException>(() => new GradientClipper(1).ClipGradNorm(null!));

        var clipper = new GradientClipper(0.5);
        Assert.Same(ClippingOptions.WriteToConsoleError, clipper.OnClip);
        Assert.Equal((0.5, 2.0, (int?)null), (clipper.MaxNorm, clipper.NormType, clipper.FailAfterConsecutiveClips));
    }
}
