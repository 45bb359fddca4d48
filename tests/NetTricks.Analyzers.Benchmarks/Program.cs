using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers;
using NetTricks.Analyzers.Benchmarks;

// Measures, in one run and as ratios: NetTricks analyzer time vs the compiler's own time (binding + emit) on
// generated TorchSharp code, laid out (a) one file per model and per trainer, as real projects are, and (b) the same
// code in a single file. (a) - (b) is what following values into other files costs (other trees' semantic models,
// the one deliberate RS1030). Usage: dotnet run -c Release --project tests/NetTricks.Analyzers.Benchmarks [experiments] [repetitions]
var experiments = args.Length > 0 ? int.Parse(args[0]) : 200;
var repetitions = args.Length > 1 ? int.Parse(args[1]) : 5;
var analyzers = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_NOOP") == "1"
    ? ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpAnalyzer())
    : typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();
var references = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>()
    .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location)).ToList();

var files = CorpusGenerator.Generate(experiments);
var lines = files.Sum(f => f.Text.Split('\n').Length);
var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
var split = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToArray();
var usingsBlock = string.Join("\n", files[0].Text.Split('\n').TakeWhile(l => l.StartsWith("using", StringComparison.Ordinal)));
var joined = new[] { CSharpSyntaxTree.ParseText(usingsBlock + "\n" + string.Join("\n", files.Select(f => string.Join("\n", f.Text.Split('\n').SkipWhile(l => l.StartsWith("using", StringComparison.Ordinal) || l.Length == 0)))), parse, "All.cs") };

Console.WriteLine($"NetTricks analyzer cost: {experiments} experiments, {files.Count} files, {lines:N0} lines, {analyzers.Length} analyzers, {repetitions} repetitions (median)");
var only = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_ONLY");
var splitResult = only == "joined" ? default : Measure(split);
var joinedResult = only == "split" ? default : Measure(joined);
Console.WriteLine($"{"layout",-28} {"compiler ms",12} {"analyzers ms",13} {"ratio",8} {"diagnostics",12}");
Print("one file per class", splitResult);
Print("everything in one file", joinedResult);
Console.WriteLine($"cross-file overhead (RS1030): {(splitResult.Analyzers - joinedResult.Analyzers):F0} ms = {(splitResult.Analyzers - joinedResult.Analyzers) / splitResult.Compiler:P1} of compile time");
return 0;

void Print(string name, (double Compiler, double Analyzers, int Diagnostics) r) =>
    Console.WriteLine($"{name,-28} {r.Compiler,12:F0} {r.Analyzers,13:F0} {r.Analyzers / r.Compiler,8:P1} {r.Diagnostics,12}");

(double Compiler, double Analyzers, int Diagnostics) Measure(SyntaxTree[] trees)
{
    var compilerTimes = new double[repetitions];
    var analyzerTimes = new double[repetitions];
    var count = 0;
    for (var r = 0; r < repetitions + 1; r++)
    {
        // A fresh compilation each time: nothing cached between runs.
        var compilation = CSharpCompilation.Create("Bench", trees.Select(t => t.WithFilePath(t.FilePath)), references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, concurrentBuild: false));
        var stopwatch = Stopwatch.StartNew();
        using (var stream = new System.IO.MemoryStream())
        {
            var emit = compilation.Emit(stream);
            if (!emit.Success)
                throw new InvalidOperationException(string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        }

        var compilerTime = stopwatch.Elapsed.TotalMilliseconds;
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result;
        if (r == 0 && Environment.GetEnvironmentVariable("NETTRICKS_BENCH_DETAIL") == "1")
            Console.WriteLine($"  shared semantic models: {ReferenceEquals(withAnalyzers.Compilation.GetSemanticModel(trees[0]), withAnalyzers.Compilation.GetSemanticModel(trees[0]))}");
        var analyzerTime = analyzers.Sum(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).Result.ExecutionTime.TotalMilliseconds);
        if (diagnostics.Any(d => d.Id == "AD0001"))
            throw new InvalidOperationException("analyzer exception: " + diagnostics.First(d => d.Id == "AD0001"));
        if (r == repetitions && Environment.GetEnvironmentVariable("NETTRICKS_BENCH_DETAIL") == "1")
        {
            foreach (var a in analyzers)
                Console.WriteLine($"  {a.GetType().Name,-45} {withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).Result.ExecutionTime.TotalMilliseconds,8:F0} ms");
        }

        if (r == 0)
            continue; // warm-up (JIT)
        compilerTimes[r - 1] = compilerTime;
        analyzerTimes[r - 1] = analyzerTime;
        count = diagnostics.Length;
    }

    Array.Sort(compilerTimes);
    Array.Sort(analyzerTimes);
    return (compilerTimes[repetitions / 2], analyzerTimes[repetitions / 2], count);
}
