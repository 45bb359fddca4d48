namespace NetTricks;

/// <summary>Whether <see cref="HyperParameterSearch"/> looks for the smallest or the largest objective value.</summary>
public enum HyperParameterGoal
{
    /// <summary>Smaller is better (validation loss, error rate).</summary>
    Minimize,

    /// <summary>Larger is better (validation accuracy).</summary>
    Maximize,
}
