using System;
using System.Globalization;
using System.IO;

namespace NetTricks;

/// <summary>Which torch clipping function a checked clip replaces.</summary>
public enum ClipKind
{
    /// <summary><c>clip_grad_norm_</c>: the total gradient norm is scaled down to the bound.</summary>
    Norm,

    /// <summary><c>clip_grad_value_</c>: every gradient element is clamped to [-bound, bound].</summary>
    Value,
}

/// <summary>
/// One clipped step (pre-clip norm above the bound) or one step whose pre-clip norm was NaN or infinite,
/// as passed to <see cref="ClippingOptions.OnClip"/>.
/// </summary>
public sealed class ClipEvent
{
    internal ClipEvent(ClipKind kind, string file, int line, long step, double preClipNorm, double bound, double normType, int consecutiveClips)
    {
        Kind = kind;
        File = file;
        Line = line;
        Step = step;
        PreClipNorm = preClipNorm;
        Bound = bound;
        NormType = normType;
        ConsecutiveClips = consecutiveClips;
    }

    /// <summary>Norm clipping or value clipping.</summary>
    public ClipKind Kind { get; }

    /// <summary>Source file of the clipping call (from <c>[CallerFilePath]</c>).</summary>
    public string File { get; }

    /// <summary>Line of the clipping call (from <c>[CallerLineNumber]</c>).</summary>
    public int Line { get; }

    /// <summary>The call site as <c>FileName.cs:line</c>.</summary>
    public string Location => FormatLocation(File, Line);

    /// <summary>1-based number of this call among the calls recorded for the same site (or clipper).</summary>
    public long Step { get; }

    /// <summary>
    /// Total gradient norm before clipping; for <see cref="ClipKind.Value"/> the largest absolute gradient
    /// element (the infinity norm). NaN or infinite when <see cref="IsNonFinite"/>.
    /// </summary>
    public double PreClipNorm { get; }

    /// <summary>The bound: <c>maxNorm</c> or <c>clipValue</c>.</summary>
    public double Bound { get; }

    /// <summary>The p of the norm (positive infinity for value clipping).</summary>
    public double NormType { get; }

    /// <summary>Consecutive clipped (or non-finite) steps at this site, this one included.</summary>
    public int ConsecutiveClips { get; }

    /// <summary>True when the pre-clip norm was NaN or infinite: the gradients are broken, clipping cannot repair them.</summary>
    public bool IsNonFinite => double.IsNaN(PreClipNorm) || double.IsInfinity(PreClipNorm);

    /// <summary>One readable line describing the event.</summary>
    public string Message
    {
        get
        {
            string what = Kind == ClipKind.Norm ? "gradient norm" : "largest gradient value";
            string bound = Kind == ClipKind.Norm ? "max norm" : "clip value";
            string run = ConsecutiveClips == 1 ? "1 consecutive clipped step" : $"{Format(ConsecutiveClips)} consecutive clipped steps";
            if (IsNonFinite)
            {
                return $"NetTricks: {what} is {Format(PreClipNorm)} (non-finite) at {Location} (step {Format(Step)}, {run}): "
                    + "the gradients contain NaN or infinity and clipping cannot repair them; look for a loss that overflowed, log(0), division by zero or bad input data.";
            }
            return $"NetTricks: {what} {Format(PreClipNorm)} exceeded {bound} {Format(Bound)} at {Location} (step {Format(Step)}, {run})";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;

    internal static string FormatLocation(string file, int line) =>
        (string.IsNullOrEmpty(file) ? "<unknown>" : Path.GetFileName(file)) + ":" + line.ToString(CultureInfo.InvariantCulture);

    internal static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
