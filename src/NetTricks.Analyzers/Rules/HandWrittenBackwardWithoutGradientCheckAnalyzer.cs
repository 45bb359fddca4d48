using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT4003: a custom autograd function (deriving from TorchSharp's autograd Function types) that no call of the
/// runtime GradientChecker names in this compilation and that is not marked <c>[GradientChecked]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandWrittenBackwardWithoutGradientCheckAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT4003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnDerivedClasses(context, Analyze);
    }

    private static void Analyze(TypeContext context, TrainingCodeModel model)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || !IsAutogradFunction(model, type))
            return;
        if (type.GetAttributes().Any(a => a.AttributeClass?.Name == "GradientCheckedAttribute"))
            return;

        // A checker call that names the class: CheckAutogradFunction<MyFn>(...), or MyFn used inside its arguments.
        foreach (var call in model.Index.CallsNamed("CheckAutogradFunction").AddRange(model.Index.CallsNamed("Check")).AddRange(model.Index.CallsNamed("CheckOutputs")).AddRange(model.Index.CallsNamed("CheckModule")))
        {
            if (call is not InvocationExpressionSyntax invocation || model.GetSemanticModel(call.SyntaxTree) is not { } semantic)
                continue;
            if (semantic.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol method || method.ContainingType?.Name != "GradientChecker")
                continue;
            if (method.TypeArguments.Any(t => SymbolEqualityComparer.Default.Equals(t, type)) ||
                invocation.ArgumentList.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == type.Name &&
                    SymbolEqualityComparer.Default.Equals(semantic.GetSymbolInfo(n, context.CancellationToken).Symbol, type)))
                return;
        }

        var declaration = type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) as BaseTypeDeclarationSyntax;
        var location = declaration?.Identifier.GetLocation() ?? type.Locations.FirstOrDefault();
        if (location is not null)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT4003, location, type.Name));
    }

    private static bool IsAutogradFunction(TrainingCodeModel model, INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (model.Symbols.IsTorchSharpType(t) && t.ContainingType?.Name == "autograd" &&
                t.Name is "Function" or "SingleTensorFunction" or "MultiTensorFunction")
                return true;
        }

        return false;
    }
}
