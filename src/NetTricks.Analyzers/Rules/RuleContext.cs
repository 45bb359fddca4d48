using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// What a rule handler gets: the operation the per-file action found (a call, a loop, a return; see
/// <see cref="Registration"/>) and the way to report.
/// </summary>
internal readonly struct RuleContext
{
    private readonly Action<Diagnostic> _report;

    public RuleContext(IOperation operation, AnalyzerOptions options, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        Operation = operation;
        Options = options;
        _report = report;
        CancellationToken = cancellationToken;
    }

    public IOperation Operation { get; }

    public AnalyzerOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    public void ReportDiagnostic(Diagnostic diagnostic) => _report(diagnostic);
}

/// <summary>What a rule about a type declaration gets (see <see cref="Registration.OnNamedTypes"/>).</summary>
internal readonly struct TypeContext
{
    private readonly Action<Diagnostic> _report;

    public TypeContext(INamedTypeSymbol symbol, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        Symbol = symbol;
        _report = report;
        CancellationToken = cancellationToken;
    }

    public INamedTypeSymbol Symbol { get; }

    public CancellationToken CancellationToken { get; }

    public void ReportDiagnostic(Diagnostic diagnostic) => _report(diagnostic);
}
