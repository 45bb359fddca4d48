using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetTricks;

/// <summary>The trials of a <see cref="HyperParameterSearch"/>, best first. <see cref="ToString"/> gives a ranked table.</summary>
public sealed class HyperParameterSearchResult
{
    internal HyperParameterSearchResult(HyperParameterGoal goal, IReadOnlyList<HyperParameterTrial> inRunOrder)
    {
        Goal = goal;
        InRunOrder = inRunOrder;
        // Failed trials last; ties keep run order (OrderBy is stable).
        var succeeded = inRunOrder.Where(t => t.Succeeded);
        var ranked = goal == HyperParameterGoal.Minimize ? succeeded.OrderBy(t => t.Score) : succeeded.OrderByDescending(t => t.Score);
        Trials = ranked.Concat(inRunOrder.Where(t => !t.Succeeded)).ToArray();
    }

    /// <summary>Whether smaller or larger scores were better.</summary>
    public HyperParameterGoal Goal { get; }

    /// <summary>Every trial, best first; failed trials (NaN or infinite score) last.</summary>
    public IReadOnlyList<HyperParameterTrial> Trials { get; }

    /// <summary>Every trial in the order it ran.</summary>
    public IReadOnlyList<HyperParameterTrial> InRunOrder { get; }

    /// <summary>The best trial, or <c>null</c> when every trial failed.</summary>
    public HyperParameterTrial? Best => Trials.Count > 0 && Trials[0].Succeeded ? Trials[0] : null;

    /// <summary>The ranked trials, one per line (at most <paramref name="top"/>).</summary>
    public string Report(int top = 10)
    {
        var text = new StringBuilder();
        int failed = Trials.Count(t => !t.Succeeded);
        text.Append("NetTricks random search: ").Append(Trials.Count).Append(" trials (")
            .Append(Goal == HyperParameterGoal.Minimize ? "lower" : "higher").Append(" is better")
            .Append(failed > 0 ? $", {failed} failed" : "").Append(')');
        int rank = 1;
        foreach (var trial in Trials.Take(top))
        {
            text.AppendLine().Append("  ").Append(rank++).Append(". ").Append(trial);
        }
        if (Trials.Count > top)
        {
            text.AppendLine().Append("  ... ").Append(Trials.Count - top).Append(" more");
        }
        return text.ToString();
    }

    /// <summary>The first 10 lines of <see cref="Report"/>.</summary>
    public override string ToString() => Report();
}
