using System;
using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace FlawedTraining;

public static class Program
{
    public static int Main()
    {
        // These models are tiny: one thread is faster than several (no synchronisation) and keeps runs reproducible.
        torch.set_num_threads(1);

        var experiments = new Func<ExperimentResult>[]
        {
            Experiments.PriceRegression,
            Experiments.ClusterClassification,
            Experiments.TeacherClassification,
            Experiments.SpiralClassification,
            Experiments.TabularClassification,
            Experiments.DemandRegression,
            Experiments.SequenceRegression,
        };

        var total = Stopwatch.StartNew();
        foreach (var experiment in experiments)
        {
            var watch = Stopwatch.StartNew();
            var result = experiment();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {result.Name} {result.Metric} {result.Value:F4}"));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.Name} took {watch.Elapsed.TotalSeconds:F1} s"));
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
