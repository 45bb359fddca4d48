using System.Globalization;

namespace NetTricks;

/// <summary>One problem a checked model saw, by layer name.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Layer">Dotted layer path (<c>fc1</c>, <c>encoder.relu</c>; a parameter for gradient findings, <c>(input)</c> for the model input).</param>
/// <param name="Step">1-based training step (training-mode forward) on which it was seen.</param>
/// <param name="Value">The measured value: a fraction, a ratio, a scale factor, or the non-finite value itself.</param>
/// <param name="Threshold">The threshold it crossed (from <see cref="CheckedOptions"/>; NaN for non-finite values).</param>
/// <param name="Message">A readable sentence with the numbers and the usual causes.</param>
public sealed record TrainingFinding(FindingKind Kind, string Layer, long Step, double Value, double Threshold, string Message)
{
    /// <summary><c>[step N] message</c>.</summary>
    public override string ToString() => "[step " + Step.ToString(CultureInfo.InvariantCulture) + "] " + Message;
}
