using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers;

/// <summary>Keys of the diagnostic properties that tell a code fix what the analysis found.</summary>
internal static class FixProperties
{
    /// <summary>Present ("true") when the fix can be applied safely to this occurrence.</summary>
    public const string Fixable = "Fixable";

    /// <summary>Comma-separated <see cref="SiteShape"/> of each additional location (final-activation sites).</summary>
    public const string SiteShapes = "SiteShapes";

    /// <summary>Spans "start:length" of the loss call's input and target.</summary>
    public const string InputSpan = "InputSpan";
    public const string TargetSpan = "TargetSpan";

    /// <summary>Source text of an expression the fix re-uses (optimizer, model, tensors).</summary>
    public const string Optimizer = "Optimizer";
    public const string Model = "Model";

    /// <summary>Start of the loop statement whose body the fix rewrites.</summary>
    public const string LoopStart = "LoopStart";

    public static string Span(SyntaxNode node) => $"{node.SpanStart}:{node.Span.Length}";

    public static TextSpan? ParseSpan(ImmutableDictionary<string, string?> properties, string key)
    {
        if (!properties.TryGetValue(key, out var value) || value is null)
            return null;
        var parts = value.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], out var start) && int.TryParse(parts[1], out var length) ? new TextSpan(start, length) : null;
    }

    /// <summary>
    /// A diagnostic at a loss call whose cause is the model's final activation, with the activation sites as
    /// additional locations. The sites may be in any file of the compilation (the model's file): the fix edits them there.
    /// </summary>
    public static Diagnostic AtLossCall(DiagnosticDescriptor descriptor, LossCall loss, OutputActivation output, bool fixable, params object?[] messageArgs)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties[SiteShapes] = string.Join(",", output.Sites.Select(s => s.Shape.ToString()));
        properties[InputSpan] = Span(loss.Input.Syntax);
        properties[TargetSpan] = Span(loss.Target.Syntax);
        if (fixable && output.Sites.Length > 0)
            properties[Fixable] = "true";
        return Diagnostic.Create(descriptor, loss.Invocation.Syntax.GetLocation(), output.Sites.Select(s => s.Location), properties.ToImmutable(), messageArgs);
    }
}
