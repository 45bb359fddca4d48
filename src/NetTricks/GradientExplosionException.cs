using System;

namespace NetTricks;

/// <summary>
/// Thrown by checked clipping when a call site clipped too many consecutive steps
/// (<see cref="ClippingOptions.FailAfterConsecutiveClips"/>) or saw a non-finite gradient norm
/// (<see cref="ClippingOptions.ThrowOnNonFiniteNorm"/>): the gradients explode and clipping would only hide it.
/// </summary>
public sealed class GradientExplosionException : Exception
{
    /// <summary>Creates the exception for the event that crossed the limit.</summary>
    /// <param name="clipEvent">The clipped or non-finite step.</param>
    public GradientExplosionException(ClipEvent clipEvent)
        : base(BuildMessage(clipEvent ?? throw new ArgumentNullException(nameof(clipEvent))))
    {
        Event = clipEvent;
    }

    /// <summary>The step that crossed the limit.</summary>
    public ClipEvent Event { get; }

    /// <summary>The call site as <c>FileName.cs:line</c>.</summary>
    public string Location => Event.Location;

    /// <summary>1-based step number at the call site.</summary>
    public long Step => Event.Step;

    /// <summary>Pre-clip norm of that step.</summary>
    public double PreClipNorm => Event.PreClipNorm;

    /// <summary>Consecutive clipped steps at that site.</summary>
    public int ConsecutiveClips => Event.ConsecutiveClips;

    private static string BuildMessage(ClipEvent e)
    {
        string what = e.Kind == ClipKind.Norm ? "gradient norm" : "largest gradient value";
        if (e.IsNonFinite)
        {
            return $"NetTricks: {what} is {ClipEvent.Format(e.PreClipNorm)} (non-finite) at {e.Location} (step {ClipEvent.Format(e.Step)}). "
                + "The gradients contain NaN or infinity; look for a loss that overflowed, log(0), division by zero or bad input data.";
        }
        string bound = e.Kind == ClipKind.Norm ? "max norm" : "clip value";
        return $"NetTricks: gradients exploded at {e.Location}: {what} exceeded {bound} {ClipEvent.Format(e.Bound)} on "
            + $"{ClipEvent.Format(e.ConsecutiveClips)} consecutive steps (step {ClipEvent.Format(e.Step)}, pre-clip norm {ClipEvent.Format(e.PreClipNorm)}). "
            + "Clipping is hiding the problem: check the data for outliers and lower the learning rate.";
    }
}
