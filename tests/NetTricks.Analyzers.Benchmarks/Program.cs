using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using NetTricks.Analyzers;
using NetTricks.Analyzers.Benchmarks;
using NetTricks.Analyzers.Tests.Corpus;

// Measures, in one run and as ratios, what the NetTricks analyzers cost next to the compiler's own work (parsing,
// binding and emit with PDB and reference assembly, of the same compilation), on four generated corpora of
// >= minimumLines lines each:
//   training            TorchSharp + ML.NET training code, one file per class (the real layout)
//   training-one-file   the same code in one file; the difference to 'training' is the cross-file cost
//   samples             copies of the repository's samples (SampleCorpus, as the robustness test uses)
//   plain               ordinary application code, compiled WITHOUT TorchSharp/ML.NET references
// Usage: dotnet run -c Release --project tests/NetTricks.Analyzers.Benchmarks [minimumLines=50000] [repetitions=5]
// Environment: NETTRICKS_BENCH_CORPUS=<name> runs one corpus; NETTRICKS_BENCH_DETAIL=1 prints the time of each analyzer,
// the diagnostics by rule and each repetition; NETTRICKS_BENCH_DUMP=<dir> writes the generated files there instead;
// NETTRICKS_BENCH_PROFILE=<n> only runs the NetTricks analysis, n times after the warm-ups (to run under a profiler); NETTRICKS_BENCH_INDEX=<n>
// times the syntax index alone (n runs, at least 5); NETTRICKS_BENCH_EMPTY=1 measures as many empty per-file actions instead of NetTricks.
// NETTRICKS_BENCH_AB=<path to another NetTricks.Analyzers.dll> with NETTRICKS_BENCH_PROFILE=<n> compares that build (A)
// with this one (B) in one process, alternating runs, in thread CPU. NETTRICKS_BENCH_ALLOC=1 prints what NetTricks
// allocates by type (the runtime's allocation samples, with NetTricks minus baseline). NETTRICKS_BENCH_ANALYZERS=<path to another
// NetTricks.Analyzers.dll> measures that build instead of this one (ab-processes.sh compares two builds process by process).
// NETTRICKS_BENCH_WITHOUT=<analyzer class names, comma-separated> leaves those analyzers out. NETTRICKS_BENCH_CONCURRENT=1
// compiles and analyzes concurrently, as csc does by default (see below).
var minimumLines = args.Length > 0 ? int.Parse(args[0]) : 50_000;
var repetitions = Math.Max(1, args.Length > 1 ? int.Parse(args[1]) : 5);
const int WarmUps = 2;
// The measured repetitions of the main table start once a repetition ran with the JIT quiet: fewer than this many
// methods compiled during it (tier-0 or tier-1), after at least WarmUps and at most MaxWarmUps warm-ups. On 2 cores the
// background tiering of Roslyn and NetTricks took 3-6 repetitions (a fixed 2 left the first measured one running much
// NetTricks code unoptimised, with the JIT busy on the other core: 2,368 methods and 3.7 s of JIT time in that repetition,
// 40-420 methods in the later ones). Later repetitions all count, whatever their JIT activity.
const int QuietJitMethods = 1000;
const int MaxWarmUps = 10;
var onlyCorpus = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_CORPUS");
var detail = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_DETAIL") == "1";
// csc compiles and runs analyzers concurrently by default (no /parallel- on a dotnet build's command line). The main
// rows run both on one thread, so each side is the total work of that thread; NETTRICKS_BENCH_CONCURRENT=1 measures as
// csc runs: concurrentBuild and concurrentAnalysis on, the compiler's side in process CPU time (all its threads).
var concurrent = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_CONCURRENT") == "1";

var netTricks = AnalyzersOf(typeof(Descriptors).Assembly);
if (Environment.GetEnvironmentVariable("NETTRICKS_BENCH_ANALYZERS") is { Length: > 0 } otherBuild)
    netTricks = AnalyzersOf(new System.Runtime.Loader.AssemblyLoadContext("other").LoadFromAssemblyPath(Path.GetFullPath(otherBuild)));
