using System;

namespace NetTricks;

/// <summary>
/// Marks a custom autograd function (a class deriving from TorchSharp's <c>torch.autograd.Function</c>,
/// <c>SingleTensorFunction</c> or <c>MultiTensorFunction</c>) whose hand-written backward is verified by a
/// gradient check that lives elsewhere, typically in a test project. Suppresses NT4003 for the class.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GradientCheckedAttribute : Attribute
{
    /// <summary>Marks the class as gradient-checked.</summary>
    /// <param name="checkedIn">Where the check lives, e.g. <c>"MyProject.Tests.SwishFunctionTests"</c>; optional but recommended.</param>
    public GradientCheckedAttribute(string? checkedIn = null)
    {
        CheckedIn = checkedIn;
    }

    /// <summary>Where the gradient check lives (test class or method), if stated.</summary>
    public string? CheckedIn { get; }
}
