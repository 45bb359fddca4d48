using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>
/// A code-fix test compiled against the real TorchSharp (and optionally the NetTricks runtime) with .NET 8
/// reference assemblies from Basic.Reference.Assemblies: nothing is downloaded while tests run.
/// </summary>
public sealed class NetTricksTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public NetTricksTest(bool withRuntime = false, bool withTorchSharp = true, bool withMlNet = false)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        if (withTorchSharp)
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        if (withRuntime)
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetTricks.MiniBatch).Assembly.Location));
        if (withMlNet)
        {
            foreach (var assembly in TestReferences.MlNet)
                TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(assembly.Location));
        }
    }
}

/// <summary>Thin verifier helpers in the style of xunit.analyzers: one line per test.</summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id, DiagnosticSeverity.Warning);

    /// <summary>Analyzes the sources (markup <c>{|NT1003:...|}</c> marks expected diagnostics); several sources form one project.</summary>
    public static Task AnalyzerAsync(params string[] sources) => AnalyzerAsync(withRuntime: false, sources);

    public static Task AnalyzerAsync(bool withRuntime, params string[] sources)
    {
        var test = new NetTricksTest<TAnalyzer, EmptyCodeFixProvider>(withRuntime);
        for (var i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        return test.RunAsync(CancellationToken.None);
    }
}

public static class Verify<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Checks the diagnostics of <paramref name="source"/>, applies the fix (and FixAll) and compares with <paramref name="fixedSource"/>.</summary>
    public static Task FixAsync(string source, string fixedSource, bool withRuntime = false)
    {
        var test = new NetTricksTest<TAnalyzer, TCodeFix>(withRuntime)
        {
            TestCode = source,
            FixedCode = fixedSource,
        };
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>
    /// Several files of one project before and after the fix (markup in <paramref name="sources"/> marks the expected
    /// diagnostics); the framework also checks Fix All in the document, the project and the solution.
    /// </summary>
    public static Task FixFilesAsync((string Name, string Source)[] sources, (string Name, string Source)[] fixedSources, bool withRuntime = false)
    {
        var test = new NetTricksTest<TAnalyzer, TCodeFix>(withRuntime);
        foreach (var (name, source) in sources)
            test.TestState.Sources.Add(($"/0/{name}", source));
        foreach (var (name, source) in fixedSources)
            test.FixedState.Sources.Add(($"/0/{name}", source));
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The diagnostics are reported but no fix is offered (source stays unchanged).</summary>
    public static Task NoFixAsync(string source, bool withRuntime = false)
    {
        var test = new NetTricksTest<TAnalyzer, TCodeFix>(withRuntime)
        {
            TestCode = source,
            FixedCode = source,
        };
        return test.RunAsync(CancellationToken.None);
    }
}

/// <summary>Assemblies that test compilations reference.</summary>
public static class TestReferences
{
    /// <summary>The ML.NET assemblies user code compiles against (the Microsoft.ML package, without FastTree/LightGbm).</summary>
    public static readonly System.Reflection.Assembly[] MlNet =
    {
        typeof(Microsoft.ML.MLContext).Assembly,               // Microsoft.ML.Data
        typeof(Microsoft.ML.IDataView).Assembly,               // Microsoft.ML.DataView
        typeof(Microsoft.ML.IEstimator<>).Assembly,            // Microsoft.ML.Core
        typeof(Microsoft.ML.StandardTrainersCatalog).Assembly, // Microsoft.ML.StandardTrainers
        typeof(Microsoft.ML.CategoricalCatalog).Assembly,      // Microsoft.ML.Transforms
    };
}