// Leaving analyzers out shows what they add on their own: the shared facts they ask first then fall to the others.
if (Environment.GetEnvironmentVariable("NETTRICKS_BENCH_WITHOUT") is { Length: > 0 } without)
    netTricks = netTricks.Where(a => !without.Split(',').Contains(a.GetType().Name)).ToImmutableArray();
if (Environment.GetEnvironmentVariable("NETTRICKS_BENCH_EMPTY") == "1")
    netTricks = netTricks.Select(_ => (DiagnosticAnalyzer)new EmptyTreeAnalyzer()).ToImmutableArray();
// NETTRICKS_BENCH_BUILD_DEFAULT=1: the profiling, A/B and allocation modes run only what a default `dotnet build` runs.
var buildDefaultOnly = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_BUILD_DEFAULT") == "1";
if (buildDefaultOnly)
    netTricks = RunByDefaultInBuild(netTricks);
// The analyzers a default `dotnet build` runs (the `build ratio` column): see RunByDefaultInBuild.
var netTricksInBuild = RunByDefaultInBuild(netTricks);

// The baseline every run includes: one empty IOperation action. Any SDK project already runs IOperation-based analyzers
// (the default CA rules), so the driver builds the IOperation trees whether or not NetTricks is installed. The NetTricks
// run is NetTricks + this analyzer and the baseline run is this analyzer alone, so the wall-clock and allocation deltas
// are what adding NetTricks to such a project costs, not the driver's shared work (and never negative because NetTricks
// alone, on a project without TorchSharp, registers no operation action and would let the driver skip those trees).
var baseline = new NoOpAnalyzer();
var baselineOnly = ImmutableArray.Create<DiagnosticAnalyzer>(baseline);

var netReferences = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>().ToList();
var trainingReferences = netReferences
    .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
    .Append(MetadataReference.CreateFromFile(typeof(NetTricks.MiniBatch).Assembly.Location))   // the samples use the runtime companion
    .Concat(new[]
    {
        typeof(Microsoft.ML.MLContext).Assembly,               // Microsoft.ML.Data
        typeof(Microsoft.ML.IDataView).Assembly,               // Microsoft.ML.DataView
        typeof(Microsoft.ML.IEstimator<>).Assembly,            // Microsoft.ML.Core
        typeof(Microsoft.ML.StandardTrainersCatalog).Assembly, // Microsoft.ML.StandardTrainers
        typeof(Microsoft.ML.CategoricalCatalog).Assembly,      // Microsoft.ML.Transforms
    }.Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)))
    .ToList();

var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
var corpora = new List<Corpus>();
if (Wanted("training") || Wanted("training-one-file"))
{
    var training = TrainingCorpus.Generate(minimumLines);
    if (Wanted("training"))
        corpora.Add(new("training", "TorchSharp/ML.NET corpus, one file per class", training.Select(f => (f.Path, f.Text)).ToList(), trainingReferences, 0.05));
    if (Wanted("training-one-file"))
        corpora.Add(new("training-one-file", "the same in one file", new() { ("/corpus/All.cs", SourceFile.Joined(training)) }, trainingReferences, null));
}

if (Wanted("samples"))
    corpora.Add(new("samples", "sample corpus (copies of samples/)", SampleCorpus.Generate(RepositoryRoot(), minimumLines), trainingReferences, 0.05));
if (Wanted("plain"))
    corpora.Add(new("plain", "no TorchSharp/ML.NET reference", PlainCorpus.Generate(minimumLines).Select(f => (f.Path, f.Text)).ToList(), netReferences, 0.005));
if (corpora.Count == 0)
    throw new ArgumentException($"unknown NETTRICKS_BENCH_CORPUS '{onlyCorpus}' (training, training-one-file, samples, plain)");

var dump = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_DUMP");
if (!string.IsNullOrEmpty(dump))
{
    // To read what is measured: writes each corpus's files under <dir>/<corpus>/ and stops.
    foreach (var corpus in corpora)
    {
        foreach (var (path, text) in corpus.Files)
        {
            var target = Path.Combine(dump, corpus.Name, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, text);
        }
    }

    Console.WriteLine($"corpora written to {dump}");
    return 0;
}


