namespace NetTricks;

/// <summary>Why an <see cref="OverfitProbe"/> could not drive the loss of its batches near zero.</summary>
public enum OverfitProbeDiagnosis
{
    /// <summary>It could: the probe succeeded.</summary>
    None,

    /// <summary>
    /// No gradient reaches the parameters: the loss does not require a gradient (the output is detached), or every
    /// parameter's gradient stayed missing or zero.
    /// </summary>
    NoGradient,

    /// <summary>The loss became NaN or infinite.</summary>
    NonFiniteLoss,

    /// <summary>The loss grew far above its initial value (the learning rate is too high).</summary>
    Diverged,

    /// <summary>The loss stopped improving well above the target.</summary>
    Plateaued,

    /// <summary>The loss was still falling when the step budget ran out.</summary>
    TooSlow,
}
