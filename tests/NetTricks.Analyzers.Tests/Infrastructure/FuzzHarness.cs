using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>What one fuzz run exercised (so a test can check that it exercised something).</summary>
public sealed class FuzzStats
{
    private int runs, diagnostics, actions, fixAlls;
    private readonly ConcurrentDictionary<string, int> actionsByFixer = new(StringComparer.Ordinal);

    public int Runs => runs;
    public int Diagnostics => diagnostics;
    public int Actions => actions;
    public int FixAlls => fixAlls;
    public IReadOnlyDictionary<string, int> ActionsByFixer => actionsByFixer;

    internal void Run(int ntDiagnostics)
    {
        Interlocked.Increment(ref runs);
        Interlocked.Add(ref diagnostics, ntDiagnostics);
    }

    internal void Action(CodeFixProvider fixer)
    {
        Interlocked.Increment(ref actions);
        actionsByFixer.AddOrUpdate(fixer.GetType().Name, 1, (_, n) => n + 1);
    }

    internal void FixAll() => Interlocked.Increment(ref fixAlls);

    public override string ToString() => $"{Runs} runs, {Diagnostics} NT diagnostics, {Actions} code actions applied, {FixAlls} FixAll";
}

/// <summary>
/// Runs every analyzer over a set of files, then, for NT diagnostics found, every code fix that handles the ID
/// (each registered action computed to its changed solution) and the FixAll provider; every exception is collected.
/// </summary>
public static class FuzzHarness
{
    /// <summary><c>NETTRICKS_FUZZ_EXHAUSTIVE=1</c>: cut at every line and fix every diagnostic instead of a seeded sample.</summary>
    public static bool Exhaustive => Environment.GetEnvironmentVariable("NETTRICKS_FUZZ_EXHAUSTIVE") == "1";

    /// <summary>A fixed seed, shifted by <c>NETTRICKS_FUZZ_SEED=n</c> to draw another sample (the default run always draws the same).</summary>
    public static int Seed(int seed) =>
        int.TryParse(Environment.GetEnvironmentVariable("NETTRICKS_FUZZ_SEED"), out var shift) ? unchecked(seed + shift * 7919) : seed;

    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static readonly ImmutableArray<CodeFixProvider> Fixers = typeof(NetTricks.CodeFixes.InsertZeroGradCodeFix).Assembly.GetTypes()
        .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Everything but the NetTricks runtime a rule test may compile against: .NET 8, TorchSharp, ML.NET.</summary>
    public static readonly IReadOnlyList<MetadataReference> ReferencesWithoutRuntime = Basic.Reference.Assemblies.Net80.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location))
        .Concat(TestReferences.MlNet.Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)))
        .ToList();

    /// <summary>The same and the runtime, which fixes such as NT3001's and NT4001's need to be offered.</summary>
    public static readonly IReadOnlyList<MetadataReference> References = ReferencesWithoutRuntime
        .Append(MetadataReference.CreateFromFile(typeof(NetTricks.MiniBatch).Assembly.Location))
        .ToList();

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// Analyzes <paramref name="files"/> as one project and applies fixes to at most <paramref name="maxFixed"/> NT
    /// diagnostics, chosen with <paramref name="random"/> (null: all of them). Returns the analyzer diagnostics.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> RunAsync(
        IReadOnlyList<(string Path, string Text)> files, ConcurrentBag<Exception> exceptions, FuzzStats stats, Random random, int? maxFixed, string label,
        bool withRuntime = true, ImmutableArray<DiagnosticAnalyzer>? analyzers = null, ImmutableArray<CodeFixProvider>? fixers = null)
    {
        var allFixers = fixers ?? Fixers;
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Fuzz", "Fuzz", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication),
            parseOptions: ParseOptions,
            metadataReferences: withRuntime ? References : ReferencesWithoutRuntime));
        foreach (var (path, text) in files)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), System.IO.Path.GetFileName(path), SourceText.From(text), filePath: path);
        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;

        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) => exceptions.Add(new InvalidOperationException($"{label}: {analyzer.GetType().Name}: {diagnostic}", exception)),
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers ?? Analyzers, options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001"))
            exceptions.Add(new InvalidOperationException($"{label}: {ad0001}"));

        var fixable = diagnostics
            .Where(d => d.Id.StartsWith("NT", StringComparison.Ordinal) && d.Location.IsInSource && allFixers.Any(f => f.FixableDiagnosticIds.Contains(d.Id)))
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        stats.Run(diagnostics.Count(d => d.Id.StartsWith("NT", StringComparison.Ordinal)));
        var chosen = maxFixed is { } max && fixable.Count > max
            ? fixable.OrderBy(_ => random.Next()).Take(max).ToList()
            : fixable;

        var fixAllDone = new HashSet<(CodeFixProvider, string?)>();
        foreach (var diagnostic in chosen)
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree);
            if (document is null)
                continue;
            foreach (var fixer in allFixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var where = $"{label}: {fixer.GetType().Name} on {diagnostic}";
                var actions = new List<CodeAction>();
                try
                {
                    var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                    await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                    foreach (var action in actions.SelectMany(Flatten))
                    {
                        await ApplyAsync(action, solution).ConfigureAwait(false);
                        stats.Action(fixer);
                    }
                }
                catch (Exception e)
                {
                    exceptions.Add(new InvalidOperationException(where, e));
                    continue;
                }

                // FixAll once per fixer and action kind in a run: the batch fixer re-registers fixes for every occurrence.
                var first = actions.SelectMany(Flatten).FirstOrDefault();
                if (first is null || fixer.GetFixAllProvider() is not { } fixAllProvider || !fixAllDone.Add((fixer, first.EquivalenceKey)))
                    continue;
                try
                {
                    var fixAllContext = new FixAllContext(
                        document, fixer, FixAllScope.Project, first.EquivalenceKey, new[] { diagnostic.Id },
                        new FixedDiagnostics(diagnostics), CancellationToken.None);
                    if (await fixAllProvider.GetFixAsync(fixAllContext).ConfigureAwait(false) is { } fixAll)
                    {
                        await ApplyAsync(fixAll, solution).ConfigureAwait(false);
                        stats.FixAll();
                    }
                }
                catch (Exception e)
                {
                    exceptions.Add(new InvalidOperationException(where + " (FixAll)", e));
                }
            }
        }

        return diagnostics;
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action) =>
        action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    /// <summary>Computes the action's edit to the end: the changed documents' text and syntax, as applying it would.</summary>
    private static async Task ApplyAsync(CodeAction action, Solution original)
    {
        foreach (var operation in await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (operation is not ApplyChangesOperation apply)
                continue;
            foreach (var projectChanges in apply.ChangedSolution.GetChanges(original).GetProjectChanges())
            {
                foreach (var id in projectChanges.GetChangedDocuments())
                {
                    var changed = projectChanges.NewProject.GetDocument(id)!;
                    await changed.GetTextAsync().ConfigureAwait(false);
                    await changed.GetSyntaxRootAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The diagnostics of the run, for FixAll.</summary>
    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => !d.Location.IsInSource));

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
