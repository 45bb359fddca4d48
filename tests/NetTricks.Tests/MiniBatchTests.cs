using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static NetTricks.Tests.TestSupport;

namespace NetTricks.Tests;

public class MiniBatchTests
{
    // Inputs whose column 0 is the sample id, targets = 10 * id, so pairing and order can be read back.
    private static (torch.Tensor X, torch.Tensor Y) Numbered(int count)
    {
        var ids = torch.arange(count, dtype: torch.float32);
        var x = torch.stack(new[] { ids, -ids, ids * ids }, dim: 1);
        return (x, ids * 10);
    }

    [Fact]
    public void Shuffled_pairs_cover_every_sample_exactly_once_per_epoch_and_keep_rows_paired()
    {
        var (x, y) = Numbered(103);
        var batches = MiniBatch.Shuffled(x, y, 16, generator: new torch.Generator(1));

        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<long>();
            var sizes = new List<long>();
            foreach (var (input, target) in batches)
            {
                var ids = Ids(input.select(1, 0));
                Assert.Equal(ids.Select(i => i * 10), Ids(target));
                Assert.Equal(ids.Select(i => -i), Ids(input.select(1, 1)));
                seen.AddRange(ids);
                sizes.Add(input.shape[0]);
            }
            Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), seen.OrderBy(i => i));
            Assert.Equal(new long[] { 16, 16, 16, 16, 16, 16, 7 }, sizes);
            Assert.NotEqual(Enumerable.Range(0, 103).Select(i => (long)i), seen); // actually shuffled
        }
    }

    [Fact]
    public void Shuffled_draws_a_fresh_permutation_on_every_enumeration()
    {
        var (x, _) = Numbered(64);
        var batches = MiniBatch.Shuffled(x, 64, generator: new torch.Generator(5));

        var first = batches.Select(b => Ids(b.select(1, 0))).Single();
        var second = batches.Select(b => Ids(b.select(1, 0))).Single();

        Assert.NotEqual(first, second);
        Assert.Equal(first.OrderBy(i => i), second.OrderBy(i => i));
    }

    [Fact]
    public void Shuffled_with_equally_seeded_generators_gives_the_same_order()
    {
        var (x, y) = Numbered(50);
        List<long[]> Order(long seed) =>
            MiniBatch.Shuffled(x, y, 7, generator: new torch.Generator((ulong)seed)).Select(b => Ids(b.Target)).ToList();

        Assert.Equal(Order(42), Order(42));
        Assert.NotEqual(Order(42), Order(43));
    }

    [Fact]
    public void DropLast_skips_only_the_incomplete_last_batch()
    {
        var (x, y) = Numbered(10);

        var kept = MiniBatch.Shuffled(x, y, 4, dropLast: true, generator: new torch.Generator(3)).Select(b => b.Input.shape[0]).ToList();
        var all = MiniBatch.Shuffled(x, y, 4, dropLast: false, generator: new torch.Generator(3)).Select(b => b.Input.shape[0]).ToList();
        var exact = MiniBatch.Shuffled(x, 5, dropLast: true).Select(b => b.shape[0]).ToList();
        var tooFew = MiniBatch.Shuffled(x, 11, dropLast: true).Count();

        Assert.Equal(new long[] { 4, 4 }, kept);
        Assert.Equal(new long[] { 4, 4, 2 }, all);
        Assert.Equal(new long[] { 5, 5 }, exact);
        Assert.Equal(0, tooFew);
    }

    [Fact]
    public void InOrder_yields_consecutive_samples_with_a_smaller_last_batch()
    {
        var (x, y) = Numbered(10);

        var batches = MiniBatch.InOrder(x, y, 4).Select(b => (Ids(b.Input.select(1, 0)), Ids(b.Target))).ToList();

        Assert.Equal(new[] { new long[] { 0, 1, 2, 3 }, new long[] { 4, 5, 6, 7 }, new long[] { 8, 9 } }, batches.Select(b => b.Item1));
        Assert.Equal(new long[] { 0, 10, 20, 30 }, batches[0].Item2);
    }

    [Fact]
    public void Batches_keep_the_trailing_dimensions_dtype_and_device_of_their_source()
    {
        var x = torch.zeros(new long[] { 9, 2, 3 }, dtype: torch.float64);
        var y = torch.zeros(9, dtype: torch.int64);

        foreach (var (input, target) in MiniBatch.Shuffled(x, y, 4, dropLast: true))
        {
            Assert.Equal(new long[] { 4, 2, 3 }, input.shape);
            Assert.Equal(new long[] { 4 }, target.shape);
            Assert.Equal(torch.float64, input.dtype);
            Assert.Equal(torch.int64, target.dtype);
            Assert.Equal(x.device.type, input.device.type);
        }
    }

    [Fact]
    public void A_batch_taken_out_of_the_sequence_by_linq_is_already_disposed_so_clone_inside_the_loop()
    {
        var x = torch.ones(6, 2);

        var escaped = MiniBatch.Shuffled(x, 3).First();
        var kept = MiniBatch.Shuffled(x, 3).Select(b => b.clone()).ToList();

        Assert.True(escaped.IsInvalid);
        Assert.All(kept, b => Assert.Equal(6f, b.sum().item<float>()));
    }

    [Fact]
    public void Empty_inputs_yield_no_batches()
    {
        var x = torch.zeros(0, 3);
        var y = torch.zeros(0);

        Assert.Empty(MiniBatch.Shuffled(x, y, 8));
        Assert.Empty(MiniBatch.InOrder(x, y, 8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Non_positive_batch_size_is_rejected_when_called_not_when_enumerated(int batchSize)
    {
        var (x, y) = Numbered(4);

        var pair = Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatch.Shuffled(x, y, batchSize));
        var single = Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatch.Shuffled(x, batchSize));
        var ordered = Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatch.InOrder(x, y, batchSize));

        Assert.All(new[] { pair, single, ordered }, e => Assert.Equal("batchSize", e.ParamName));
        Assert.Contains($"batchSize must be positive, but was {batchSize}", pair.Message);
    }

    [Fact]
    public void Different_sample_counts_are_rejected_naming_both_sizes()
    {
        var x = torch.zeros(100, 3);
        var y = torch.zeros(99);

        var shuffled = Assert.Throws<ArgumentException>(() => MiniBatch.Shuffled(x, y, 10));
        var ordered = Assert.Throws<ArgumentException>(() => MiniBatch.InOrder(x, y, 10));

        Assert.Contains("inputs has 100 and targets has 99", shuffled.Message);
        Assert.Contains("dimension 0", shuffled.Message);
        Assert.Equal("targets", shuffled.ParamName);
        Assert.Equal(shuffled.Message, ordered.Message);
    }

    [Fact]
    public void Scalar_null_and_disposed_tensors_are_rejected()
    {
        var scalar = torch.tensor(1.0f);
        var y = torch.zeros(3);
        var disposed = torch.zeros(3);
        disposed.Dispose();

        var zeroDim = Assert.Throws<ArgumentException>(() => MiniBatch.Shuffled(scalar, 2));
        var zeroDimTarget = Assert.Throws<ArgumentException>(() => MiniBatch.InOrder(y, scalar, 2));
        var nullInputs = Assert.Throws<ArgumentNullException>(() => MiniBatch.Shuffled(null!, y, 2));
        var gone = Assert.Throws<ArgumentException>(() => MiniBatch.Shuffled(disposed, 2));

        Assert.Contains("inputs is a 0-dimensional (scalar) tensor", zeroDim.Message);
        Assert.Equal("targets", zeroDimTarget.ParamName);
        Assert.Equal("inputs", nullInputs.ParamName);
        Assert.Contains("disposed", gone.Message);
    }
}

[Collection(GlobalStateCollection.Name)]
public class MiniBatchGlobalSeedTests
{
    [Fact]
    public void Shuffled_without_generator_is_reproducible_with_torch_manual_seed()
    {
        var x = torch.arange(40, dtype: torch.float32).unsqueeze(1);
        List<long[]> Order() => MiniBatch.Shuffled(x, 8).Select(Ids).ToList();

        torch.manual_seed(2024);
        var first = Order();
        torch.manual_seed(2024);
        var second = Order();
        var third = Order();

        Assert.Equal(first, second);
        Assert.NotEqual(second, third);
    }
}
