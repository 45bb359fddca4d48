using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace NetTricks.Analyzers.Tests.Infrastructure;

/// <summary>One project's worth of plain C# taken from a rule test (markup removed).</summary>
public sealed record TestSourceCase(string TestFile, string Method, IReadOnlyList<string> Sources)
{
    public override string ToString() => $"{TestFile} {Method}";
}

/// <summary>
/// Recovers the C# sources the rule tests hand to the verifiers from the test files' syntax, so the fuzz tests feed
/// the same code to every analyzer and fix. Evaluated syntactically: string and raw string literals, <c>+</c>, the
/// string consts they name (same class or <c>Class.Field</c>), locals, <c>Replace(a, b)</c>, and interpolations
/// filled from each <c>[InlineData]</c> row. Anything else (a value computed at run time) is skipped, not guessed.
/// </summary>
public static class TestSourceExtractor
{
    public static IReadOnlyList<string> RuleTestFiles(string repositoryRoot) =>
        Directory.GetFiles(Path.Combine(repositoryRoot, "tests", "NetTricks.Analyzers.Tests", "Rules"), "*.cs")
            .Select(Path.GetFileName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList()!;

    /// <summary>The cases of one rule test file, in source order, deduplicated.</summary>
    public static IReadOnlyList<TestSourceCase> Extract(string repositoryRoot, string ruleTestFile)
    {
        var testsDirectory = Path.Combine(repositoryRoot, "tests", "NetTricks.Analyzers.Tests");
        // Consts may live in another rule test class or in Infrastructure/Sources.cs: parse them all for lookups.
        var trees = Directory.GetFiles(Path.Combine(testsDirectory, "Rules"), "*.cs")
            .Append(Path.Combine(testsDirectory, "Infrastructure", "Sources.cs"))
            .ToDictionary(p => Path.GetFileName(p), p => CSharpSyntaxTree.ParseText(File.ReadAllText(p), path: p), StringComparer.Ordinal);
        var evaluator = new Evaluator(trees.Values);

        var cases = new List<TestSourceCase>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in trees[ruleTestFile].GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (!method.AttributeLists.SelectMany(l => l.Attributes).Any(a => IsNamed(a, "Fact") || IsNamed(a, "Theory")))
                continue;
            SyntaxNode? body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
            if (body is null)
                continue;
            foreach (var parameters in ParameterRows(method, evaluator))
            {
                var groups = new List<List<string>>();
                Collect(body, parameters, evaluator, groups);
                foreach (var group in groups)
                {
                    var sources = group.Select(StripMarkup).ToList();
                    if (seen.Add(string.Join("\0", sources)))
                        cases.Add(new TestSourceCase(ruleTestFile, method.Identifier.ValueText, sources));
                }
            }
        }

        return cases;
    }

