using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

internal sealed partial class TrainingCodeModel
{
    /// <summary>
    /// The last operation of a tensor value: followed back through locals, fields, parameters, helper methods,
    /// value-preserving tensor ops, module <c>forward</c>/<c>call</c> (into <c>Sequential</c> elements and user
    /// <c>forward</c> bodies, in any file of the compilation) and both arms of conditionals.
    /// </summary>
    public OutputActivation OutputOf(IOperation value, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return OutputActivation.Unknown;
        try
        {
            return OutputOfCore(value, trace);
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    private OutputActivation OutputOfCore(IOperation value, Trace trace)
    {
        if (value is IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var receiver = ReceiverOf(invocation);
            var isModuleCall = TorchVocabulary.IsForwardName(method.Name) && receiver is not null && Symbols.IsModule(receiver.Type);
            if (isModuleCall)
                return ModuleCallOutput(invocation, receiver!, trace);

            if (Symbols.IsTorchSharpType(method.ContainingType))
            {
                if (TorchVocabulary.ActivationFunctions.TryGetValue(method.Name, out var kind))
                {
                    var shape = invocation.Instance is not null ? SiteShape.FluentCall : SiteShape.FunctionalCall;
                    return OutputActivation.Of(kind, new ActivationSite(invocation.Syntax, shape));
                }

                if (TorchVocabulary.ValuePreservingMethods.Contains(method.Name))
                {
                    var input = invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value;
                    return input is not null && Symbols.IsTensor(input.Type) ? OutputOf(input, trace) : OutputActivation.Other;
                }

                return Symbols.IsTensor(method.ReturnType) ? OutputActivation.Other : OutputActivation.Unknown;
            }
        }

        // Tensor arithmetic (x + b, x * 2): the last op is not an activation.
        if (value is IBinaryOperation or IUnaryOperation && Symbols.IsTensor(value.Type))
            return OutputActivation.Other;

        // Indexing a tensor (x[.., 0]) keeps its values.
        if (value is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } && Symbols.IsTensor(indexed.Type))
            return OutputOf(indexed, trace);

        var definitions = Definitions(value, trace.CancellationToken);
        if (IsOwnOrigin(value, definitions) || definitions.IsEmpty)
            return OutputActivation.Unknown;
        return OutputActivation.Combine(definitions.Select(d => OutputOf(d, trace)));
    }

    private OutputActivation ModuleCallOutput(IInvocationOperation call, IOperation receiver, Trace trace)
    {
        var module = ResolveModule(receiver, trace);
        if (!module.IsKnown)
            return OutputActivation.Unknown;

        // Calling an activation module directly (this.softmax.forward(x)): the call is the site.
        if (TorchVocabulary.ActivationModules.ContainsKey(module.Name))
            return module.Output.WithSite(new ActivationSite(call.Syntax, SiteShape.ModuleCall));

        // Calling a transparent module (dropout, flatten) keeps its input's last op.
        if (TorchVocabulary.TransparentModules.Contains(module.Name))
        {
            var input = call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
            return input is null ? OutputActivation.Unknown : OutputOf(input, trace);
        }

        return module.Output;
    }
}
