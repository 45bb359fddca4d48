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
using NetTricks.Analyzers.Rules;
using NetTricks.Analyzers.Tests.Infrastructure;
using NetTricks.CodeFixes;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// Fix All the way <c>dotnet format analyzers</c> (SDK 10) runs it: it asks the fix for an action on the first diagnostic
/// it finds, takes that action's equivalence key (null when that diagnostic has no fix), and calls the Fix All provider
/// once in Solution scope with every diagnostic of the run. A first occurrence without a fix must not cost the others
/// theirs, and a fix edits the file the activation is in.
/// </summary>
public class DotnetFormatFixAllTests
{
    [Fact]
    public async Task A_first_occurrence_without_a_fix_does_not_stop_the_others_from_being_fixed()
    {
        // torch.softmax has no torch.log_softmax twin: that NT1004 has no fix, and it is the first one found.
        var unfixable = Sources.Usings + """
            static class Probabilities
            {
                public static Tensor Loss(Tensor logits, Tensor y) => functional.nll_loss(torch.softmax(logits, 1), y);
            }
            """;
        var training = Sources.Usings + """
            static class Training
            {
                public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => functional.nll_loss(model.forward(x), y);
            }
            """;
        var solution = CreateSolution(("Probabilities.cs", unfixable), ("Model.cs", Sources.SoftmaxClassifierFile), ("Training.cs", training));
        var diagnostics = await AnalyzeAsync(solution, new NllLossOnProbabilitiesAnalyzer());
        Assert.Equal(2, diagnostics.Length);
        var ordered = diagnostics.OrderBy(d => d.Location.SourceTree!.FilePath == "/0/Probabilities.cs" ? 0 : 1).ToImmutableArray();

        var (fixedSolution, firstAction) = await DotnetFormatAsync(solution, new UseLogSoftmaxCodeFix(), "NT1004", ordered);

        Assert.Null(firstAction);
        Assert.Equal(Sources.SoftmaxClassifierFile.Replace("return x.softmax(1);", "return x.log_softmax(1);"), await TextAsync(fixedSolution, "Model.cs"));
        Assert.Equal(unfixable, await TextAsync(fixedSolution, "Probabilities.cs"));
        Assert.Equal(training, await TextAsync(fixedSolution, "Training.cs"));
        await AssertCompilesAsync(fixedSolution);
        Assert.Equal(new[] { "/0/Probabilities.cs" }, (await AnalyzeAsync(fixedSolution, new NllLossOnProbabilitiesAnalyzer())).Select(d => d.Location.SourceTree!.FilePath));
    }

    [Fact]
    public async Task Losses_in_two_files_fed_by_one_softmax_are_both_rewritten_and_the_softmax_is_removed_once()
    {
        // Each NT1002 fix removes the shared softmax and rewrites its own loss call: the shared edit must be applied
        // once, and neither fix may be dropped (a dropped one would leave an MSE loss on logits, reported by nothing).
        const string oneHot = "functional.one_hot(zeros(4, dtype: int64), 3).to_type(ScalarType.Float32)";
        string Loss(string className, string call) => Sources.Usings + $$"""
            static class {{className}}
            {
                public static Tensor Loss(SoftmaxClassifier model, Tensor x) => {{call}}(model.forward(x), {{oneHot}});
            }
            """;
        var solution = CreateSolution(
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Training.cs", Loss("Training", "MSELoss().forward")),
            ("Validation.cs", Loss("Validation", "functional.mse_loss")));
        var diagnostics = await AnalyzeAsync(solution, new MseWithSoftmaxAnalyzer());
        Assert.Equal(2, diagnostics.Length);

        var (fixedSolution, firstAction) = await DotnetFormatAsync(solution, new UseLossOnLogitsCodeFix(), "NT1002", diagnostics);

        Assert.NotNull(firstAction);
        Assert.Equal(Sources.SoftmaxClassifierFile.Replace("return x.softmax(1);", "return x;"), await TextAsync(fixedSolution, "Model.cs"));
        Assert.Equal(Loss("Training", "functional.cross_entropy"), await TextAsync(fixedSolution, "Training.cs"));
        Assert.Equal(Loss("Validation", "functional.cross_entropy"), await TextAsync(fixedSolution, "Validation.cs"));
        await AssertCompilesAsync(fixedSolution);
        Assert.Empty(await AnalyzeAsync(fixedSolution, new MseWithSoftmaxAnalyzer()));
    }