    private static bool IsNamed(AttributeSyntax attribute, string name)
    {
        var simple = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => "",
        };
        return simple == name || simple == name + "Attribute";
    }

    /// <summary>One binding of the method's parameters per <c>[InlineData]</c> row; a single empty one for a fact.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, string>> ParameterRows(MethodDeclarationSyntax method, Evaluator evaluator)
    {
        var rows = method.AttributeLists.SelectMany(l => l.Attributes).Where(a => IsNamed(a, "InlineData")).ToList();
        if (rows.Count == 0)
        {
            yield return new Dictionary<string, string>();
            yield break;
        }

        var names = method.ParameterList.Parameters.Select(p => p.Identifier.ValueText).ToList();
        foreach (var row in rows)
        {
            var binding = new Dictionary<string, string>(StringComparer.Ordinal);
            var arguments = row.ArgumentList?.Arguments ?? default;
            for (var i = 0; i < Math.Min(names.Count, arguments.Count); i++)
            {
                if (evaluator.Evaluate(arguments[i].Expression, new Dictionary<string, string>()) is { } value)
                    binding[names[i]] = value;
            }

            yield return binding;
        }
    }

    /// <summary>
    /// Finds the outermost expressions that evaluate to code. The code arguments of one verifier call form one
    /// project (several files), except for fix verifiers whose second argument is the fixed source, not another file.
    /// </summary>
    private static void Collect(SyntaxNode node, IReadOnlyDictionary<string, string> parameters, Evaluator evaluator, List<List<string>> groups)
    {
        if (node is InvocationExpressionSyntax invocation && !Evaluator.IsReplace(invocation))
        {
            var code = invocation.ArgumentList.Arguments
                .Select(a => evaluator.Evaluate(a.Expression, parameters))
                .Where(s => s is not null && LooksLikeCode(s))
                .Cast<string>()
                .ToList();
            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                SimpleNameSyntax s => s.Identifier.ValueText,
                _ => "",
            };
            if (code.Count >= 2 && !name.Contains("Fix", StringComparison.Ordinal))
            {
                groups.Add(code);
                return;
            }
        }

        if (node is ExpressionSyntax expression && evaluator.Evaluate(expression, parameters) is { } text)
        {
            if (LooksLikeCode(text))
                groups.Add(new List<string> { text });
            return;
        }

        foreach (var child in node.ChildNodes())
            Collect(child, parameters, evaluator, groups);
    }

    // Paths, message arguments and placeholders are strings too; a source has statements or braces.
    private static bool LooksLikeCode(string text) => text.Length >= 20 && (text.Contains(';') || text.Contains('{'));

    /// <summary>The plain source the verifier compiles: <c>[|...|]</c>, <c>{|ID:...|}</c> and <c>$$</c> removed, as Microsoft.CodeAnalysis.Testing does.</summary>
    public static string StripMarkup(string markup)
    {
        TestFileMarkupParser.GetPositionsAndSpans(markup, out var output, out ImmutableArray<int> _, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
        return output;
    }

    private sealed class Evaluator
    {
        private const int MaxDepth = 32;
        private readonly Dictionary<string, Dictionary<string, ExpressionSyntax>> fields = new(StringComparer.Ordinal);

        public Evaluator(IEnumerable<SyntaxTree> trees)
        {
            foreach (var type in trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()))
            {
                if (!fields.TryGetValue(type.Identifier.ValueText, out var members))
                    fields[type.Identifier.ValueText] = members = new Dictionary<string, ExpressionSyntax>(StringComparer.Ordinal);
                foreach (var field in type.Members.OfType<FieldDeclarationSyntax>())
                {
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Initializer is { } initializer)
                            members[variable.Identifier.ValueText] = initializer.Value;
                    }
                }
            }
        }

        public static bool IsReplace(InvocationExpressionSyntax invocation) =>
            invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Replace" } && invocation.ArgumentList.Arguments.Count == 2;

        public string? Evaluate(ExpressionSyntax expression, IReadOnlyDictionary<string, string> parameters) => Evaluate(expression, parameters, 0);

        private string? Evaluate(ExpressionSyntax expression, IReadOnlyDictionary<string, string> parameters, int depth)
        {
            if (depth > MaxDepth)
                return null;
            switch (expression)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    return literal.Token.ValueText;
                case ParenthesizedExpressionSyntax parenthesized:
                    return Evaluate(parenthesized.Expression, parameters, depth + 1);
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                    return Evaluate(binary.Left, parameters, depth + 1) is { } left && Evaluate(binary.Right, parameters, depth + 1) is { } right ? left + right : null;
                case InterpolatedStringExpressionSyntax interpolated:
                    var builder = new System.Text.StringBuilder();
                    foreach (var content in interpolated.Contents)
                    {
                        if (content is InterpolatedStringTextSyntax textPart)
                            builder.Append(textPart.TextToken.ValueText);
                        else if (content is InterpolationSyntax { AlignmentClause: null, FormatClause: null } hole && Evaluate(hole.Expression, parameters, depth + 1) is { } value)
                            builder.Append(value);
                        else
                            return null;
                    }

                    return builder.ToString();
                case InvocationExpressionSyntax invocation when IsReplace(invocation):
                    var target = Evaluate(((MemberAccessExpressionSyntax)invocation.Expression).Expression, parameters, depth + 1);
                    var oldValue = Evaluate(invocation.ArgumentList.Arguments[0].Expression, parameters, depth + 1);
                    var newValue = Evaluate(invocation.ArgumentList.Arguments[1].Expression, parameters, depth + 1);
                    return target is null || string.IsNullOrEmpty(oldValue) || newValue is null ? null : target.Replace(oldValue, newValue, StringComparison.Ordinal);
                case IdentifierNameSyntax identifier:
                    return EvaluateName(identifier, parameters, depth);
                case MemberAccessExpressionSyntax { Expression: var owner, Name: IdentifierNameSyntax member }:
                    var ownerName = owner switch
                    {
                        IdentifierNameSyntax i => i.Identifier.ValueText,
                        MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText, // a namespace-qualified class
                        _ => null,
                    };
                    return ownerName is not null && fields.TryGetValue(ownerName, out var members) && members.TryGetValue(member.Identifier.ValueText, out var value2)
                        ? Evaluate(value2, Empty, depth + 1)
                        : null;
                default:
                    return null;
            }
        }

        private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

        /// <summary>A theory parameter, a local of the enclosing member, or a field of the enclosing class.</summary>
        private string? EvaluateName(IdentifierNameSyntax identifier, IReadOnlyDictionary<string, string> parameters, int depth)
        {
            var name = identifier.Identifier.ValueText;
            if (parameters.TryGetValue(name, out var bound))
                return bound;
            var member = identifier.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault();
            if (member is BaseMethodDeclarationSyntax or PropertyDeclarationSyntax)
            {
                var local = member.DescendantNodes().OfType<VariableDeclaratorSyntax>()
                    .FirstOrDefault(v => v.Identifier.ValueText == name && v.Initializer is not null && v.Parent?.Parent is LocalDeclarationStatementSyntax);
                if (local is not null)
                    return Evaluate(local.Initializer!.Value, parameters, depth + 1);
            }

            var type = identifier.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault();
            return type is not null && fields.TryGetValue(type.Identifier.ValueText, out var members) && members.TryGetValue(name, out var value)
                ? Evaluate(value, Empty, depth + 1)
                : null;
        }
    }
}
