using System;
using System.Collections.Generic;

namespace NetTricks;

/// <summary>Thrown by <c>ThrowIfFindings()</c> of a checked model when it has findings; the message is the full report.</summary>
public sealed class TrainingFindingsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="findings">The findings (at least one).</param>
    /// <param name="report">The readable report used as the message.</param>
    public TrainingFindingsException(IReadOnlyList<TrainingFinding> findings, string report)
        : base(report ?? throw new ArgumentNullException(nameof(report)))
    {
        Findings = findings ?? throw new ArgumentNullException(nameof(findings));
    }

    /// <summary>Every finding kept, in the order seen.</summary>
    public IReadOnlyList<TrainingFinding> Findings { get; }
}
