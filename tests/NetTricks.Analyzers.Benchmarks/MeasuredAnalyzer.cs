using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)), which time taken by other
/// processes on a shared machine does not inflate; elsewhere it falls back to elapsed time.
/// </summary>
internal static class ThreadCpu
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    private static readonly bool Available = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    // NETTRICKS_BENCH_USERCPU=1: user-mode time only (getrusage(RUSAGE_THREAD)), leaving out the kernel's page faults
    // and zeroing of fresh memory, which vary from run to run with where the GC places the heap.
    private static readonly bool UserOnly = Available && Environment.GetEnvironmentVariable("NETTRICKS_BENCH_USERCPU") == "1";

    /// <summary>Nanoseconds of CPU the current thread has used (or elapsed, where not available).</summary>
    public static long Now()
    {
        if (UserOnly && GetRUsage(1 /* RUSAGE_THREAD */, out var usage) == 0)
            return usage.UserSeconds * 1_000_000_000 + usage.UserMicroseconds * 1000;
        if (Available && ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var time) == 0)
            return time.Seconds * 1_000_000_000 + time.Nanoseconds;
        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    public static string Kind => UserOnly ? "thread user CPU" : Available ? "thread CPU" : "elapsed";
}

/// <summary>What one analyzer's callbacks cost: time, CPU time, the GC pauses that fell inside them, and what they allocated.</summary>
internal sealed class CallbackCost
{
    private long _ticks, _cpuNanoseconds, _pauseTicks, _allocated;

    public double Ms => _ticks * 1000.0 / Stopwatch.Frequency;
    public double CpuMs => _cpuNanoseconds / 1e6;
    public double GcPauseMs => TimeSpan.FromTicks(_pauseTicks).TotalMilliseconds;
    public double AllocatedMB => _allocated / (1024.0 * 1024);

    public void Measure<T>(Action<T> action, T argument)
    {
        // Callbacks do not nest: each is timed on its own thread from start to end.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var pause = GC.GetTotalPauseDuration();
        var cpu = ThreadCpu.Now();
        var start = Stopwatch.GetTimestamp();
        try
        {
            action(argument);
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
            Interlocked.Add(ref _cpuNanoseconds, ThreadCpu.Now() - cpu);
            Interlocked.Add(ref _pauseTicks, (GC.GetTotalPauseDuration() - pause).Ticks);
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - allocated);
        }
    }
}

/// <summary>
/// Runs an analyzer with each of its callbacks measured (<see cref="CallbackCost"/>). Forwards the registrations
/// NetTricks analyzers make (compilation start, then per-tree semantic-model actions and named-type symbol actions); any other kind throws, so a
/// new registration shape cannot go unmeasured.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class MeasuredAnalyzer : DiagnosticAnalyzer
{
    private readonly DiagnosticAnalyzer _inner;

    public MeasuredAnalyzer(DiagnosticAnalyzer inner) => _inner = inner;

    public CallbackCost Cost { get; } = new();

    public string Name => _inner.GetType().Name;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => _inner.SupportedDiagnostics;

#pragma warning disable RS1025, RS1026 // The wrapped analyzer configures generated code and concurrency; Forwarding passes both calls on.
    public override void Initialize(AnalysisContext context) => _inner.Initialize(new Forwarding(context, Cost));
#pragma warning restore RS1025, RS1026

    private sealed class Forwarding : AnalysisContext
    {
        private readonly AnalysisContext _context;
        private readonly CallbackCost _cost;

        public Forwarding(AnalysisContext context, CallbackCost cost) => (_context, _cost) = (context, cost);

        public override void EnableConcurrentExecution() => _context.EnableConcurrentExecution();

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => _context.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) =>
            _context.RegisterCompilationStartAction(start => _cost.Measure(s => action(new ForwardingStart(s, _cost)), start));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => throw Unexpected();
        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => throw Unexpected();
        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => throw Unexpected();
        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw Unexpected();
        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw Unexpected();
        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw Unexpected();
        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => throw Unexpected();
    }

    private sealed class ForwardingStart : CompilationStartAnalysisContext
    {
        private readonly CompilationStartAnalysisContext _context;
        private readonly CallbackCost _cost;

        public ForwardingStart(CompilationStartAnalysisContext context, CallbackCost cost)
            : base(context.Compilation, context.Options, context.CancellationToken) => (_context, _cost) = (context, cost);

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) =>
            _context.RegisterSemanticModelAction(tree => _cost.Measure(action, tree));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) =>
            _context.RegisterSymbolAction(symbol => _cost.Measure(action, symbol), symbolKinds);

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => throw Unexpected();
        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw Unexpected();
        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw Unexpected();
        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw Unexpected();
        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => throw Unexpected();
    }

    private static NotSupportedException Unexpected() =>
        new("a NetTricks analyzer registered an action kind the benchmark does not measure; forward it in MeasuredAnalyzer");
}
