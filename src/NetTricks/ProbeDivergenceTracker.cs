using System;

namespace NetTricks;

/// <summary>
/// Smooths a stream of losses (exponential moving average with bias correction) and decides when it has
/// diverged: a NaN or infinite loss, or a smoothed loss above <c>factor</c> times the reference, which is
/// the lower of the first loss and the best smoothed loss after the first <c>ignoreFirst</c> steps, which are
/// left out of the average that follows them.
/// </summary>
internal sealed class ProbeDivergenceTracker
{
    private readonly double beta;
    private readonly double factor;
    private readonly int ignoreFirst;
    private double average;
    private int steps;
    private int averaged;
    private double first = double.NaN;
    private double best = double.PositiveInfinity;

    public ProbeDivergenceTracker(double beta, double factor, int ignoreFirst)
    {
        this.beta = beta;
        this.factor = factor;
        this.ignoreFirst = ignoreFirst;
    }

    /// <summary>The bias-corrected smoothed loss after the latest <see cref="Add"/> (NaN or infinite after a non-finite loss).</summary>
    public double Smoothed { get; private set; } = double.NaN;

    /// <summary>What <see cref="Smoothed"/> is compared with: <c>min(first loss, best smoothed loss)</c>.</summary>
    public double Reference => Math.Min(first, best);

    /// <summary>Adds the next loss; returns <c>true</c> when the losses have diverged.</summary>
    public bool Add(double loss)
    {
        if (!double.IsFinite(loss))
        {
            Smoothed = loss;
            return true;
        }
        steps++;
        if (steps == 1)
        {
            first = loss;
        }
        if (steps == ignoreFirst + 1)
        {
            // The first steps are noisy (one batch each, fresh optimizer state): the average starts afresh after them,
            // so a spike there cannot leak into the smoothed loss, and they set no best loss, so a lucky low value
            // there cannot make ordinary later losses look divergent. The first loss still counts (see Reference): it
            // is the loss at the starting weights, and a loss well above it is divergence whatever came before.
            average = 0;
            averaged = 0;
        }
        averaged++;
        average = beta * average + (1 - beta) * loss;
        // Without the correction the average starts at 0 and would look like a fast-falling loss for ~1/(1-beta) steps.
        Smoothed = average / (1 - Math.Pow(beta, averaged));
        if (steps <= ignoreFirst)
        {
            return false;
        }
        if (Smoothed > factor * Reference)
        {
            return true;
        }
        best = Math.Min(best, Smoothed);
        return false;
    }
}