if (Environment.GetEnvironmentVariable("NETTRICKS_BENCH_INDEX") is { Length: > 0 } indexSetting)
{
    // The syntax index alone: building it on freshly parsed trees, and on trees whose nodes were already walked.
    var indexRuns = int.TryParse(indexSetting, out var asked) ? Math.Max(5, asked) : 5;
    foreach (var corpus in corpora)
    {
        for (var run = 0; run < indexRuns; run++)
        {
            var cold = Parse(corpus);
            var coldMs = Timed(() => { foreach (var tree in cold) NetTricks.Analyzers.Model.TreeIndex.For(tree); });
            var warm = Parse(corpus);
            foreach (var tree in warm)
                tree.GetRoot().DescendantNodes().Count();
            var warmMs = Timed(() => { foreach (var tree in warm) NetTricks.Analyzers.Model.TreeIndex.For(tree); });
            Console.WriteLine($"{corpus.Name}: index of {cold.Length} trees: {coldMs.Ms:F1} ms fresh ({coldMs.Allocated / 1048576.0:F1} MB), {warmMs.Ms:F1} ms walked ({warmMs.Allocated / 1048576.0:F1} MB)");
        }
    }

    return 0;
}

var profileRuns = int.TryParse(Environment.GetEnvironmentVariable("NETTRICKS_BENCH_PROFILE"), out var n) ? n : 0;
var abPath = Environment.GetEnvironmentVariable("NETTRICKS_BENCH_AB");
if (!string.IsNullOrEmpty(abPath))
{
    // A/B in one process: another build of NetTricks.Analyzers.dll (loaded on its own, sharing Roslyn) against this one,
    // alternating run by run so that a drift in machine load hits both alike; reports the paired medians in thread CPU.
    var other = new System.Runtime.Loader.AssemblyLoadContext("A").LoadFromAssemblyPath(Path.GetFullPath(abPath));
    var variants = new[] { ("A (" + abPath + ")", buildDefaultOnly ? RunByDefaultInBuild(AnalyzersOf(other)) : AnalyzersOf(other)), ("B (this build)", netTricks) };
    foreach (var corpus in corpora)
    {
        var cpu = new[] { new List<double>(), new List<double>() };
        var diagnosticsCount = new int[2];
        var warmUps = -1; // both builds' code tiered up: known once a pair of runs ran with the JIT quiet
        for (var run = 0; cpu[0].Count < Math.Max(1, profileRuns); run++)
        {
            var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var v = 0; v < 2; v++)
            {
                var index = (run % 2 == 0) ? v : 1 - v;
                var measured = variants[index].Item2.Select(a => new MeasuredAnalyzer(a)).ToImmutableArray();
                var analysis = Analyze(Parse(corpus), corpus.References, measured.CastArray<DiagnosticAnalyzer>().Add(baseline));
                diagnosticsCount[index] = analysis.Diagnostics.Length;
                if (warmUps >= 0)
                    cpu[index].Add(measured.Sum(a => a.Cost.CpuMs));
            }

            if (warmUps < 0 && run + 1 >= WarmUps && (System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore < QuietJitMethods || run + 1 >= MaxWarmUps))
                warmUps = run + 1;
        }

        var paired = cpu[1].Zip(cpu[0], (b, a) => b / a).ToList();
        // Noise on a shared machine only adds time, so the minimum is the steadiest estimate of the work itself.
        Console.WriteLine($"{corpus.Name}, after {warmUps} warm-up pairs: A {Median(cpu[0]):F0} ms CPU median, {cpu[0].Min():F0} min ({diagnosticsCount[0]} diagnostics), B {Median(cpu[1]):F0} ms median, {cpu[1].Min():F0} min ({diagnosticsCount[1]} diagnostics); B/A of minimums {cpu[1].Min() / cpu[0].Min():P1}, " +
            $"B/A median of paired runs {Median(paired):P1} (runs: {string.Join(", ", paired.Select(r => r.ToString("P0")))}; A ms: {string.Join(", ", cpu[0].Select(c => c.ToString("F0")))}; B ms: {string.Join(", ", cpu[1].Select(c => c.ToString("F0")))})");
    }

    return 0;
}

