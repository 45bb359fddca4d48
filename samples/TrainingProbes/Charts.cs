using System;
using System.Linq;
using NetTricks;
using ScottPlot;

namespace TrainingProbes;

/// <summary>One PNG with two panels: the learning-rate range test (log-scale rate) and the early-stopping run.</summary>
internal static class Charts
{
    public static void Save(string path, LearningRateRangeResult rangeTest, TrainingCurves training)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        DrawRangeTest(multiplot.GetPlot(0), rangeTest);
        DrawTraining(multiplot.GetPlot(1), training);
        multiplot.SavePng(path, 1400, 560);
    }

    private static void DrawRangeTest(Plot plot, LearningRateRangeResult result)
    {
        // ScottPlot has no logarithmic axis: plot log10(rate) and label the ticks as powers of ten.
        var points = result.Curve.Where(p => double.IsFinite(p.Loss)).ToArray();
        double[] logRates = points.Select(p => Math.Log10(p.LearningRate)).ToArray();

        var raw = plot.Add.Scatter(logRates, points.Select(p => p.Loss).ToArray());
        raw.LegendText = "loss per step";
        raw.MarkerSize = 3;
        raw.LineWidth = 0;
        raw.Color = Colors.Gray.WithAlpha(0.6);
        // The average restarts after the ignored first steps: draw it from there.
        var settled = points.Where(p => p.Step >= result.Options.IgnoreFirstSteps).ToArray();
        var smoothed = plot.Add.Scatter(settled.Select(p => Math.Log10(p.LearningRate)).ToArray(), settled.Select(p => p.SmoothedLoss).ToArray());
        smoothed.LegendText = "smoothed loss";
        smoothed.MarkerSize = 0;
        smoothed.LineWidth = 2.5f;
        smoothed.Color = Colors.C0;

        AddRateLine(plot, result.LargestStableRate, "largest stable rate", Colors.C3);
        AddRateLine(plot, result.SuggestedRate, "suggested rate (/10)", Colors.C2);
        AddRateLine(plot, result.DivergenceLearningRate, "sweep diverged", Colors.Gray);

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => $"1e{x:0}",
        };
        plot.Grid.MinorLineWidth = 1;
        // The last steps blow up: keep the interesting range readable.
        double low = points.Min(p => Math.Min(p.Loss, p.SmoothedLoss));
        double first = points[0].Loss;
        plot.Axes.SetLimitsY(0, Math.Max(2 * first, 1.1 * low));
        plot.Axes.SetLimitsX(Math.Log10(result.Options.StartLearningRate) - 0.1, Math.Log10(result.Curve[^1].LearningRate) + 0.2);
        plot.Title("Learning-rate range test (Adam)");
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("training loss (MSE)");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void AddRateLine(Plot plot, double? rate, string label, Color color)
    {
        if (rate is not double value)
        {
            return;
        }
        var line = plot.Add.VerticalLine(Math.Log10(value));
        line.LegendText = $"{label}: {value:0.##e+00}";
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 2;
        line.Color = color;
    }

    private static void DrawTraining(Plot plot, TrainingCurves curves)
    {
        double[] epochs = Enumerable.Range(0, curves.Train.Count).Select(e => (double)e).ToArray();
        var train = plot.Add.Scatter(epochs, curves.Train.ToArray());
        train.LegendText = "training loss";
        train.MarkerSize = 0;
        train.LineWidth = 2;
        train.Color = Colors.C0;
        var validation = plot.Add.Scatter(epochs, curves.Validation.ToArray());
        validation.LegendText = "validation loss";
        validation.MarkerSize = 0;
        validation.LineWidth = 2;
        validation.Color = Colors.C1;

        var best = plot.Add.VerticalLine(curves.BestEpoch);
        best.LegendText = $"best epoch {curves.BestEpoch} (restored)";
        best.LinePattern = LinePattern.Dashed;
        best.LineWidth = 2;
        best.Color = Colors.C3;
        var floor = plot.Add.HorizontalLine(0.09);
        floor.LegendText = "noise floor 0.09";
        floor.LinePattern = LinePattern.Dotted;
        floor.Color = Colors.Gray;

        plot.Axes.SetLimitsY(0, Math.Min(curves.Validation.Max(), 3 * curves.Validation.Min()) * 1.1);
        plot.Title("Training with early stopping (patience 20)");
        plot.XLabel("epoch");
        plot.YLabel("loss (MSE)");
        plot.ShowLegend(Alignment.UpperRight);
    }
}
