using System;

namespace NetTricks;

/// <summary>
/// Thrown by <see cref="GradientCheckResult.ThrowIfFailed"/>: autograd gradients disagree with finite differences (or the
/// check could not be made meaningfully). The message is the full report; <see cref="Result"/> has the details.
/// </summary>
public sealed class GradientCheckFailedException : Exception
{
    /// <summary>Creates the exception for a failed result.</summary>
    /// <param name="result">The failed check.</param>
    public GradientCheckFailedException(GradientCheckResult result)
        : base((result ?? throw new ArgumentNullException(nameof(result))).ToString())
    {
        Result = result;
    }

    /// <summary>The failed check.</summary>
    public GradientCheckResult Result { get; }
}
