using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetTricks.Analyzers.Model;

namespace NetTricks.Analyzers.Rules;

/// <summary>The one way NetTricks analyzers register: nothing at all unless the compilation references TorchSharp.</summary>
internal static class Registration
{
    /// <summary>Registers a handler for operations of the given kinds (loops, assignments, ...).</summary>
    public static void OnOperations(AnalysisContext context, Action<OperationAnalysisContext, TrainingCodeModel> handler, params OperationKind[] kinds) =>
        Register(context, TrainingCodeModel.TryGet, handler, kinds);

    /// <summary>Registers a handler for named types (module classes) in TorchSharp compilations.</summary>
    public static void OnNamedTypes(AnalysisContext context, Action<SymbolAnalysisContext, TrainingCodeModel> handler)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var model = TrainingCodeModel.TryGet(start.Compilation);
            if (model is null)
                return;
            start.RegisterSymbolAction(symbolContext => handler(symbolContext, model), SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// Registers a handler for invocations in compilations that reference TorchSharp or ML.NET (<c>Microsoft.ML.MLContext</c>):
    /// the data rules cover both libraries. Nothing is registered when neither is referenced. In an ML.NET-only
    /// compilation the model has no TorchSharp symbols (<see cref="TrainingCodeModel.HasTorchSharp"/> is false), and
    /// <see cref="TrainingCodeModel.MlNet"/> is null when ML.NET is not referenced.
    /// </summary>
    public static void OnTorchSharpOrMlNetInvocations(AnalysisContext context, Action<OperationAnalysisContext, TrainingCodeModel, IInvocationOperation> handler) =>
        Register(context, TrainingCodeModel.TryGetForTorchSharpOrMlNet, (c, m) => handler(c, m, (IInvocationOperation)c.Operation), OperationKind.Invocation);

    public static void OnInvocations(AnalysisContext context, Action<OperationAnalysisContext, TrainingCodeModel, IInvocationOperation> handler) =>
        Register(context, TrainingCodeModel.TryGet, (c, m) => handler(c, m, (IInvocationOperation)c.Operation), OperationKind.Invocation);

    private static void Register(AnalysisContext context, Func<Compilation, TrainingCodeModel?> modelFor, Action<OperationAnalysisContext, TrainingCodeModel> handler, params OperationKind[] kinds)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var model = modelFor(start.Compilation);
            if (model is null)
                return;
            start.RegisterOperationAction(
                operationContext =>
                {
                    model.Remember(operationContext.Operation.SemanticModel);
                    handler(operationContext, model);
                },
                kinds);
        });
    }
}
