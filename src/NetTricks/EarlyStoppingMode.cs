namespace NetTricks;

/// <summary>Whether a smaller or a larger validation metric is better.</summary>
public enum EarlyStoppingMode
{
    /// <summary>Smaller is better (a loss or an error rate).</summary>
    Min,

    /// <summary>Larger is better (accuracy, F1, R²).</summary>
    Max,
}
