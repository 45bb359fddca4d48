using System;
using System.Linq;

// Usage: dotnet run -c Release --project tests/NetTricks.Runtime.Benchmarks -- [checked|gradcheck] [options]
// No argument runs both.
string mode = args.Length > 0 ? args[0] : "all";
string[] rest = args.Skip(1).ToArray();
switch (mode)
{
    case "checked":
        CheckedLayersBenchmark.Run(rest);
        break;
    case "gradcheck":
        GradientCheckerBenchmark.Run(rest);
        break;
    case "all":
        CheckedLayersBenchmark.Run(rest);
        Console.WriteLine();
        GradientCheckerBenchmark.Run(rest);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{mode}'. Use 'checked', 'gradcheck' or no argument for both.");
        return 2;
}
return 0;
