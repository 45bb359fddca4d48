using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>
/// NT8003: a module class that calls <c>RegisterComponents()</c> keeps layers in a <c>List&lt;&gt;</c>, array or
/// dictionary field, which RegisterComponents does not register (unless each element is registered by hand).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SubmodulesNotRegisteredAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NT8003);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.OnDerivedClasses(context, Analyze);
    }

    private static void Analyze(TypeContext context, TrainingCodeModel model)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !model.IsUserModuleType(type))
            return;
        // Only fields holding modules in a plain collection can be missed; most module classes have none, so look for
        // them before looking at the calls.
        var collections = type.GetMembers().OfType<IFieldSymbol>()
            .Where(field => !field.IsStatic && !field.IsImplicitlyDeclared && ModuleElementType(model, field.Type) is not null).ToList();
        if (collections.Count == 0)
            return;
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken)).ToList();
        if (!Calls(declarations, "RegisterComponents") || Calls(declarations, "register_module"))
            return;

        foreach (var field in collections)
        {
            var syntax = field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
            if (syntax is null)
                continue;
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (field.Type is INamedTypeSymbol { Name: "List", Arity: 1 } && IsFixable(field, declarations))
                properties = properties.Add(FixProperties.Fixable, "true");
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NT8003, syntax.GetLocation(), properties, field.Name));
        }
    }

    /// <summary>True when a call of that simple name is inside one of the declarations (from the trees' syntax index).</summary>
    private static bool Calls(System.Collections.Generic.List<SyntaxNode> declarations, string name) =>
        declarations.Any(declaration => TreeIndex.For(declaration.SyntaxTree).CallsNamed(name).Any(call => call is InvocationExpressionSyntax && declaration.Span.Contains(call.Span)));

    /// <summary>The module element type of a plain collection (List/array/dictionary value/IEnumerable), or null.</summary>
    private static ITypeSymbol? ModuleElementType(TrainingCodeModel model, ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
            return model.Symbols.IsModule(array.ElementType) ? array.ElementType : null;
        if (type is not INamedTypeSymbol { IsGenericType: true } named || model.Symbols.IsTorchSharpType(named) || model.Symbols.IsModule(named))
            return null;
        if (named.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic")
            return null;
        var element = named.TypeArguments[named.TypeArguments.Length - 1];
        return model.Symbols.IsModule(element) ? element : null;
    }

    /// <summary>ModuleList&lt;T&gt; replaces List&lt;T&gt; only where the field is created empty or with an initializer and used through Add/Count/indexing/foreach.</summary>
    private static bool IsFixable(IFieldSymbol field, System.Collections.Generic.List<SyntaxNode> declarations)
    {
        if (field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not VariableDeclaratorSyntax declarator)
            return false;
        if (declarator.Initializer?.Value is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax))
            return false;
        foreach (var name in declarations.SelectMany(d => d.DescendantNodes().OfType<IdentifierNameSyntax>()).Where(n => n.Identifier.ValueText == field.Name))
        {
            // The expression that denotes the field: `layers` or `this.layers` (not some other object's member).
            ExpressionSyntax use = name;
            if (name.Parent is MemberAccessExpressionSyntax qualified && qualified.Name == name)
            {
                if (qualified.Expression is not ThisExpressionSyntax)
                    continue;
                use = qualified;
            }

            if (use.Parent is AssignmentExpressionSyntax assignment && assignment.Left == use)
                return false;
            if (use.Parent is MemberAccessExpressionSyntax member && member.Expression == use &&
                member.Name.Identifier.ValueText is not ("Add" or "Count" or "Clear" or "Insert" or "Remove" or "RemoveAt" or "Contains"))
                return false;
            if (use.Parent is ArgumentSyntax)
                return false; // passed to code that may expect a List<T>
        }

        return true;
    }
}
