using System;

namespace NetTricks;

/// <summary>How checked clipping reports and when it fails. Thread-safe.</summary>
public sealed class ClippingOptions
{
    /// <summary>The default reporter: writes <see cref="ClipEvent.Message"/> as one line to <see cref="Console.Error"/>.</summary>
    public static Action<ClipEvent> WriteToConsoleError { get; } = e => Console.Error.WriteLine(e.Message);

    private readonly object gate = new();
    private Action<ClipEvent>? onClip = WriteToConsoleError;
    private int? failAfterConsecutiveClips;
    private bool throwOnNonFiniteNorm;

    /// <summary>
    /// Called for every clipped step and every non-finite pre-clip norm, on the thread that clipped.
    /// Default: <see cref="WriteToConsoleError"/>. <c>null</c> only counts (see <see cref="CheckedClipping.Sites"/>).
    /// </summary>
    public Action<ClipEvent>? OnClip
    {
        get { lock (gate) { return onClip; } }
        set { lock (gate) { onClip = value; } }
    }

    /// <summary>
    /// When a call site reaches this many consecutive clipped (or non-finite) steps, the clipping call throws
    /// <see cref="GradientExplosionException"/> (after clipping and reporting). Default <c>null</c>: never.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value below 1.</exception>
    public int? FailAfterConsecutiveClips
    {
        get { lock (gate) { return failAfterConsecutiveClips; } }
        set
        {
            ValidateFailAfter(value, nameof(value));
            lock (gate) { failAfterConsecutiveClips = value; }
        }
    }

    /// <summary>
    /// Throw <see cref="GradientExplosionException"/> at the first NaN or infinite pre-clip norm (like torch's
    /// <c>error_if_nonfinite</c>). Default <c>false</c>: report it through <see cref="OnClip"/> and continue.
    /// </summary>
    public bool ThrowOnNonFiniteNorm
    {
        get { lock (gate) { return throwOnNonFiniteNorm; } }
        set { lock (gate) { throwOnNonFiniteNorm = value; } }
    }

    /// <summary>Restores the defaults: report to standard error, never throw.</summary>
    public void RestoreDefaults()
    {
        lock (gate)
        {
            onClip = WriteToConsoleError;
            failAfterConsecutiveClips = null;
            throwOnNonFiniteNorm = false;
        }
    }

    internal (Action<ClipEvent>? OnClip, int? FailAfter, bool ThrowOnNonFinite) Snapshot()
    {
        lock (gate) { return (onClip, failAfterConsecutiveClips, throwOnNonFiniteNorm); }
    }

    internal static void ValidateFailAfter(int? value, string paramName)
    {
        if (value is < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "FailAfterConsecutiveClips must be at least 1 (or null for never).");
        }
    }
}
