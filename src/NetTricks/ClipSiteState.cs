using System;

namespace NetTricks;

// Running statistics of one call site or clipper. Not synchronised: callers hold their own lock.
internal sealed class ClipSiteState
{
    private readonly ClipKind kind;
    private string file;
    private int line;
    private double bound;
    private double normType;
    private long steps;
    private long clippedSteps;
    private long nonFiniteSteps;
    private int consecutiveClips;
    private int longestClipRun;
    private double maxPreClipNorm;
    private double lastPreClipNorm;

    internal ClipSiteState(ClipKind kind, string file, int line)
    {
        this.kind = kind;
        this.file = file;
        this.line = line;
    }

    // Records one call; returns the event to report when the step clipped or was non-finite.
    internal ClipEvent? Record(double preClipNorm, double bound, double normType, string file, int line)
    {
        this.file = file;
        this.line = line;
        this.bound = bound;
        this.normType = normType;
        steps++;
        lastPreClipNorm = preClipNorm;
        if (!double.IsNaN(preClipNorm))
        {
            maxPreClipNorm = Math.Max(maxPreClipNorm, preClipNorm);
        }

        bool nonFinite = double.IsNaN(preClipNorm) || double.IsInfinity(preClipNorm);
        if (!nonFinite && preClipNorm <= bound)
        {
            consecutiveClips = 0;
            return null;
        }

        clippedSteps++;
        if (nonFinite)
        {
            nonFiniteSteps++;
        }
        consecutiveClips++;
        longestClipRun = Math.Max(longestClipRun, consecutiveClips);
        return new ClipEvent(kind, file, line, steps, preClipNorm, bound, normType, consecutiveClips);
    }

    internal ClippingSiteStats Snapshot() => new(
        kind, file, line, bound, normType, steps, clippedSteps, nonFiniteSteps,
        consecutiveClips, longestClipRun, maxPreClipNorm, lastPreClipNorm);

    // Reports outside any lock, then applies the failure policy.
    internal static void Publish(ClipEvent? clipEvent, Action<ClipEvent>? onClip, int? failAfter, bool throwOnNonFinite)
    {
        if (clipEvent is null)
        {
            return;
        }
        onClip?.Invoke(clipEvent);
        if ((clipEvent.IsNonFinite && throwOnNonFinite) || (failAfter is int limit && clipEvent.ConsecutiveClips >= limit))
        {
            throw new GradientExplosionException(clipEvent);
        }
    }

    internal static void ValidateBound(double value, string paramName)
    {
        // A negative bound flips (norm) or collapses (value) every gradient: always a bug, never clipping.
        if (double.IsNaN(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a non-negative number, but was {ClipEvent.Format(value)}.");
        }
    }

    internal static void ValidateNormType(double normType, string paramName)
    {
        if (double.IsNaN(normType) || normType < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, normType, $"{paramName} must be a non-negative p (or positive infinity), but was {ClipEvent.Format(normType)}.");
        }
    }
}
