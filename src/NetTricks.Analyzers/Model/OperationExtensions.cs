using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers.Model;

internal static class OperationExtensions
{
    /// <summary>The parents of an operation, nearest first, up to the root of its body.</summary>
    public static IEnumerable<IOperation> Ancestors(this IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            yield return parent;
    }
}
