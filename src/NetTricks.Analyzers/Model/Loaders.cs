using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    /// <summary>
    /// The loops that iterate the batches of a loader creation (<c>DataLoader(...)</c>, <c>new DataLoader(...)</c>,
    /// <c>MiniBatch.Shuffled(...)</c>): <c>foreach</c> over the call itself, or over a local, field, property or
    /// parameter the value flows to. Candidate loops are found forward (the creation's method, the members of the
    /// field's type, helpers the holder is passed to, callers of a method returning it) and each is confirmed
    /// backward with <see cref="Definitions"/>, so only a proven flow counts.
    /// </summary>
    public ImmutableArray<IForEachLoopOperation> LoopsIterating(IOperation creation, CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<IForEachLoopOperation>();
        var seen = new HashSet<SyntaxNode>();
        foreach (var root in LoaderScopes(creation, cancellationToken))
        {
            foreach (var loop in root.DescendantsAndSelf().OfType<IForEachLoopOperation>())
            {
                if (seen.Add(loop.Syntax) && FlowsFrom(loop.Collection, creation, new Trace(cancellationToken)))
                    builder.Add(loop);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>True when a value provably comes from an origin expression (through locals, fields, parameters, returns).</summary>
    public bool FlowsFrom(IOperation value, IOperation origin, Trace trace)
    {
        value = Unwrap(value);
        if (value.Syntax == origin.Syntax)
            return true;
        if (!trace.Enter(value.Syntax))
            return false;
        try
        {
            var definitions = Definitions(value, trace.CancellationToken);
            if (IsOwnOrigin(value, definitions))
                return false;
            return definitions.Any(d => FlowsFrom(d, origin, trace));
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    private IEnumerable<IOperation> LoaderScopes(IOperation creation, CancellationToken cancellationToken)
    {
        var top = creation;
        while (top.Parent is not null)
            top = top.Parent;
        yield return top;

        var parent = creation.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        var holder = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => ReferencedSymbol(assignment.Target),
            IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
            IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
            _ => null,
        };

        // A field or property: every member body of its type may iterate it.
        if (holder is IFieldSymbol or IPropertySymbol)
        {
            foreach (var reference in holder.ContainingType.DeclaringSyntaxReferences)
            {
                if (!ContainsTree(reference.SyntaxTree))
                    continue;
                foreach (var member in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<BaseMethodDeclarationSyntax>())
                {
                    if (GetOperation(member, cancellationToken) is { } body)
                    {
                        yield return body;
                        foreach (var helper in HelpersReceiving(body, holder, cancellationToken))
                            yield return helper;
                    }
                }
            }
        }
        else if (holder is not null)
        {
            foreach (var helper in HelpersReceiving(top, holder, cancellationToken))
                yield return helper;
        }

        // Returned by a factory method: the callers iterate it (or pass it on).
        var returned = parent is IReturnOperation ||
            holder is ILocalSymbol && top.Descendants().OfType<IReturnOperation>().Any(r => r.ReturnedValue is { } v && SymbolEqualityComparer.Default.Equals(ReferencedSymbol(v), holder));
        if (returned && EnclosingMethod(creation, cancellationToken) is { } method && IsSourceMethod(method))
        {
            foreach (var call in CallSites(method, cancellationToken))
            {
                var callerTop = call;
                while (callerTop.Parent is not null)
                    callerTop = callerTop.Parent;
                yield return callerTop;
                foreach (var reference in (EnclosingMethod(call, cancellationToken)?.ContainingType.GetMembers() ?? ImmutableArray<ISymbol>.Empty).OfType<IMethodSymbol>())
                {
                    if (IsSourceMethod(reference) && GetBody(reference, cancellationToken) is { } body)
                        yield return body;
                }
            }
        }
    }

    /// <summary>The bodies of source methods a symbol's value is passed to as an argument (one hop).</summary>
    private IEnumerable<IOperation> HelpersReceiving(IOperation root, ISymbol holder, CancellationToken cancellationToken)
    {
        foreach (var argument in root.Descendants().OfType<IArgumentOperation>())
        {
            if (argument.Parameter?.ContainingSymbol is IMethodSymbol helper && IsSourceMethod(helper) &&
                SymbolEqualityComparer.Default.Equals(ReferencedSymbol(argument.Value), holder) &&
                GetBody(helper, cancellationToken) is { } body)
                yield return body;
        }
    }
}