if (Environment.GetEnvironmentVariable("NETTRICKS_BENCH_ALLOC") == "1")
{
    // What NetTricks allocates, by type: the runtime's allocation samples (one per ~100 KB allocated) during runs with
    // NetTricks and during baseline runs, alternating, and the difference per type (all threads of the analysis).
    const int AllocRuns = 8;
    foreach (var corpus in corpora)
    {
        using var withNetTricks = new AllocationSampler();
        using var baselineAlone = new AllocationSampler();
        for (var run = 0; run < WarmUps + AllocRuns; run++)
        {
            var measuring = run >= WarmUps;
            var nt = Parse(corpus);
            withNetTricks.Enabled = measuring;
            Analyze(nt, corpus.References, netTricks.Add(baseline));
            withNetTricks.Enabled = false;
            var bl = Parse(corpus);
            baselineAlone.Enabled = measuring;
            Analyze(bl, corpus.References, baselineOnly);
            baselineAlone.Enabled = false;
        }

        var types = withNetTricks.Bytes.Keys.Union(baselineAlone.Bytes.Keys)
            .Select(t => (Type: t, Delta: (withNetTricks.Bytes.GetValueOrDefault(t) - baselineAlone.Bytes.GetValueOrDefault(t)) / (double)AllocRuns / 1048576))
            .OrderByDescending(p => p.Delta).ToList();
        Console.WriteLine($"{corpus.Name}: allocated with NetTricks minus baseline, per run, sampled: {types.Sum(p => p.Delta):F1} MB");
        foreach (var (type, delta) in types.Take(40))
            Console.WriteLine($"    {delta,7:F2} MB  {type}");
    }

    return 0;
}

