namespace NetTricks;

/// <summary>A snapshot of the statistics of one clipping call site (or one <see cref="GradientClipper"/>).</summary>
public sealed class ClippingSiteStats
{
    internal ClippingSiteStats(
        ClipKind kind, string file, int line, double bound, double normType, long steps, long clippedSteps, long nonFiniteSteps,
        int consecutiveClips, int longestClipRun, double maxPreClipNorm, double lastPreClipNorm)
    {
        Kind = kind;
        File = file;
        Line = line;
        Bound = bound;
        NormType = normType;
        Steps = steps;
        ClippedSteps = clippedSteps;
        NonFiniteSteps = nonFiniteSteps;
        ConsecutiveClips = consecutiveClips;
        LongestClipRun = longestClipRun;
        MaxPreClipNorm = maxPreClipNorm;
        LastPreClipNorm = lastPreClipNorm;
    }

    /// <summary>Norm clipping or value clipping.</summary>
    public ClipKind Kind { get; }

    /// <summary>Source file of the call site (for a <see cref="GradientClipper"/>: of its latest call).</summary>
    public string File { get; }

    /// <summary>Line of the call site (for a <see cref="GradientClipper"/>: of its latest call).</summary>
    public int Line { get; }

    /// <summary>The call site as <c>FileName.cs:line</c>.</summary>
    public string Location => ClipEvent.FormatLocation(File, Line);

    /// <summary>The bound of the latest call (<c>maxNorm</c> or <c>clipValue</c>).</summary>
    public double Bound { get; }

    /// <summary>The p of the norm of the latest call (positive infinity for value clipping).</summary>
    public double NormType { get; }

    /// <summary>Calls recorded.</summary>
    public long Steps { get; }

    /// <summary>Calls whose pre-clip norm exceeded the bound or was non-finite.</summary>
    public long ClippedSteps { get; }

    /// <summary>Calls whose pre-clip norm was NaN or infinite (included in <see cref="ClippedSteps"/>).</summary>
    public long NonFiniteSteps { get; }

    /// <summary>The current run of consecutive clipped steps (0 after an unclipped step).</summary>
    public int ConsecutiveClips { get; }

    /// <summary>The longest run of consecutive clipped steps so far.</summary>
    public int LongestClipRun { get; }

    /// <summary>The largest pre-clip norm seen (NaN norms excluded; infinity included). 0 before any finite step.</summary>
    public double MaxPreClipNorm { get; }

    /// <summary>The pre-clip norm of the latest call.</summary>
    public double LastPreClipNorm { get; }

    /// <summary>Fraction of calls that clipped, 0 when there were none.</summary>
    public double ClippedFraction => Steps == 0 ? 0 : (double)ClippedSteps / Steps;

    /// <summary>One readable line: site, bound, how often it clipped and how hard.</summary>
    public override string ToString()
    {
        string kind = Kind == ClipKind.Norm ? $"clip_grad_norm (max norm {ClipEvent.Format(Bound)}, p = {ClipEvent.Format(NormType)})" : $"clip_grad_value (clip value {ClipEvent.Format(Bound)})";
        string percent = (100 * ClippedFraction).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        return $"{Location} {kind}: {ClipEvent.Format(ClippedSteps)} of {ClipEvent.Format(Steps)} steps clipped ({percent} %), "
            + $"{ClipEvent.Format(NonFiniteSteps)} non-finite, max pre-clip norm {ClipEvent.Format(MaxPreClipNorm)}, "
            + $"longest run {ClipEvent.Format(LongestClipRun)}, current run {ClipEvent.Format(ConsecutiveClips)}";
    }
}
