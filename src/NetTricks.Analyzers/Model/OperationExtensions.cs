using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers.Model;

internal static class OperationExtensions
{
    /// <summary>
    /// The descendants (and the operation itself, when asked) of one kind: the kind, a virtual property, is tested
    /// before the cast, where <c>Descendants().OfType&lt;T&gt;()</c> tests an interface on every operation.
    /// </summary>
    public static IEnumerable<T> DescendantsOfKind<T>(this IOperation root, OperationKind kind, bool includeSelf = false)
        where T : IOperation
    {
        foreach (var operation in includeSelf ? Microsoft.CodeAnalysis.Operations.OperationExtensions.DescendantsAndSelf(root) : Microsoft.CodeAnalysis.Operations.OperationExtensions.Descendants(root))
        {
            if (operation.Kind == kind)
                yield return (T)operation;
        }
    }

    /// <summary>The parents of an operation, nearest first, up to the root of its body.</summary>
    public static IEnumerable<IOperation> Ancestors(this IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            yield return parent;
    }
}
