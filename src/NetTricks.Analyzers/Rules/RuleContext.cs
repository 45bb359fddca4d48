using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// How a per-file action reports: through the driver's context of that file and analyzer, leaving out code marked
/// <c>[GeneratedCode]</c> (see <see cref="GeneratedCode"/>). A struct holding the context, so that no report closure
/// is allocated for each of the 36 analyzers and every file, most of which report nothing.
/// </summary>
internal readonly struct TreeReporter
{
    private readonly SemanticModelAnalysisContext _context;

    public TreeReporter(in SemanticModelAnalysisContext context) => _context = context;

    public SemanticModel SemanticModel => _context.SemanticModel;

    public AnalyzerOptions Options => _context.Options;

    /// <summary>The part of the file the IDE asks about, or null for all of it.</summary>
    public Microsoft.CodeAnalysis.Text.TextSpan? FilterSpan => _context.FilterSpan;

    public CancellationToken CancellationToken => _context.CancellationToken;

    public void ReportDiagnostic(Diagnostic diagnostic)
    {
        if (!GeneratedCode.IsMarked(diagnostic.Location))
            _context.ReportDiagnostic(diagnostic);
    }
}

/// <summary>
/// What a rule handler gets: the operation the per-file action found (a call, a loop, a return; see
/// <see cref="Registration"/>) and the way to report.
/// </summary>
internal readonly struct RuleContext
{
    private readonly TreeReporter _reporter;

    public RuleContext(IOperation operation, in TreeReporter reporter)
    {
        Operation = operation;
        _reporter = reporter;
    }

    public IOperation Operation { get; }

    public AnalyzerOptions Options => _reporter.Options;

    public CancellationToken CancellationToken => _reporter.CancellationToken;

    /// <summary>The file's reporter, for a handler that finds further operations to hand on.</summary>
    public TreeReporter Reporter => _reporter;

    public void ReportDiagnostic(Diagnostic diagnostic) => _reporter.ReportDiagnostic(diagnostic);
}

/// <summary>What a rule about a type declaration gets (see <see cref="Registration.OnDerivedClasses"/>).</summary>
internal readonly struct TypeContext
{
    private readonly TreeReporter _reporter;

    public TypeContext(INamedTypeSymbol symbol, in TreeReporter reporter)
    {
        Symbol = symbol;
        _reporter = reporter;
    }

    public INamedTypeSymbol Symbol { get; }

    public CancellationToken CancellationToken => _reporter.CancellationToken;

    public void ReportDiagnostic(Diagnostic diagnostic) => _reporter.ReportDiagnostic(diagnostic);
}
