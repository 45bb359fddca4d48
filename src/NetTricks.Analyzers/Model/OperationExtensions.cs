using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal static class OperationExtensions
{
    /// <summary>
    /// The invocations under an operation (not itself), in the order of <c>Descendants()</c>: a list of its tree's
    /// contents when it is a body's root, a loop body or a local function (see <see cref="OperationTreeContents"/>).
    /// </summary>
    public static IEnumerable<IInvocationOperation> InvocationsUnder(this IOperation operation) => OfKindUnder<IInvocationOperation>(operation, OperationKind.Invocation);

    /// <summary>The loops under an operation (not itself), as <see cref="InvocationsUnder"/>.</summary>
    public static IEnumerable<ILoopOperation> LoopsUnder(this IOperation operation) => OfKindUnder<ILoopOperation>(operation, OperationKind.Loop);

    private static IEnumerable<T> OfKindUnder<T>(IOperation operation, OperationKind kind)
        where T : IOperation
    {
        foreach (var found in OperationTreeContents.Of(operation).OfKind<T>(operation, kind))
        {
            if (!ReferenceEquals(found, operation))
                yield return found;
        }
    }

    /// <summary>The parents of an operation, nearest first, up to the root of its body.</summary>
    public static IEnumerable<IOperation> Ancestors(this IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            yield return parent;
    }
}
