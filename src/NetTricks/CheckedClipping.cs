using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using TorchSharp.Modules;

namespace NetTricks;

/// <summary>
/// Drop-in replacements for <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> that clip
/// identically but count and report every step that actually clipped, per call site, so clipping never
/// silently hides exploding gradients (NT4001). Thread-safe.
/// </summary>
/// <remarks>
/// A call site is the <c>[CallerFilePath]</c> and <c>[CallerLineNumber]</c> of the call (and its kind).
/// Each clipped step is passed to <see cref="ClippingOptions.OnClip"/> (by default one line on standard error);
/// a NaN or infinite pre-clip norm is always reported as such.
/// </remarks>
public static class CheckedClipping
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(string File, int Line, ClipKind Kind), ClipSiteState> SiteStates = new();
    private static readonly List<ClipSiteState> SiteOrder = new(); // first-call order, for stable reports

    /// <summary>Global reporting and failure options for the static methods.</summary>
    public static ClippingOptions Options { get; } = new();

    /// <summary>Snapshots of the statistics of every call site seen since start or <see cref="Reset"/>, in first-call order.</summary>
    public static IReadOnlyList<ClippingSiteStats> Sites
    {
        get
        {
            lock (Gate)
            {
                return SiteOrder.Select(s => s.Snapshot()).ToArray();
            }
        }
    }

    /// <summary>
    /// Clips the total gradient norm of <paramref name="parameters"/> to <paramref name="maxNorm"/> exactly like
    /// <c>torch.nn.utils.clip_grad_norm_</c>, and reports the step when the pre-clip norm exceeded
    /// <paramref name="maxNorm"/> or was not finite.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clipped in place (those without a gradient are skipped).</param>
    /// <param name="maxNorm">Largest allowed total norm (non-negative).</param>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the max norm.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The total norm before clipping (as <c>clip_grad_norm_</c> returns).</returns>
    /// <exception cref="GradientExplosionException">The site reached <see cref="ClippingOptions.FailAfterConsecutiveClips"/>
    /// consecutive clipped steps, or the norm was non-finite and <see cref="ClippingOptions.ThrowOnNonFiniteNorm"/> is set.
    /// The gradients have been clipped already.</exception>
    public static double ClipGradNorm(
        IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }
        ClipSiteState.ValidateBound(maxNorm, nameof(maxNorm));
        ClipSiteState.ValidateNormType(normType, nameof(normType));

        double norm = ClipMath.ClipNorm(parameters, maxNorm, normType);
        Record(ClipKind.Norm, norm, maxNorm, normType, callerFile, callerLine);
        return norm;
    }

    /// <summary>
    /// Clamps every gradient element of <paramref name="parameters"/> to [-<paramref name="clipValue"/>, <paramref name="clipValue"/>]
    /// exactly like <c>torch.nn.utils.clip_grad_value_</c>, and reports the step when some |gradient| exceeded
    /// <paramref name="clipValue"/> or was not finite.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clamped in place (those without a gradient are skipped).</param>
    /// <param name="clipValue">Largest allowed absolute gradient value (non-negative).</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The largest absolute gradient element before clamping (NaN when some element was NaN).</returns>
    /// <exception cref="GradientExplosionException">As for <see cref="ClipGradNorm"/>.</exception>
    public static double ClipGradValue(
        IEnumerable<Parameter> parameters, double clipValue,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }
        ClipSiteState.ValidateBound(clipValue, nameof(clipValue));

        double largest = ClipMath.ClipValue(parameters, clipValue);
        Record(ClipKind.Value, largest, clipValue, double.PositiveInfinity, callerFile, callerLine);
        return largest;
    }

    /// <summary>A multi-line summary of every call site: steps, clipped steps, non-finite steps, max pre-clip norm, runs.</summary>
    public static string Report()
    {
        var sites = Sites;
        if (sites.Count == 0)
        {
            return "NetTricks checked clipping: no clipping calls recorded.";
        }
        var text = new StringBuilder();
        text.Append("NetTricks checked clipping: ").Append(sites.Count).Append(sites.Count == 1 ? " call site" : " call sites");
        foreach (var site in sites)
        {
            text.AppendLine().Append("  ").Append(site);
        }
        return text.ToString();
    }

    /// <summary>Forgets all call-site statistics (not <see cref="Options"/>; see <see cref="ClippingOptions.RestoreDefaults"/>).</summary>
    public static void Reset()
    {
        lock (Gate)
        {
            SiteStates.Clear();
            SiteOrder.Clear();
        }
    }

    private static void Record(ClipKind kind, double norm, double bound, double normType, string file, int line)
    {
        var (onClip, failAfter, throwOnNonFinite) = Options.Snapshot();
        ClipEvent? clipEvent;
        lock (Gate)
        {
            var key = (file, line, kind);
            if (!SiteStates.TryGetValue(key, out var state))
            {
                state = new ClipSiteState(kind, file, line);
                SiteStates.Add(key, state);
                SiteOrder.Add(state);
            }
            clipEvent = state.Record(norm, bound, normType, file, line);
        }
        ClipSiteState.Publish(clipEvent, onClip, failAfter, throwOnNonFinite);
    }
}
