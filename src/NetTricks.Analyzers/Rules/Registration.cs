using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>The one way NetTricks analyzers register: nothing at all unless the compilation references TorchSharp.</summary>
internal static class Registration
{
    public static void OnInvocations(AnalysisContext context, Action<OperationAnalysisContext, TrainingCodeModel, IInvocationOperation> handler)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var model = TrainingCodeModel.TryGet(start.Compilation);
            if (model is null)
                return;
            start.RegisterOperationAction(
                operationContext =>
                {
                    model.Remember(operationContext.Operation.SemanticModel);
                    handler(operationContext, model, (IInvocationOperation)operationContext.Operation);
                },
                OperationKind.Invocation);
        });
    }
}
