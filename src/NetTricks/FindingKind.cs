namespace NetTricks;

/// <summary>What a <see cref="TrainingFinding"/> of a checked model is about.</summary>
public enum FindingKind
{
    /// <summary>NaN or infinity in the input, a layer output or a parameter gradient (thrown by default, see <see cref="CheckedOptions.ThrowOnNonFinite"/>).</summary>
    NonFinite,

    /// <summary>Too many ReLU units output zero for the whole batch (<see cref="CheckedOptions.DeadUnitFraction"/>).</summary>
    DeadUnits,

    /// <summary>Too many sigmoid/tanh pre-activations lie in the flat tails (<see cref="CheckedOptions.SaturatedFraction"/>).</summary>
    Saturation,

    /// <summary>Neurons of a layer have identical weights, so they stay identical (<see cref="CheckedOptions.IdenticalNeuronFraction"/>).</summary>
    IdenticalNeurons,

    /// <summary>The first layer's gradient norm is tiny compared with the last layer's (<see cref="CheckedOptions.VanishingGradientRatio"/>).</summary>
    VanishingGradients,

    /// <summary>The first layer's gradient norm is huge compared with the last layer's (<see cref="CheckedOptions.ExplodingGradientRatio"/>).</summary>
    ExplodingGradients,

    /// <summary>An activation's pre-activation scale moved far from where it started (<see cref="CheckedOptions.DriftFactor"/>).</summary>
    ActivationDrift,
}
