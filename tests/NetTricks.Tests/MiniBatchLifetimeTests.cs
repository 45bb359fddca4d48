using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static NetTricks.Tests.TestSupport;

namespace NetTricks.Tests;

// Pins the lifetime contract: the enumerator owns each batch for exactly one iteration, whatever dispose
// scopes the caller uses. Counts come from TorchSharp's per-thread live-tensor statistics.
public class MiniBatchLifetimeTests
{
    // Per test instance (xunit creates one per test), so they exist before any "before" count is taken.
    private readonly torch.Tensor X = torch.randn(256, 8, generator: new torch.Generator(1));
    private readonly torch.Tensor Y = torch.randn(256, 1, generator: new torch.Generator(2));

    [Fact]
    public void Scope_per_iteration_keeps_live_tensors_constant_and_releases_everything_after_the_loop()
    {
        long before = LiveTensors;
        var livePerIteration = new List<long>();
        var previous = new List<torch.Tensor>();

        foreach (var (x, y) in MiniBatch.Shuffled(X, Y, 16, generator: new torch.Generator(3)))
        {
            using var scope = torch.NewDisposeScope();
            var loss = (x.sum(1, keepdim: true) - y).pow(2).mean();
            Assert.True(loss.item<float>() >= 0);
            livePerIteration.Add(LiveTensors);
            previous.Add(x);
        }

        Assert.Equal(16, livePerIteration.Count);
        Assert.All(livePerIteration, live => Assert.Equal(livePerIteration[0], live));
        Assert.Equal(before, LiveTensors);
        Assert.All(previous, x => Assert.True(x.IsInvalid)); // each batch was released
    }

    [Fact]
    public void No_scope_at_all_keeps_only_the_current_batch_alive()
    {
        long before = LiveTensors;
        var livePerIteration = new List<long>();

        foreach (var (x, y) in MiniBatch.Shuffled(X, Y, 32))
        {
            livePerIteration.Add(LiveTensors);
        }

        Assert.All(livePerIteration, live => Assert.Equal(livePerIteration[0], live));
        Assert.Equal(before, LiveTensors);
    }

    [Fact]
    public void One_scope_around_the_loop_does_not_collect_the_batches()
    {
        using var outer = torch.NewDisposeScope();
        int ownedBefore = outer.DisposablesCount;

        foreach (var (x, y) in MiniBatch.Shuffled(X, Y, 32))
        {
            Assert.Equal(ownedBefore, outer.DisposablesCount);
            Assert.False(outer.Contains(x));
        }

        Assert.Equal(ownedBefore, outer.DisposablesCount);
    }

    [Fact]
    public void Batch_stays_valid_through_its_iteration_even_if_the_caller_disposes_everything_in_its_scopes()
    {
        using var outer = torch.NewDisposeScope();
        foreach (var (x, y) in MiniBatch.Shuffled(X, Y, 64))
        {
            using (var inner = torch.NewDisposeScope())
            {
                _ = x * 2;
            }
            outer.DisposeEverything(); // NT8001's "DisposeEverything per iteration" pattern

            Assert.False(x.IsInvalid);
            Assert.False(y.IsInvalid);
            Assert.Equal(64, x.shape[0]);
            Assert.True(float.IsFinite(x.sum().item<float>()));
        }
    }

    [Fact]
    public void Batch_is_disposed_when_the_enumerator_advances_and_a_clone_survives()
    {
        using var enumerator = MiniBatch.Shuffled(X, 100).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        var first = enumerator.Current;
        var kept = first.clone();

        Assert.True(enumerator.MoveNext());

        Assert.True(first.IsInvalid);
        Assert.False(kept.IsInvalid);
        Assert.Equal(new long[] { 100, 8 }, kept.shape);
        kept.Dispose();
    }

    [Fact]
    public void Breaking_out_of_the_loop_releases_the_current_batch_and_the_permutation()
    {
        long before = LiveTensors;
        torch.Tensor? last = null;

        foreach (var (x, _) in MiniBatch.Shuffled(X, Y, 16))
        {
            last = x;
            break;
        }

        Assert.True(last!.IsInvalid);
        Assert.Equal(before, LiveTensors);
    }

    [Fact]
    public void In_order_batches_are_views_of_the_source_released_per_iteration()
    {
        var source = X.clone();
        long before = LiveTensors;
        int count = 0;

        foreach (var (x, _) in MiniBatch.InOrder(source, Y, 100))
        {
            using var scope = torch.NewDisposeScope();
            x[0, 0] = torch.tensor(1000f + count); // writes through to the source: no copy was made
            count++;
        }

        Assert.Equal(3, count);
        Assert.Equal(before, LiveTensors);
        Assert.Equal(1000f, source[0, 0].item<float>());
        Assert.Equal(1001f, source[100, 0].item<float>());
        Assert.Equal(1002f, source[200, 0].item<float>());
    }
}
