using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>
/// Checked norm clipping with its own bound, options and statistics (instead of the global ones of
/// <see cref="CheckedClipping"/>): clips exactly like <c>torch.nn.utils.clip_grad_norm_</c> and reports every
/// step whose pre-clip norm exceeded <see cref="MaxNorm"/> or was not finite. Thread-safe; the statistics
/// cover every call on this instance, whatever the call site.
/// </summary>
public sealed class GradientClipper
{
    private readonly object gate = new();
    private ClipSiteState state = new(ClipKind.Norm, "", 0);

    /// <summary>Creates a clipper.</summary>
    /// <param name="maxNorm">Largest allowed total norm (non-negative).</param>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the max norm.</param>
    /// <param name="failAfterConsecutiveClips">Throw <see cref="GradientExplosionException"/> after this many consecutive clipped steps; <c>null</c>: never.</param>
    /// <param name="onClip">Called for every clipped or non-finite step; <c>null</c> writes one line to standard error
    /// (<see cref="ClippingOptions.WriteToConsoleError"/>). Pass <c>_ => { }</c> to only count.</param>
    public GradientClipper(double maxNorm, double normType = 2.0, int? failAfterConsecutiveClips = null, Action<ClipEvent>? onClip = null)
    {
        ClipSiteState.ValidateBound(maxNorm, nameof(maxNorm));
        ClipSiteState.ValidateNormType(normType, nameof(normType));
        ClippingOptions.ValidateFailAfter(failAfterConsecutiveClips, nameof(failAfterConsecutiveClips));
        MaxNorm = maxNorm;
        NormType = normType;
        FailAfterConsecutiveClips = failAfterConsecutiveClips;
        OnClip = onClip ?? ClippingOptions.WriteToConsoleError;
    }

    /// <summary>Largest allowed total gradient norm.</summary>
    public double MaxNorm { get; }

    /// <summary>The p of the p-norm.</summary>
    public double NormType { get; }

    /// <summary>Consecutive clipped steps after which <see cref="ClipGradNorm"/> throws; <c>null</c>: never.</summary>
    public int? FailAfterConsecutiveClips { get; }

    /// <summary>The reporter for clipped and non-finite steps.</summary>
    public Action<ClipEvent> OnClip { get; }

    /// <summary>Throw <see cref="GradientExplosionException"/> at the first NaN or infinite pre-clip norm. Default <c>false</c>: report and continue.</summary>
    public bool ThrowOnNonFiniteNorm { get; init; }

    /// <summary>Calls so far.</summary>
    public long Steps => Stats.Steps;

    /// <summary>Calls whose pre-clip norm exceeded <see cref="MaxNorm"/> or was not finite.</summary>
    public long ClippedSteps => Stats.ClippedSteps;

    /// <summary>Calls whose pre-clip norm was NaN or infinite.</summary>
    public long NonFiniteSteps => Stats.NonFiniteSteps;

    /// <summary>The current run of consecutive clipped steps.</summary>
    public int ConsecutiveClips => Stats.ConsecutiveClips;

    /// <summary>The largest pre-clip norm seen (NaN excluded).</summary>
    public double MaxPreClipNorm => Stats.MaxPreClipNorm;

    /// <summary>A snapshot of all counters (location: the latest call).</summary>
    public ClippingSiteStats Stats
    {
        get { lock (gate) { return state.Snapshot(); } }
    }

    /// <summary>
    /// Clips the total gradient norm of <paramref name="parameters"/> to <see cref="MaxNorm"/> exactly like
    /// <c>torch.nn.utils.clip_grad_norm_(parameters, MaxNorm, NormType)</c> and reports the step if it clipped.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clipped in place (those without a gradient are skipped).</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The total norm before clipping.</returns>
    /// <exception cref="GradientExplosionException"><see cref="FailAfterConsecutiveClips"/> consecutive clipped steps were reached
    /// (or a non-finite norm with <see cref="ThrowOnNonFiniteNorm"/>). The gradients have been clipped already.</exception>
    public double ClipGradNorm(IEnumerable<Parameter> parameters, [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }
        double norm = ClipMath.ClipNorm(parameters, MaxNorm, NormType);
        ClipEvent? clipEvent;
        lock (gate)
        {
            clipEvent = state.Record(norm, MaxNorm, NormType, callerFile, callerLine);
        }
        ClipSiteState.Publish(clipEvent, OnClip, FailAfterConsecutiveClips, ThrowOnNonFiniteNorm);
        return norm;
    }

    /// <summary>Forgets the statistics.</summary>
    public void Reset()
    {
        lock (gate)
        {
            state = new ClipSiteState(ClipKind.Norm, "", 0);
        }
    }

    /// <summary>One readable line with the counters.</summary>
    public override string ToString() => Stats.ToString();
}