    [Fact]
    public async Task A_first_diagnostic_of_another_rule_of_the_same_analyzer_does_not_stop_the_fix()
    {
        // Without --diagnostics, dotnet format fixing NT1001 also passes the NT1008 the same analyzer reports, and may
        // take it as the first one. Only the NT1001 is fixed.
        var bounded = Sources.Usings + """
            static class Bounded
            {
                static Tensor LoadTargets() => torch.load("targets.pt");
                public static Tensor Loss() => MSELoss().forward(Sequential(Linear(4, 1), Tanh()).forward(randn(8, 4)), LoadTargets());
            }
            """;
        var model = Sources.Usings + """
            public sealed class Net : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(4, 1);
                public Net() : base("net") => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.forward(x).relu();
            }
            """;
        var training = Sources.Usings + """
            static class Training
            {
                public static Tensor Loss() => MSELoss().forward(new Net().forward(randn(8, 4)), randn(8, 1));
            }
            """;
        var solution = CreateSolution(("Bounded.cs", bounded), ("Model.cs", model), ("Training.cs", training));
        var diagnostics = await AnalyzeAsync(solution, new ReluOnSignedOutputsAnalyzer());
        Assert.Equal(new[] { "NT1001", "NT1008" }, diagnostics.Select(d => d.Id).OrderBy(id => id));
        var ordered = diagnostics.OrderBy(d => d.Id == "NT1008" ? 0 : 1).ToImmutableArray();

        var (fixedSolution, _) = await DotnetFormatAsync(solution, new RemoveFinalActivationCodeFix(), "NT1001", ordered);

        Assert.Equal(model.Replace("fc.forward(x).relu();", "fc.forward(x);"), await TextAsync(fixedSolution, "Model.cs"));
        Assert.Equal(bounded, await TextAsync(fixedSolution, "Bounded.cs"));
        Assert.Equal(training, await TextAsync(fixedSolution, "Training.cs"));
        await AssertCompilesAsync(fixedSolution);
    }

    /// <summary>What dotnet format's SolutionCodeFixApplier does for one rule; returns the result and the first diagnostic's action.</summary>
    private static async Task<(Solution Solution, CodeAction? FirstAction)> DotnetFormatAsync(Solution solution, CodeFixProvider fix, string id, ImmutableArray<Diagnostic> diagnostics)
    {
        var fixAllProvider = fix.GetFixAllProvider();
        Assert.NotNull(fixAllProvider);
        Assert.Contains(FixAllScope.Solution, fixAllProvider!.GetSupportedFixAllScopes());

        var first = diagnostics.First(d => d.Location.SourceTree is not null);
        var document = solution.GetDocument(first.Location.SourceTree)!;
        CodeAction? action = null;
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => action ??= a, CancellationToken.None));

        var context = new FixAllContext(document, fix, FixAllScope.Solution, action?.EquivalenceKey!, new[] { id },
            new ListDiagnosticProvider(diagnostics), CancellationToken.None);
        var fixAll = await fixAllProvider.GetFixAsync(context);
        Assert.NotNull(fixAll); // dotnet format: "didn't return a Fix All action"
        var operations = await fixAll!.GetOperationsAsync(CancellationToken.None);
        return (Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution, action);
    }

    private sealed class ListDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> diagnostics;

        public ListDiagnosticProvider(ImmutableArray<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }

    private static Solution CreateSolution(params (string Name, string Source)[] files)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var references = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
                metadataReferences: references));
        foreach (var (name, source) in files)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), name, SourceText.From(source), filePath: "/0/" + name);
        return solution;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Solution solution, DiagnosticAnalyzer analyzer)
    {
        var compilation = (await solution.Projects.Single().GetCompilationAsync())!;
        return await compilation.WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync();
    }

    private static async Task AssertCompilesAsync(Solution solution)
    {
        var compilation = (await solution.Projects.Single().GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static async Task<string> TextAsync(Solution solution, string name) =>
        (await solution.Projects.Single().Documents.Single(d => d.Name == name).GetTextAsync()).ToString();
}