if (profileRuns > 0)
{
    // For a profiler: only the NetTricks analysis, that many times, so warm-up is a small share of the trace.
    foreach (var corpus in corpora)
    {
        var profiledCpu = new List<double>();
        var warmUps = -1;
        for (var run = 0; profiledCpu.Count < profileRuns; run++)
        {
            var trees = Parse(corpus);
            var measured = netTricks.Select(a => new MeasuredAnalyzer(a)).ToImmutableArray();
            var (jitMethods, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
            var analysis = Analyze(trees, corpus.References, measured.CastArray<DiagnosticAnalyzer>().Add(baseline));
            (jitMethods, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods, System.Runtime.JitInfo.GetCompilationTime() - jitTime);
            if (warmUps >= 0)
                profiledCpu.Add(measured.Sum(a => a.Cost.CpuMs));
            else if (run + 1 >= WarmUps && (jitMethods < QuietJitMethods || run + 1 >= MaxWarmUps))
            {
                warmUps = run + 1;
                // CLOCK_MONOTONIC (Stopwatch's clock on Linux): perf-profile.sh records with it and keeps only later samples.
                Console.WriteLine($"{corpus.Name}: warmed up at monotonic {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:F6} s");
            }

            Console.WriteLine($"{corpus.Name} run {run}: NetTricks {measured.Sum(a => a.Cost.Ms):F0} ms, {measured.Sum(a => a.Cost.CpuMs):F0} ms CPU (telemetry {measured.Sum(a => analysis.Telemetry[a].ExecutionTime.TotalMilliseconds):F0} ms), of which GC pauses {measured.Sum(a => a.Cost.GcPauseMs):F0} ms; " +
                $"{measured.Sum(a => a.Cost.AllocatedMB):F1} MB allocated; wall {analysis.Run.Ms:F0} ms, GC pauses {analysis.Run.GcPauseMs:F0} ms; JIT +{jitMethods} methods, {jitTime.TotalMilliseconds:F0} ms");
            if (detail)
            {
                foreach (var a in measured.OrderByDescending(a => a.Cost.Ms))
                    Console.WriteLine($"    {a.Name,-50} {a.Cost.Ms,6:F0} ms {a.Cost.GcPauseMs,6:F0} ms GC {a.Cost.AllocatedMB,6:F1} MB");
            }
        }

        if (profiledCpu.Count > 0)
            Console.WriteLine($"{corpus.Name}: median NetTricks CPU of the {profiledCpu.Count} runs after the JIT went quiet ({warmUps} warm-ups) {Median(profiledCpu):F0} ms (min {profiledCpu.Min():F0}, max {profiledCpu.Max():F0})");
    }

    return 0;
}

Console.WriteLine($"NetTricks analyzer cost: {netTricks.Length} analyzers, {repetitions} repetitions after {WarmUps}-{MaxWarmUps} warm-ups, until one runs with the JIT quiet (< {QuietJitMethods} methods compiled) (medians), .NET {Environment.Version}, {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC" +
    (concurrent ? "; concurrent build and analysis as csc runs them, compiler ms in process CPU time" : "; compile and analysis on one thread") +
    $"; build ratio: the {netTricksInBuild.Length} analyzers with a Warning rule, all a default dotnet build runs");
Console.WriteLine($"{"corpus",-18} {"files",6} {"lines",8} {"compiler ms",12} {"NetTricks ms",13} {"ratio",8} {"CPU ratio",10} {"vs emit",8} {"diagnostics",12} {"wall +ms",9} {"wall +%",8} {"alloc MB",9} {"build ratio",12}");
var results = new List<(Corpus Corpus, Result Result)>();
foreach (var corpus in corpora)
{
    var result = Measure(corpus);
    results.Add((corpus, result));
    Console.WriteLine($"{corpus.Name,-18} {corpus.Files.Count,6} {corpus.Lines,8:N0} {result.CompilerMs,12:F0} {result.AnalyzerMs,13:F0} {result.Ratio,8:P2} {result.CpuRatio,10:P2} {result.EmitRatio,8:P2} {result.Diagnostics,12} {result.WallMs,9:F0} {result.WallRatio,8:P2} {result.AllocatedMB,9:F1} {result.BuildRatio,12:P2}");
    if (detail)
    {
        foreach (var (name, ms) in result.TopAnalyzers)
            Console.WriteLine($"    {name,-50} {ms,8:F0} ms");
        Console.WriteLine("    diagnostics: " + string.Join(", ", result.DiagnosticIds.Select(p => $"{p.Key} {p.Value}")));
        Console.WriteLine($"    after {result.WarmUps} warm-ups, per repetition (ratio, CPU ratio, wall +ms, alloc +MB, GC pause +ms, collections with vs without NetTricks, methods JIT-compiled, build ratio): " + string.Join("; ",
            result.Samples.Select(s => $"{s.AnalyzerMs / s.CompilerMs:P1}, {s.CpuRatio:P1}, {s.WallMs:F0}, {s.Allocated / (1024.0 * 1024):F1}, {s.GcPauseMs:F0}, {s.Collections}, {s.JitMethods}, {s.BuildAnalyzerMs / s.CompilerMs:P1}")));
    }
}

var split = results.FirstOrDefault(r => r.Corpus.Name == "training").Result;
var joined = results.FirstOrDefault(r => r.Corpus.Name == "training-one-file").Result;
if (split is not null && joined is not null)
    Console.WriteLine($"cross-file cost (training - training-one-file): {split.AnalyzerMs - joined.AnalyzerMs:F0} ms = {(split.AnalyzerMs - joined.AnalyzerMs) / split.CompilerMs:P1} of compile time");
foreach (var (corpus, result) in results.Where(r => r.Corpus.Target is not null))
{
    static string Met(double ratio, double? target) => ratio <= target ? "met" : "NOT met";
    Console.WriteLine($"{corpus.Title}: {result.Ratio:P2} of compile time with every rule (target <= {corpus.Target:P1}): {Met(result.Ratio, corpus.Target)}; in {ThreadCpu.Kind} {result.CpuRatio:P2}; wall-clock added {result.WallRatio:P2}, {result.AllocatedMB:F1} MB allocated; " +
        $"as a default dotnet build runs it ({netTricksInBuild.Length} of {netTricks.Length} analyzers) {result.BuildRatio:P2}: {Met(result.BuildRatio, corpus.Target)}");
}

return 0;

// Each run gets trees of its own, parsed outside the clock, as each build parses anew: trees shared between runs
// would carry the syntax nodes and per-tree caches (NetTricks' call index) one run built into the next one's time.
// Sources carry their encoding, as csc reads files (the PDB records each file's checksum).
SyntaxTree[] Parse(Corpus corpus) => corpus.Files.Select(f => CSharpSyntaxTree.ParseText(Microsoft.CodeAnalysis.Text.SourceText.From(f.Text, System.Text.Encoding.UTF8), parse, f.Path)).ToArray();

bool Wanted(string name) => string.IsNullOrEmpty(onlyCorpus) || string.Equals(onlyCorpus, name, StringComparison.OrdinalIgnoreCase);

Result Measure(Corpus corpus)
{
    var samples = new List<Sample>();
    Sample? last = null;
    var warmUps = -1; // known once a repetition ran with the JIT quiet
    for (var r = 0; samples.Count < repetitions; r++)
    {
        // The compiler's own work for the compilation, the steps csc takes for a default `dotnet build`: parse every
        // file, then bind and emit the assembly with its portable PDB and its reference assembly. A fresh compilation of
        // freshly parsed trees for each measurement: nothing bound or indexed is shared between them. On one thread
        // (concurrentBuild: false) this thread's CPU time is read inside each timed step; in the concurrent mode the
        // process's, since the compiler's work is spread over threads.
        var (jitMethods, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        long compilerCpu = 0, emitCpu = 0;
        SyntaxTree[] parsed = Array.Empty<SyntaxTree>();
        var parseMs = Timed(() =>
        {
            var cpu = concurrent ? ProcessCpuNs() : ThreadCpu.Now();
            parsed = Parse(corpus);
            compilerCpu += (concurrent ? ProcessCpuNs() : ThreadCpu.Now()) - cpu;
        }).Ms;
        var compilation = Compile(parsed, corpus.References);
        var emitMs = Timed(() =>
        {
            var cpu = concurrent ? ProcessCpuNs() : ThreadCpu.Now();
            using var stream = new MemoryStream();
            using var pdb = new MemoryStream();
            using var referenceAssembly = new MemoryStream(); // SDK projects produce one by default (ProduceReferenceAssembly, csc /refout)
            var emit = compilation.Emit(stream, pdb, metadataPEStream: referenceAssembly,
                options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb, includePrivateMembers: false));
            emitCpu = (concurrent ? ProcessCpuNs() : ThreadCpu.Now()) - cpu;
            compilerCpu += emitCpu;
            if (!emit.Success)
                throw new InvalidOperationException($"{corpus.Name} does not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        }).Ms;
        var compilerCpuMs = compilerCpu / 1e6;
        // On one thread the compiler's wall-clock time is its work; concurrently, its work is the CPU time of its threads.
        var compilerMs = concurrent ? compilerCpuMs : parseMs + emitMs;
        if (concurrent)
            emitMs = emitCpu / 1e6;

        // The ratio is read from a run of the NetTricks analyzers as they ship (the driver's telemetry, as
        // ReportAnalyzer measures). The CPU ratio comes from a third run, with each callback wrapped and timed in thread
        // CPU (MeasuredAnalyzer), which other load on the machine does not inflate; that wrapping costs time of its own
        // (two clock_gettime calls per callback), so it is kept out of the run the ratio and the deltas are read from.
        var plainWithBaseline = netTricks.Add(baseline);
        // Alternate which run goes first so a drift in machine load does not always favour the same one.
        var (nt, bl) = r % 2 == 0
            ? (Analyze(Parse(corpus), corpus.References, plainWithBaseline), Analyze(Parse(corpus), corpus.References, baselineOnly))
            : Swap(Analyze(Parse(corpus), corpus.References, baselineOnly), Analyze(Parse(corpus), corpus.References, plainWithBaseline));
        var measured = netTricks.Select(a => new MeasuredAnalyzer(a)).ToImmutableArray();
        Analyze(Parse(corpus), corpus.References, measured.CastArray<DiagnosticAnalyzer>().Add(baseline));
        // A fourth run, with what a default `dotnet build` runs: the same telemetry, over the same compile time.
        var inBuild = Analyze(Parse(corpus), corpus.References, netTricksInBuild.Add(baseline));
        var buildAnalyzerMs = netTricksInBuild.Sum(a => inBuild.Telemetry[a].ExecutionTime.TotalMilliseconds);
        if (nt.Diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } crash)
            throw new InvalidOperationException("analyzer exception: " + crash);
        var analyzerMs = netTricks.Sum(a => nt.Telemetry[a].ExecutionTime.TotalMilliseconds);
        last = new Sample(compilerMs, emitMs, analyzerMs, measured.Sum(a => a.Cost.CpuMs) / compilerCpuMs, nt.Diagnostics.Length,
            nt.Diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()), nt.Run.Ms - bl.Run.Ms, nt.Run.Allocated - bl.Run.Allocated,
            nt.Run.GcPauseMs - bl.Run.GcPauseMs, $"gen0 {nt.Run.Gen0} vs {bl.Run.Gen0}, gen2 {nt.Run.Gen2} vs {bl.Run.Gen2}",
            netTricks.Select(a => (a.GetType().Name, nt.Telemetry[a].ExecutionTime.TotalMilliseconds)).OrderByDescending(p => p.Item2).ToList(),
            System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods, (System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds, buildAnalyzerMs);
        if (detail)
            Console.Error.WriteLine($"  {corpus.Name} repetition {r}{(warmUps < 0 ? " (warm-up)" : "")}: ratio {last.AnalyzerMs / last.CompilerMs:P1}, CPU ratio {last.CpuRatio:P1}, build ratio {last.BuildAnalyzerMs / last.CompilerMs:P1}, compile {last.CompilerMs:F0} ms, NetTricks {last.AnalyzerMs:F0} ms, JIT {last.JitMethods} methods, {last.JitMs:F0} ms");
        if (warmUps >= 0)
            samples.Add(last);
        else if (r + 1 >= WarmUps && (last.JitMethods < QuietJitMethods || r + 1 >= MaxWarmUps))
            warmUps = r + 1; // warmed up as a compiler server that has built a few times: JIT done, hot code tiered up
    }

    // Ratios are medians of the per-repetition ratios: compile and analysis of one repetition run back to back, so
    // their ratio shrugs off load that changes between repetitions better than a ratio of two separate medians.
    return new Result(
        Median(samples.Select(s => s.CompilerMs)),
        Median(samples.Select(s => s.AnalyzerMs)),
        Median(samples.Select(s => s.AnalyzerMs / s.CompilerMs)),
        Median(samples.Select(s => s.AnalyzerMs / s.EmitMs)),
        Median(samples.Select(s => s.CpuRatio)),
        last!.Diagnostics,
        last.DiagnosticIds,
        Median(samples.Select(s => s.WallMs)),
        Median(samples.Select(s => s.WallMs / s.CompilerMs)),
        Median(samples.Select(s => (double)s.Allocated)) / (1024 * 1024),
        last.TopAnalyzers,
        samples,
        warmUps,
        Median(samples.Select(s => s.BuildAnalyzerMs / s.CompilerMs)));
}

(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyDictionary<DiagnosticAnalyzer, AnalyzerTelemetryInfo> Telemetry, (double Ms, long Allocated, double GcPauseMs, int Gen0, int Gen2) Run) Analyze(
    SyntaxTree[] trees, IReadOnlyList<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
{
    // csc declares the compilation's symbols (GetDiagnostics(CompilationStage.Declare), CommonCompiler.CompileAndEmit)
    // as soon as it has attached the analyzer driver, while the compilation start actions run. Done here first, in
    // every run, so the first analyzer to ask for a type (NetTricks resolving TorchSharp's) is not charged with
    // building the compiler's declaration table and reference bindings.
    var compilation = Compile(trees, references);
    compilation.GetDeclarationDiagnostics();
    // logAnalyzerExecutionTime: true, as `dotnet build -p:ReportAnalyzer=true` measures; concurrentAnalysis as csc
    // runs it (on) only in the concurrent mode.
    var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: concurrent, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
    var diagnostics = ImmutableArray<Diagnostic>.Empty;
    var run = Timed(() => diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result);
    var telemetry = analyzers.ToDictionary(a => a, a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).Result);
    return (diagnostics, telemetry, run);
}

// csc does not run an analyzer whose every rule is Info or Hidden, since a build prints neither, unless it writes an error
// log (SARIF, /errorlog) or .editorconfig raises one of those rules (CommonCompiler's severity filter; seen with
// ReportAnalyzer on samples/FlawedTraining: the Info-only analyzers run only with -p:ErrorLog or when raised). With no
// .editorconfig or error log, as here, that leaves the analyzers with a rule enabled by default at Warning or above.
static ImmutableArray<DiagnosticAnalyzer> RunByDefaultInBuild(ImmutableArray<DiagnosticAnalyzer> analyzers) => analyzers
    .Where(a => a.SupportedDiagnostics.Any(d => d.IsEnabledByDefault && d.DefaultSeverity >= DiagnosticSeverity.Warning))
    .ToImmutableArray();

static ImmutableArray<DiagnosticAnalyzer> AnalyzersOf(System.Reflection.Assembly assembly) => assembly.GetTypes()
    .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();

static long ProcessCpuNs() => (long)(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds * 1e6);

static (T, T) Swap<T>(T first, T second) => (second, first);

CSharpCompilation Compile(SyntaxTree[] trees, IReadOnlyList<MetadataReference> references) =>
    CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(
        OutputKind.DynamicallyLinkedLibrary, concurrentBuild: concurrent, nullableContextOptions: NullableContextOptions.Enable));

static (double Ms, long Allocated, double GcPauseMs, int Gen0, int Gen2) Timed(Action action)
{
    // Start each measurement from a collected heap so one run's garbage is not collected on the next one's clock.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var (pauseBefore, gen0Before, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(2));
    var stopwatch = Stopwatch.StartNew();
    action();
    var ms = stopwatch.Elapsed.TotalMilliseconds;
    return (ms, GC.GetTotalAllocatedBytes(precise: true) - before, (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds,
        GC.CollectionCount(0) - gen0Before, GC.CollectionCount(2) - gen2Before);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "NetTricks.Analyzers.sln")))
            return directory.FullName;
    }

    throw new InvalidOperationException("repository root (NetTricks.Analyzers.sln) not found above " + AppContext.BaseDirectory);
}

internal sealed record Corpus(string Name, string Title, List<(string Path, string Text)> Files, IReadOnlyList<MetadataReference> References, double? Target)
{
    public int Lines { get; } = Files.Sum(f => SourceFile.Lines(f.Text));
}

internal sealed record Sample(double CompilerMs, double EmitMs, double AnalyzerMs, double CpuRatio, int Diagnostics, Dictionary<string, int> DiagnosticIds, double WallMs, long Allocated, double GcPauseMs, string Collections, List<(string Name, double Ms)> TopAnalyzers, long JitMethods, double JitMs, double BuildAnalyzerMs);

internal sealed record Result(double CompilerMs, double AnalyzerMs, double Ratio, double EmitRatio, double CpuRatio, int Diagnostics, Dictionary<string, int> DiagnosticIds, double WallMs, double WallRatio, double AllocatedMB, List<(string Name, double Ms)> TopAnalyzers, List<Sample> Samples, int WarmUps, double BuildRatio);
