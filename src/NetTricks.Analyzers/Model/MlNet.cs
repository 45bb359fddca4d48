using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>
/// The ML.NET types the data rules need, resolved once per compilation. <see cref="TryCreate"/> returns null when
/// the compilation does not reference ML.NET (no <c>Microsoft.ML.MLContext</c>).
/// </summary>
internal sealed class MlNetSymbols
{
    /// <summary>Trainers whose optimiser needs features on a common scale (the catalogue's NT6001 list).</summary>
    public static readonly ImmutableHashSet<string> ScalingTrainers = ImmutableHashSet.Create(
        "Sdca", "SdcaLogisticRegression", "SdcaNonCalibrated", "SdcaMaximumEntropy",
        "LbfgsLogisticRegression", "LbfgsMaximumEntropy", "LbfgsPoissonRegression",
        "OnlineGradientDescent", "AveragedPerceptron", "LinearSvm", "LdSvm", "SgdCalibrated", "SgdNonCalibrated");

    private MlNetSymbols(Compilation compilation, INamedTypeSymbol mlContext)
    {
        MLContext = mlContext;
        Estimator = compilation.GetTypeByMetadataName("Microsoft.ML.IEstimator`1");
        Transformer = compilation.GetTypeByMetadataName("Microsoft.ML.ITransformer");
        DataView = compilation.GetTypeByMetadataName("Microsoft.ML.IDataView");
        TrainerEstimator = compilation.GetTypeByMetadataName("Microsoft.ML.Trainers.ITrainerEstimator`2");
        TrainTestData = compilation.GetTypeByMetadataName("Microsoft.ML.DataOperationsCatalog+TrainTestData");
        NormalizationCatalog = compilation.GetTypeByMetadataName("Microsoft.ML.NormalizationCatalog");
    }

    public INamedTypeSymbol MLContext { get; }
    public INamedTypeSymbol? Estimator { get; }
    public INamedTypeSymbol? Transformer { get; }
    public INamedTypeSymbol? DataView { get; }
    public INamedTypeSymbol? TrainerEstimator { get; }
    public INamedTypeSymbol? TrainTestData { get; }

    /// <summary>Where <c>NormalizeMinMax</c> lives; the NT6001 fix is offered only when it is referenced.</summary>
    public INamedTypeSymbol? NormalizationCatalog { get; }

    public static MlNetSymbols? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName("Microsoft.ML.MLContext") is { } mlContext ? new MlNetSymbols(compilation, mlContext) : null;

    /// <summary>True for members of ML.NET's own assemblies (Microsoft.ML.Data, .Core, .StandardTrainers, .Transforms, ...).</summary>
    public static bool IsMlNetMethod(IMethodSymbol method) =>
        method.ContainingAssembly?.Name is { } name && (name == "Microsoft.ML" || name.StartsWith("Microsoft.ML.", StringComparison.Ordinal));

    /// <summary>A trainer of the NT6001 list, called on an ML.NET trainers catalog (<c>mlContext.Regression.Trainers.Sdca()</c>).</summary>
    public static bool IsScalingTrainer(IMethodSymbol method) =>
        ScalingTrainers.Contains(method.Name) && method.ContainingType?.Name == "StandardTrainersCatalog" && IsMlNetMethod(method);

    public bool IsMlContext(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, MLContext);

    public bool IsEstimator(ITypeSymbol? type) => Implements(type, Estimator);

    public bool IsTransformer(ITypeSymbol? type) => Implements(type, Transformer);

    public bool IsDataView(ITypeSymbol? type) => Implements(type, DataView);

    public bool IsTrainer(ITypeSymbol? type) => Implements(type, TrainerEstimator);

    private static bool Implements(ITypeSymbol? type, INamedTypeSymbol? target) =>
        target is not null && type is not null &&
        (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, target) ||
         type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, target)));
}

/// <summary>What one estimator of a pipeline does to the columns that reach a trainer's feature column.</summary>
internal enum PipelineStepKind
{
    /// <summary><c>Normalize*</c>: its outputs are scaled.</summary>
    Normalize,

    /// <summary>Outputs that are already on a small common scale: <c>FeaturizeText</c>, one-hot encodings, key-to-vector, missing-value indicators.</summary>
    Scaled,

    /// <summary><c>Concatenate</c>: its output is its inputs side by side.</summary>
    Concatenate,

    /// <summary>Outputs with the values of their input (copy, type conversion, missing-value replacement, feature selection).</summary>
    PassThrough,

    /// <summary>Writes no column (<c>DropColumns</c>, <c>SelectColumns</c>).</summary>
    NoOutput,

    /// <summary>Writes its outputs in a way the rules do not model (trainers, custom mappings, hashing, PCA ...).</summary>
    Opaque,

    /// <summary>A part of the pipeline that could not be followed: what it writes is unknown.</summary>
    Unknown,
}

/// <summary>One output column of a step and the columns it is computed from.</summary>
internal readonly record struct ColumnMapping(string Output, ImmutableArray<string> Inputs);

/// <summary>One estimator of an ML.NET pipeline, in pipeline order.</summary>
internal sealed class PipelineStep
{
    public static readonly PipelineStep Unknown = new(PipelineStepKind.Unknown, null, null, null);

    public PipelineStep(PipelineStepKind kind, IInvocationOperation? operation, ImmutableArray<ColumnMapping>? columns, IInvocationOperation? trainer)
    {
        Kind = kind;
        Operation = operation;
        Columns = columns;
        Trainer = trainer;
    }

    public PipelineStepKind Kind { get; }

    /// <summary>The call that creates the estimator (null for <see cref="PipelineStepKind.Unknown"/>).</summary>
    public IInvocationOperation? Operation { get; }

    /// <summary>The columns it writes; null when they are not known.</summary>
    public ImmutableArray<ColumnMapping>? Columns { get; }

    /// <summary>For a trainer step: the trainer call, or the binary trainer that <c>OneVersusAll</c>/<c>PairwiseCoupling</c> wraps.</summary>
    public IInvocationOperation? Trainer { get; }
}

/// <summary>An estimator fitted on data: <c>estimator.Fit(data)</c> or <c>mlContext.X.CrossValidate(data, estimator)</c>.</summary>
internal sealed record PipelineRun(IInvocationOperation Site, IOperation Estimator, IOperation Data);

/// <summary>NT6001's finding: raw columns reach the feature column of a trainer in a pipeline that is fitted at <see cref="Run"/>.</summary>
internal sealed record UnscaledFeatures(string FeatureColumn, ImmutableArray<string> RawColumns, IInvocationOperation Run);

/// <summary>NT6002's finding for ML.NET: <c>Evaluate</c> scores a model on rows it was fitted on.</summary>
internal sealed record TrainingDataEvaluation(IInvocationOperation Fit, IOperation Transformer, IOperation EvaluatedData);

/// <summary>NT6002's finding for TorchSharp: a model is scored only on the tensors it was trained on.</summary>
internal sealed record TrainingTensorScore(string Model, string Data);

/// <summary>
/// ML.NET pipeline facts (estimator chains, the data they are fitted and evaluated on) and the data facts of the 6xxx
/// rules. ML.NET-only projects have no TorchSharp: their model is created without <see cref="TorchSymbols"/>, so
/// everything in this file answers without <see cref="Symbols"/> unless it checks <see cref="HasTorchSharp"/> first.
/// </summary>
internal sealed partial class TrainingCodeModel
{
    private static readonly ConditionalWeakTable<Compilation, TrainingCodeModel> MlNetOnlyModels = new();

    /// <summary>The outputs every ML.NET trainer writes (never a feature column of a later trainer in the rules' sense).</summary>
    private static readonly ImmutableArray<ColumnMapping> PredictionColumns = ImmutableArray.Create(
        new ColumnMapping("Score", ImmutableArray<string>.Empty),
        new ColumnMapping("PredictedLabel", ImmutableArray<string>.Empty),
        new ColumnMapping("Probability", ImmutableArray<string>.Empty));

    private static readonly ImmutableHashSet<string> ScaledTransforms = ImmutableHashSet.Create(
        "FeaturizeText", "OneHotEncoding", "OneHotHashEncoding", "MapKeyToVector", "MapKeyToBinaryVector", "IndicateMissingValues",
        "LatentDirichletAllocation", "ApplyWordEmbedding");

    private static readonly ImmutableHashSet<string> PassThroughTransforms = ImmutableHashSet.Create(
        "CopyColumns", "ConvertType", "ReplaceMissingValues", "SelectFeaturesBasedOnCount", "SelectFeaturesBasedOnMutualInformation");

    /// <summary>Data operations that keep the columns (and pass their input's rows on, in some order or subset).</summary>
    private static readonly ImmutableHashSet<string> RowOperations = ImmutableHashSet.Create(
        "ShuffleRows", "Cache", "TakeRows", "SkipRows", "FilterRowsByColumn", "FilterRowsByKeyColumnFraction", "FilterRowsByMissingValues", "BootstrapSample");

    /// <summary>Tensor methods that keep every row of their input (device, dtype and shape changes).</summary>
    private static readonly ImmutableHashSet<string> RowPreservingTensorMethods = ImmutableHashSet.Create(
        "to", "cpu", "cuda", "@float", "@double", "float", "double", "half", "bfloat16", "to_type", "type", "contiguous", "clone",
        "detach", "alias", "view", "reshape", "flatten", "unsqueeze", "squeeze", "view_as", "reshape_as");

    // The steps that made the columns of each run's data, shared by every trainer of the run.
    private readonly ConcurrentDictionary<SyntaxNode, ImmutableArray<PipelineStep>> _runDataSteps = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.25));
    private readonly Fact<MlNetSymbols?> _mlNet = new();
    private readonly Fact<ImmutableArray<PipelineRun>> _pipelineRuns = new();
    private readonly Fact<ImmutableArray<IInvocationOperation>> _mlNetEvaluations = new();
    private readonly Fact<Dictionary<SyntaxTree, ImmutableArray<KeyValuePair<SyntaxNode, TrainingTensorScore>>>> _trainingTensorScores = new();

    /// <summary>A model for an ML.NET-only compilation: no TorchSharp symbols.</summary>
    private TrainingCodeModel(Compilation compilation, MlNetSymbols mlNet)
        : this(compilation, (TorchSymbols)null!) => _mlNet = new Fact<MlNetSymbols?>(mlNet);

    /// <summary>False for the model of an ML.NET-only compilation: then <see cref="Symbols"/> must not be used.</summary>
    public bool HasTorchSharp => Symbols is not null;

    /// <summary>The ML.NET types, or null when the compilation does not reference ML.NET.</summary>
    public MlNetSymbols? MlNet
    {
        get => _mlNet.Get(Compilation, static compilation => MlNetSymbols.TryCreate(compilation));
    }

    /// <summary>
    /// The model for a compilation that references TorchSharp or ML.NET (the data rules cover both), or null (then
    /// register nothing). With TorchSharp it is the one shared model of <see cref="TryGet"/>; without it, a model
    /// that answers ML.NET questions only.
    /// </summary>
    public static TrainingCodeModel? TryGetForTorchSharpOrMlNet(Compilation compilation)
    {
        if (TryGet(compilation) is { } model)
            return model;
        if (MlNetOnlyModels.TryGetValue(compilation, out var existing))
            return existing;
        var mlNet = MlNetSymbols.TryCreate(compilation);
        return mlNet is null ? null : MlNetOnlyModels.GetValue(compilation, c => new TrainingCodeModel(c, mlNet));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Following ML.NET values
    // ---------------------------------------------------------------------------------------------------------

    // Parameters as ML.NET values: unlike Definitions, also through a module's forward (not a TorchSharp rule here).
    private readonly ConcurrentDictionary<SyntaxNode, ImmutableArray<IOperation>> _dataParameterDefinitions = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.33));

    /// <summary>
    /// <see cref="Definitions"/> for ML.NET values (locals, fields, auto-properties, parameters through their call
    /// sites, helper returns) without its TorchSharp module rules, so it also answers in ML.NET-only compilations.
    /// </summary>
    private ImmutableArray<IOperation> ValueDefinitions(IOperation value, CancellationToken cancellationToken)
    {
        value = Unwrap(value);
        switch (value)
        {
            case ILocalReferenceOperation local:
                return Definitions(local, cancellationToken); // the same answer for a local, memoised there
            case IParameterReferenceOperation parameter:
                return _dataParameterDefinitions.GetOrCompute(parameter.Syntax, (Model: this, Parameter: parameter, CancellationToken: cancellationToken), static (_, s) => s.Model.ParameterDefinitions(s.Parameter, throughModuleForward: true, s.CancellationToken));
            case IFieldReferenceOperation field:
                return MemberDefinitions(field.Field, cancellationToken);
            case IPropertyReferenceOperation property when IsAutoProperty(property.Property):
                return MemberDefinitions(property.Property, cancellationToken);
            case IInvocationOperation invocation when IsSourceMethod(invocation.TargetMethod):
                return ReturnedValues(invocation.TargetMethod, cancellationToken);
            default:
                return ImmutableArray.Create(value);
        }
    }

    /// <summary>The one value a reference can hold, or null (several, none, or not a reference).</summary>
    private IOperation? SingleDefinition(IOperation value, CancellationToken cancellationToken)
    {
        var definitions = ValueDefinitions(value, cancellationToken);
        return definitions.Length == 1 && !IsOwnOrigin(Unwrap(value), definitions) ? definitions[0] : null;
    }

    private static bool IsFollowable(IOperation value) =>
        Unwrap(value) is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false }
            or IInvocationOperation;

    /// <summary>The argument passed for the parameter of that name (explicit or default), or null.</summary>
    private static IOperation? Argument(IInvocationOperation invocation, string parameterName) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameterName)?.Value;

    private static IOperation? Argument(IObjectCreationOperation creation, string parameterName) =>
        creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameterName)?.Value;

    private static IOperation? ArgumentAt(IInvocationOperation invocation, int ordinal) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal)?.Value;

    /// <summary>A constant string (literal, const, nameof), or a constant null; false when not constant.</summary>
    private static bool TryConstantString(IOperation value, out string? text)
    {
        var constant = Unwrap(value).ConstantValue;
        text = constant.HasValue ? constant.Value as string : null;
        return constant.HasValue && (constant.Value is null || constant.Value is string);
    }

    /// <summary>The strings of a constant array (<c>new[] { "A", "B" }</c>, a params list, a local holding one), or null.</summary>
    private ImmutableArray<string>? ConstantStrings(IOperation value, CancellationToken cancellationToken, int depth = 0)
    {
        value = Unwrap(value);
        if (value is IArrayCreationOperation { Initializer: { } initializer })
        {
            var builder = ImmutableArray.CreateBuilder<string>();
            foreach (var element in initializer.ElementValues)
            {
                if (!TryConstantString(element, out var text) || text is null)
                    return null;
                builder.Add(text);
            }

            return builder.ToImmutable();
        }

        return depth < 3 && value is ILocalReferenceOperation or IFieldReferenceOperation && SingleDefinition(value, cancellationToken) is { } definition
            ? ConstantStrings(definition, cancellationToken, depth + 1)
            : null;
    }

    private static string Where(IOperation operation) => $"{operation.Syntax.SyntaxTree.FilePath}:{operation.Syntax.SpanStart}";

    // ---------------------------------------------------------------------------------------------------------
    // Pipelines (NT6001)
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Every ML.NET estimator fitted in the compilation (<c>Fit</c>, <c>CrossValidate</c>), bound once on first need.</summary>
    public ImmutableArray<PipelineRun> PipelineRuns(CancellationToken cancellationToken) =>
        _pipelineRuns.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputePipelineRuns(s.CancellationToken));

    private ImmutableArray<PipelineRun> ComputePipelineRuns(CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<PipelineRun>();
        if (MlNet is { } ml)
        {
            foreach (var node in Index.CallsNamed("Fit").AddRange(Index.CallsNamed("CrossValidate")).AddRange(Index.CallsNamed("CrossValidateNonCalibrated")))
            {
                if (GetOperation(node, cancellationToken) is not IInvocationOperation call)
                    continue;
                if (call.TargetMethod.Name == "Fit" && call.Instance is { } estimator && ml.IsEstimator(estimator.Type) &&
                    ArgumentAt(call, 0) is { } data && ml.IsDataView(data.Type))
                    builder.Add(new PipelineRun(call, estimator, data));
                else if (call.TargetMethod.Name.StartsWith("CrossValidate", StringComparison.Ordinal) && MlNetSymbols.IsMlNetMethod(call.TargetMethod) &&
                    Argument(call, "estimator") is { } crossValidated && Argument(call, "data") is { } folds)
                    builder.Add(new PipelineRun(call, crossValidated, folds));
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// NT6001: the raw columns that reach a scaling trainer's feature column in some pipeline that is fitted on
    /// known data, with no <c>Normalize*</c> (or already-scaled transform) on them or on a column they are
    /// concatenated into; null when every run of the trainer scales its features or any part of it is unknown.
    /// </summary>
    public UnscaledFeatures? FindUnscaledFeatures(IInvocationOperation trainer, CancellationToken cancellationToken)
    {
        if (MlNet is null || FeatureColumnOf(trainer, cancellationToken) is not { } feature)
            return null;
        if (!RunsByTrainer(cancellationToken).TryGetValue(trainer.Syntax, out var runs))
            return null;
        foreach (var (run, steps, index) in runs)
        {
            var before = _runDataSteps.GetOrCompute(run.Site.Syntax, (Model: this, Data: run.Data, CancellationToken: cancellationToken), static (_, s) => s.Model.DataSteps(s.Data, new Trace(s.CancellationToken))).AddRange(steps.Take(index));
            if (RawColumns(before, feature) is { Length: > 0 } raw)
                return new UnscaledFeatures(feature, raw, run.Site);
        }

        return null;
    }

    private readonly Fact<Dictionary<SyntaxNode, List<(PipelineRun Run, ImmutableArray<PipelineStep> Steps, int Index)>>> _runsByTrainer = new();

    /// <summary>
    /// For each step call of a fitted pipeline (a trainer, or a call wrapping one), the runs it is in with the index
    /// of its first step there, in the order of the runs: built once, where asking per trainer scanned every step
    /// of every run of the compilation.
    /// </summary>
    private Dictionary<SyntaxNode, List<(PipelineRun Run, ImmutableArray<PipelineStep> Steps, int Index)>> RunsByTrainer(CancellationToken cancellationToken) =>
        _runsByTrainer.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeRunsByTrainer(s.CancellationToken));

    private Dictionary<SyntaxNode, List<(PipelineRun Run, ImmutableArray<PipelineStep> Steps, int Index)>> ComputeRunsByTrainer(CancellationToken cancellationToken)
    {
        var byTrainer = new Dictionary<SyntaxNode, List<(PipelineRun, ImmutableArray<PipelineStep>, int)>>();
        foreach (var run in PipelineRuns(cancellationToken))
        {
            var steps = PipelineSteps(run.Estimator, new Trace(cancellationToken));
            var seen = new HashSet<SyntaxNode>();
            for (var i = 0; i < steps.Length; i++)
            {
                foreach (var call in new[] { steps[i].Operation?.Syntax, steps[i].Trainer?.Syntax })
                {
                    if (call is null || !seen.Add(call))
                        continue;
                    if (!byTrainer.TryGetValue(call, out var runs))
                        byTrainer[call] = runs = new List<(PipelineRun, ImmutableArray<PipelineStep>, int)>();
                    runs.Add((run, steps, i));
                }
            }
        }

        return byTrainer;
    }

    /// <summary>The feature column a trainer reads: its <c>featureColumnName</c> argument (default "Features") or its options' <c>FeatureColumnName</c>.</summary>
    public string? FeatureColumnOf(IInvocationOperation trainer, CancellationToken cancellationToken)
    {
        if (Argument(trainer, "featureColumnName") is { } column)
            return TryConstantString(column, out var name) ? name : null;
        if (Argument(trainer, "options") is not { } options)
            return null;
        var value = Unwrap(options);
        if (value is ILocalReferenceOperation local)
        {
            // Options built in a local: its initializer, unless the method sets the column later.
            if (SingleDefinition(value, cancellationToken) is not { } definition || IsFeatureColumnAssigned(local))
                return null;
            value = Unwrap(definition);
        }

        if (value is not IObjectCreationOperation creation)
            return null;
        var assignment = creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>()
            .FirstOrDefault(a => a.Target is IMemberReferenceOperation { Member.Name: "FeatureColumnName" });
        if (assignment is null)
            return "Features"; // every trainer's options default
        return TryConstantString(assignment.Value, out var assigned) ? assigned : null;
    }

    private static bool IsFeatureColumnAssigned(ILocalReferenceOperation local)
    {
        var root = local.Ancestors().Last();
        return root.Descendants().OfType<ISimpleAssignmentOperation>().Any(a =>
            a.Target is IMemberReferenceOperation { Member.Name: "FeatureColumnName", Instance: ILocalReferenceOperation target } &&
            SymbolEqualityComparer.Default.Equals(target.Local, local.Local));
    }

    /// <summary>
    /// The steps of an estimator expression in pipeline order: <c>Append</c> chains (instance and extension forms)
    /// followed through locals, fields, parameters and helper returns. A part that cannot be followed is one
    /// <see cref="PipelineStep.Unknown"/> step.
    /// </summary>
    public ImmutableArray<PipelineStep> PipelineSteps(IOperation estimator, Trace trace)
    {
        var ml = MlNet!;
        var appended = new List<IOperation>();
        var current = Unwrap(estimator);
        while (current is IInvocationOperation call && MlNetSymbols.IsMlNetMethod(call.TargetMethod))
        {
            var head = call.Instance ?? ArgumentAt(call, 0);
            if (call.TargetMethod.Name == "AppendCacheCheckpoint" && head is not null)
            {
                current = Unwrap(head);
                continue;
            }

            if (call.TargetMethod.Name != "Append" || head is null)
                break;
            var next = call.Instance is not null ? ArgumentAt(call, 0) : ArgumentAt(call, 1);
            if (next is null || !ml.IsEstimator(Unwrap(next).Type) || !ml.IsEstimator(Unwrap(head).Type))
                return ImmutableArray.Create(PipelineStep.Unknown); // a transformer or loader chain: not followed
            appended.Add(next);
            current = Unwrap(head);
        }

        var builder = ImmutableArray.CreateBuilder<PipelineStep>();
        builder.AddRange(HeadSteps(current, trace));
        for (var i = appended.Count - 1; i >= 0; i--)
            builder.AddRange(HeadSteps(Unwrap(appended[i]), trace));
        return builder.ToImmutable();
    }

    private ImmutableArray<PipelineStep> HeadSteps(IOperation value, Trace trace)
    {
        var ml = MlNet!;
        switch (value)
        {
            case IObjectCreationOperation { Arguments.Length: 0, Constructor: { ContainingType.Name: "EstimatorChain" } constructor } when MlNetSymbols.IsMlNetMethod(constructor):
                return ImmutableArray<PipelineStep>.Empty; // new EstimatorChain<ITransformer>()
            case IInvocationOperation { TargetMethod.Name: "Append" or "AppendCacheCheckpoint" } nested when MlNetSymbols.IsMlNetMethod(nested.TargetMethod):
                // A chain appended as one estimator: a.Append(b.Append(c)).
                if (!trace.Enter(nested.Syntax))
                    return ImmutableArray.Create(PipelineStep.Unknown);
                try
                {
                    return PipelineSteps(nested, trace);
                }
                finally
                {
                    trace.Exit(nested.Syntax);
                }

            case IInvocationOperation call when MlNetSymbols.IsMlNetMethod(call.TargetMethod):
                return ml.IsEstimator(call.Type) ? ImmutableArray.Create(ClassifyStep(call, trace)) : ImmutableArray.Create(PipelineStep.Unknown);
        }

        if (!IsFollowable(value) || !trace.Enter(value.Syntax))
            return ImmutableArray.Create(PipelineStep.Unknown);
        try
        {
            return SingleDefinition(value, trace.CancellationToken) is { } definition
                ? PipelineSteps(definition, trace)
                : ImmutableArray.Create(PipelineStep.Unknown);
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    /// <summary>What one ML.NET estimator call does to columns.</summary>
    private PipelineStep ClassifyStep(IInvocationOperation call, Trace trace)
    {
        var ml = MlNet!;
        var method = call.TargetMethod;
        if (method.Name is "OneVersusAll" or "PairwiseCoupling")
            return new PipelineStep(PipelineStepKind.Opaque, call, PredictionColumns, WrappedTrainer(call, trace));
        if (ml.IsTrainer(call.Type))
            return new PipelineStep(PipelineStepKind.Opaque, call, PredictionColumns, call);

        var kind = method.ContainingType?.Name == "NormalizationCatalog" ? PipelineStepKind.Normalize
            : ScaledTransforms.Contains(method.Name) ? PipelineStepKind.Scaled
            : method.Name == "Concatenate" ? PipelineStepKind.Concatenate
            : PassThroughTransforms.Contains(method.Name) ? PipelineStepKind.PassThrough
            : method.Name is "DropColumns" or "SelectColumns" ? PipelineStepKind.NoOutput
            : PipelineStepKind.Opaque;
        var columns = kind == PipelineStepKind.NoOutput ? ImmutableArray<ColumnMapping>.Empty : ColumnsOf(call, kind, trace.CancellationToken);
        return new PipelineStep(kind, call, columns, null);
    }

    /// <summary>The binary trainer a <c>OneVersusAll</c>/<c>PairwiseCoupling</c> call wraps (inline or through a local).</summary>
    private IInvocationOperation? WrappedTrainer(IInvocationOperation wrapper, Trace trace)
    {
        var value = Argument(wrapper, "binaryEstimator") is { } argument ? Unwrap(argument) : null;
        for (var hops = 0; hops < 3 && value is not null and not IInvocationOperation; hops++)
            value = SingleDefinition(value, trace.CancellationToken) is { } definition ? Unwrap(definition) : null;
        return value as IInvocationOperation;
    }

    /// <summary>The columns an estimator writes, from its constant column-name arguments; null when not constant.</summary>
    private ImmutableArray<ColumnMapping>? ColumnsOf(IInvocationOperation call, PipelineStepKind kind, CancellationToken cancellationToken)
    {
        if (Argument(call, "outputColumnName") is { } outputArgument)
        {
            if (!TryConstantString(outputArgument, out var output) || output is null)
                return null;
            ImmutableArray<string>? inputs;
            if (Argument(call, "inputColumnNames") is { } many)
                inputs = ConstantStrings(many, cancellationToken) is { Length: > 0 } names ? names : kind == PipelineStepKind.Concatenate ? null : ImmutableArray.Create(output);
            else if (Argument(call, "inputColumnName") is { } one)
                inputs = TryConstantString(one, out var input) ? ImmutableArray.Create(input ?? output) : null;
            else
                inputs = ImmutableArray.Create(output);
            if (inputs is null)
                return kind is PipelineStepKind.Normalize or PipelineStepKind.Scaled ? ImmutableArray.Create(new ColumnMapping(output, ImmutableArray<string>.Empty)) : null;
            return ImmutableArray.Create(new ColumnMapping(output, inputs.Value));
        }

        var pairs = call.Arguments.FirstOrDefault(a => a.Parameter?.Type is IArrayTypeSymbol { ElementType.Name: "InputOutputColumnPair" });
        return pairs is null ? null : ColumnPairs(pairs.Value);
    }

    /// <summary><c>new[] { new InputOutputColumnPair("A"), new InputOutputColumnPair("B", "C") }</c>.</summary>
    private static ImmutableArray<ColumnMapping>? ColumnPairs(IOperation value)
    {
        if (Unwrap(value) is not IArrayCreationOperation { Initializer: { } initializer })
            return null;
        var builder = ImmutableArray.CreateBuilder<ColumnMapping>();
        foreach (var element in initializer.ElementValues)
        {
            if (Unwrap(element) is not IObjectCreationOperation pair || Argument(pair, "outputColumnName") is not { } outputArgument ||
                !TryConstantString(outputArgument, out var output) || output is null)
                return null;
            var input = output;
            if (Argument(pair, "inputColumnName") is { } inputArgument)
            {
                if (!TryConstantString(inputArgument, out var named))
                    return null;
                input = named ?? output;
            }

            builder.Add(new ColumnMapping(output, ImmutableArray.Create(input)));
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The steps that produced the columns of a data view before a pipeline sees it: none for data straight from a
    /// loader, the fitted pipeline's steps for <c>transformer.Transform(data)</c>; Unknown when not followed.
    /// </summary>
    private ImmutableArray<PipelineStep> DataSteps(IOperation data, Trace trace)
    {
        var ml = MlNet!;
        data = Unwrap(data);
        if (!trace.Enter(data.Syntax))
            return ImmutableArray.Create(PipelineStep.Unknown);
        try
        {
            switch (data)
            {
                case IInvocationOperation { TargetMethod.Name: "Transform", Instance: { } transformer } transform when ml.IsTransformer(transformer.Type) && ArgumentAt(transform, 0) is { } input:
                    return DataSteps(input, trace).AddRange(TransformerSteps(transformer, trace));
                case IInvocationOperation call when MlNetSymbols.IsMlNetMethod(call.TargetMethod):
                    if (RowOperations.Contains(call.TargetMethod.Name) && Argument(call, "input") is { } rows)
                        return DataSteps(rows, trace);
                    if (call.TargetMethod.Name is "LoadFromEnumerable" or "LoadFromTextFile" or "LoadFromBinary" or "Load" && ml.IsDataView(call.Type))
                        return ImmutableArray<PipelineStep>.Empty; // raw columns
                    return ImmutableArray.Create(PipelineStep.Unknown);
                case IMemberReferenceOperation { Member.Name: "TrainSet" or "TestSet", Instance: { } split } when IsTrainTestData(split.Type):
                    return SplitSource(split, trace) is { } source ? DataSteps(source, trace) : ImmutableArray.Create(PipelineStep.Unknown);
            }

            return IsFollowable(data) && SingleDefinition(data, trace.CancellationToken) is { } definition
                ? DataSteps(definition, trace)
                : ImmutableArray.Create(PipelineStep.Unknown);
        }
        finally
        {
            trace.Exit(data.Syntax);
        }
    }

    /// <summary>The steps of the pipeline a transformer was fitted from (<c>estimator.Fit(data)</c>).</summary>
    private ImmutableArray<PipelineStep> TransformerSteps(IOperation transformer, Trace trace)
    {
        transformer = Unwrap(transformer);
        if (!trace.Enter(transformer.Syntax))
            return ImmutableArray.Create(PipelineStep.Unknown);
        try
        {
            if (transformer is IInvocationOperation { TargetMethod.Name: "Fit", Instance: { } estimator } && MlNet!.IsEstimator(estimator.Type))
                return PipelineSteps(estimator, trace);
            return IsFollowable(transformer) && SingleDefinition(transformer, trace.CancellationToken) is { } definition
                ? TransformerSteps(definition, trace)
                : ImmutableArray.Create(PipelineStep.Unknown);
        }
        finally
        {
            trace.Exit(transformer.Syntax);
        }
    }

    private bool IsTrainTestData(ITypeSymbol? type) => MlNet?.TrainTestData is { } split && SymbolEqualityComparer.Default.Equals(type, split);

    /// <summary>The data a <c>TrainTestSplit</c> result was split from.</summary>
    private IOperation? SplitSource(IOperation split, Trace trace)
    {
        var value = Unwrap(split);
        for (var hops = 0; hops < 4; hops++)
        {
            if (value is IInvocationOperation { TargetMethod.Name: "TrainTestSplit" } call && MlNetSymbols.IsMlNetMethod(call.TargetMethod))
                return Argument(call, "data");
            if (!IsFollowable(value) || SingleDefinition(value, trace.CancellationToken) is not { } definition)
                return null;
            value = Unwrap(definition);
        }

        return null;
    }

    /// <summary>
    /// Walks back from the trainer: the columns still unexplained when the steps run out are raw data columns.
    /// Null when an unknown step writes (or may write) one of them.
    /// </summary>
    private static ImmutableArray<string>? RawColumns(ImmutableArray<PipelineStep> before, string feature)
    {
        var pending = new List<string> { feature };
        for (var i = before.Length - 1; i >= 0 && pending.Count > 0; i--)
        {
            var step = before[i];
            if (step.Columns is not { } columns)
                return null;
            foreach (var mapping in columns)
            {
                if (!pending.Remove(mapping.Output))
                    continue;
                switch (step.Kind)
                {
                    case PipelineStepKind.Normalize or PipelineStepKind.Scaled:
                        break;
                    case PipelineStepKind.Concatenate or PipelineStepKind.PassThrough:
                        foreach (var input in mapping.Inputs)
                        {
                            if (!pending.Contains(input))
                                pending.Add(input);
                        }

                        break;
                    default:
                        return null;
                }
            }
        }

        return pending.ToImmutableArray();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Evaluating on the training data: ML.NET (NT6002)
    // ---------------------------------------------------------------------------------------------------------

    private sealed record Scoring(IInvocationOperation Fit, IOperation Transformer, IOperation EvaluatedData, string EvaluatedRows, string FittedRows);

    /// <summary>Every ML.NET <c>Evaluate</c>/<c>EvaluateNonCalibrated</c> call of the compilation, bound once on first need.</summary>
    private ImmutableArray<IInvocationOperation> MlNetEvaluations(CancellationToken cancellationToken) =>
        _mlNetEvaluations.Get((Model: this, CancellationToken: cancellationToken), static s => s.Model.ComputeMlNetEvaluations(s.CancellationToken));

    private ImmutableArray<IInvocationOperation> ComputeMlNetEvaluations(CancellationToken cancellationToken)
    {
        var builder = ImmutableArray.CreateBuilder<IInvocationOperation>();
        foreach (var node in Index.CallsNamed("Evaluate").AddRange(Index.CallsNamed("EvaluateNonCalibrated")))
        {
            if (GetOperation(node, cancellationToken) is IInvocationOperation call && IsMlNetEvaluate(call))
                builder.Add(call);
        }

        return builder.ToImmutable();
    }

    public bool IsMlNetEvaluate(IInvocationOperation call) =>
        call.TargetMethod.Name is "Evaluate" or "EvaluateNonCalibrated" && MlNetSymbols.IsMlNetMethod(call.TargetMethod) &&
        MlNet is { } ml && Argument(call, "data") is { } data && ml.IsDataView(data.Type);

    /// <summary>
    /// NT6002 (ML.NET): <c>Evaluate</c> scores <c>model.Transform(data)</c> where <c>model = estimator.Fit(rows)</c>
    /// and <c>data</c> holds rows the model was fitted on (the same rows, a superset or a subset of them). Null when
    /// the data differ, when anything is not followed, or when the same fitted model is also evaluated on
    /// held-out data (a deliberate train-versus-test comparison).
    /// </summary>
    public TrainingDataEvaluation? EvaluationOnTrainingData(IInvocationOperation evaluate, CancellationToken cancellationToken)
    {
        if (ScoringOf(evaluate, cancellationToken) is not { } scoring || !Overlap(scoring.EvaluatedRows, scoring.FittedRows))
            return null;
        foreach (var other in MlNetEvaluations(cancellationToken))
        {
            if (other.Syntax == evaluate.Syntax)
                continue;
            if (ScoringOf(other, cancellationToken) is { } held && held.Fit.Syntax == scoring.Fit.Syntax && !Overlap(held.EvaluatedRows, held.FittedRows))
                return null;
        }

        return new TrainingDataEvaluation(scoring.Fit, scoring.Transformer, scoring.EvaluatedData);
    }

    // Each Evaluate is scored once: every flagged one compares itself with all the others.
    private readonly ConcurrentDictionary<SyntaxNode, Scoring?> _scorings = new(Memo.Concurrency, Memo.Presized(compilation, perTree: 0.2));

    private Scoring? ScoringOf(IInvocationOperation evaluate, CancellationToken cancellationToken) =>
        _scorings.GetOrCompute(evaluate.Syntax, (Model: this, Evaluate: evaluate, CancellationToken: cancellationToken), static (_, s) => s.Model.ComputeScoringOf(s.Evaluate, s.CancellationToken));

    private Scoring? ComputeScoringOf(IInvocationOperation evaluate, CancellationToken cancellationToken)
    {
        if (!IsMlNetEvaluate(evaluate) || Argument(evaluate, "data") is not { } predictions)
            return null;
        var trace = new Trace(cancellationToken);
        if (Follow(predictions, IsTransform, trace) is not IInvocationOperation { Instance: { } transformer } transform || ArgumentAt(transform, 0) is not { } evaluated)
            return null;
        if (Follow(transformer, IsFit, trace) is not IInvocationOperation fit || ArgumentAt(fit, 0) is not { } fitted)
            return null;
        var evaluatedRows = Rows(evaluated, new Trace(cancellationToken));
        var fittedRows = Rows(fitted, new Trace(cancellationToken));
        return evaluatedRows is null || fittedRows is null ? null : new Scoring(fit, transformer, evaluated, evaluatedRows, fittedRows);
    }

    private bool IsTransform(IOperation value) =>
        value is IInvocationOperation { TargetMethod.Name: "Transform", Instance: { } transformer } && MlNet!.IsTransformer(transformer.Type);

    private bool IsFit(IOperation value) =>
        value is IInvocationOperation { TargetMethod.Name: "Fit", Instance: { } estimator } && MlNet!.IsEstimator(estimator.Type);

    /// <summary>Follows single definitions (locals, fields, parameters, helper returns) to a value matching the predicate.</summary>
    private IOperation? Follow(IOperation value, Func<IOperation, bool> predicate, Trace trace)
    {
        value = Unwrap(value);
        for (var hops = 0; hops < Trace.MaxDepth; hops++)
        {
            trace.CancellationToken.ThrowIfCancellationRequested();
            if (predicate(value))
                return value;
            if (!IsFollowable(value) || SingleDefinition(value, trace.CancellationToken) is not { } definition)
                return null;
            value = Unwrap(definition);
        }

        return null;
    }

    /// <summary>Two row identities that share rows: equal, or one a subset (split part, taken rows ...) of the other.</summary>
    private static bool Overlap(string a, string b) =>
        a == b || b.StartsWith(a + "|", StringComparison.Ordinal) || a.StartsWith(b + "|", StringComparison.Ordinal);

    /// <summary>
    /// The identity of the rows of a data view, as a path: where they were loaded or created, then the subsets taken
    /// of them (<c>|split@…|TrainSet</c>, <c>|TakeRows@…</c>). Transforms, shuffling and caching keep the rows.
    /// Each call of a helper method is its own data set. Null when a reference can hold different data.
    /// </summary>
    private string? Rows(IOperation value, Trace trace)
    {
        var ml = MlNet!;
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return null;
        try
        {
            switch (value)
            {
                case IInvocationOperation { TargetMethod.Name: "Transform", Instance: { } transformer } transform when ml.IsTransformer(transformer.Type):
                    return ArgumentAt(transform, 0) is { } input ? Rows(input, trace) : null;
                case IInvocationOperation call when MlNetSymbols.IsMlNetMethod(call.TargetMethod):
                    var name = call.TargetMethod.Name;
                    if (name is "ShuffleRows" or "Cache" && Argument(call, "input") is { } same)
                        return Rows(same, trace);
                    if (RowOperations.Contains(name) && Argument(call, "input") is { } subset)
                        return Rows(subset, trace) is { } whole ? $"{whole}|{name}@{Where(call)}" : null;
                    if (name == "TrainTestSplit" && Argument(call, "data") is { } split)
                        return Rows(split, trace) is { } all ? $"{all}|split@{Where(call)}" : null;
                    var source = name switch
                    {
                        "LoadFromEnumerable" => Argument(call, "data"),
                        "LoadFromTextFile" or "LoadFromBinary" => Argument(call, "path"),
                        _ => null,
                    };
                    return source is not null && Rows(source, trace) is { } loaded ? $"{name}({loaded})" : "at:" + Where(call);
                case IMemberReferenceOperation { Member.Name: "TrainSet" or "TestSet", Instance: { } parts } part when IsTrainTestData(parts.Type):
                    return Rows(parts, trace) is { } split2 ? $"{split2}|{part.Member.Name}" : null;
                case IInvocationOperation:
                    return "call:" + Where(value); // a helper call: each call is its own data set
                case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false }:
                    var definitions = ValueDefinitions(value, trace.CancellationToken);
                    if (definitions.IsEmpty)
                        return null;
                    if (IsOwnOrigin(value, definitions))
                        return "at:" + Where(value);
                    string? rows = null;
                    foreach (var definition in definitions)
                    {
                        var candidate = Rows(definition, trace);
                        if (candidate is null || (rows is not null && rows != candidate))
                            return null;
                        rows = candidate;
                    }

                    return rows;
                default:
                    return value.ConstantValue is { HasValue: true, Value: string text } ? "const:" + text : "at:" + Where(value);
            }
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Evaluating on the training data: TorchSharp (NT6002)
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// NT6002 (TorchSharp): the places where a model is scored only on tensors it was trained on, keyed by the
    /// syntax of the report site (the model call on the evaluation path, or the call of the metric helper that
    /// receives the training tensor). A model qualifies when every evaluation of it reads a tensor its training
    /// calls read, and every training input and evaluation input is followed. Evaluations inside a training loop
    /// (running-loss logging) count for that but are never reported. Computed once for the compilation and grouped
    /// by tree: each tree's action asks for its own sites, and most trees have none.
    /// </summary>
    public ImmutableArray<KeyValuePair<SyntaxNode, TrainingTensorScore>> ScoresOnTrainingTensors(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var byTree = _trainingTensorScores.Get((Model: this, CancellationToken: cancellationToken), static s =>
            (s.Model.HasTorchSharp ? s.Model.ComputeScoresOnTrainingTensors(s.CancellationToken) : ImmutableDictionary<SyntaxNode, TrainingTensorScore>.Empty)
                .GroupBy(site => site.Key.SyntaxTree).ToDictionary(group => group.Key, group => group.ToImmutableArray()));
        return byTree.TryGetValue(tree, out var found) ? found : ImmutableArray<KeyValuePair<SyntaxNode, TrainingTensorScore>>.Empty;
    }

    private ImmutableDictionary<SyntaxNode, TrainingTensorScore> ComputeScoresOnTrainingTensors(CancellationToken cancellationToken)
    {
        var sites = ImmutableDictionary.CreateBuilder<SyntaxNode, TrainingTensorScore>();
        var evaluations = EvaluationCalls(cancellationToken).ToList();
        if (evaluations.Count == 0)
            return sites.ToImmutable();

        // A metric computed inside a training loop is running-loss logging: never reported itself, but an
        // evaluation on other data there (per-epoch validation) still shows the model is validated. Asked only of
        // the evaluations that share a model with a training call (following the loops around a call is the costly part).
        var inTrainingLoop = new bool?[evaluations.Count];
        bool InTrainingLoop(int i) => inTrainingLoop[i] ??=
            LoopsRunning(evaluations[i], cancellationToken).Any(chain => chain.Any(loop => FactsOf(loop, cancellationToken).IsTraining));

        var trained = new List<IInvocationOperation>();
        var trainedSyntax = new HashSet<SyntaxNode>();
        foreach (var node in Index.CallsNamed("backward"))
        {
            if (GetOperation(node, cancellationToken) is not IInvocationOperation backward || Classify(backward) != StepEventKind.Backward || backward.Instance is not { } loss)
                continue;
            foreach (var call in ModelCallsFeeding(loss, new Trace(cancellationToken)))
            {
                if (trainedSyntax.Add(call.Syntax))
                    trained.Add(call);
            }
        }

        if (trained.Count == 0)
            return sites.ToImmutable();
        var evaluationRoots = evaluations.Select(e => RootSymbols(ReceiverOf(e), cancellationToken)).ToList();
        var trainedRoots = trained.Select(c => RootSymbols(ReceiverOf(c), cancellationToken)).ToList();

        // Which training calls and evaluations read each variable: grouping by shared variables without comparing every pair.
        var trainedByRoot = ByRoot(trainedRoots);
        var evaluationsByRoot = ByRoot(evaluationRoots);
        var grouped = new HashSet<int>();
        for (var i = 0; i < evaluations.Count; i++)
        {
            if (evaluationRoots[i].IsEmpty || grouped.Contains(i))
                continue;

            // One model: the training calls and evaluations that share a variable with this evaluation's receiver.
            var modelRoots = evaluationRoots[i];
            var training = Sharing(modelRoots, trainedByRoot);
            if (training.Count == 0 || InTrainingLoop(i))
                continue;
            foreach (var j in training)
                modelRoots = modelRoots.Union(trainedRoots[j]);
            var group = Sharing(modelRoots, evaluationsByRoot);
            grouped.UnionWith(group);

            var trainingTensors = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default);
            var known = true;
            foreach (var j in training)
            {
                var path = FirstArgument(trained[j]) is { } input ? TrainingTensorPath(input, new Trace(cancellationToken)) : null;
                if (path is null || path.IsEmpty)
                {
                    known = false;
                    break;
                }

                trainingTensors = trainingTensors.Union(path);
            }

            if (!known)
                continue;
            var found = new List<(SyntaxNode Site, ISymbol Root, IInvocationOperation Evaluation)>();
            var onlyTraining = true;
            foreach (var k in group)
            {
                var sources = FirstArgument(evaluations[k]) is { } input ? ScoredTensors(input, evaluations[k].Syntax, 0, new Trace(cancellationToken)) : null;
                if (sources is null || sources.Count == 0 || sources.Any(s => !trainingTensors.Contains(s.Root)))
                {
                    onlyTraining = false;
                    break;
                }

                if (!InTrainingLoop(k))
                    found.AddRange(sources.Select(s => (s.Site, s.Root, evaluations[k])));
            }

            if (!onlyTraining)
                continue;
            foreach (var (site, root, evaluation) in found)
            {
                if (!sites.ContainsKey(site))
                    sites[site] = new TrainingTensorScore(ReceiverOf(evaluation)?.Syntax.ToString() ?? "model", root.Name);
            }
        }

        return sites.ToImmutable();
    }

    private static Dictionary<ISymbol, List<int>> ByRoot(List<ImmutableHashSet<ISymbol>> rootsPerCall)
    {
        var byRoot = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
        for (var i = 0; i < rootsPerCall.Count; i++)
        {
            foreach (var root in rootsPerCall[i])
            {
                if (!byRoot.TryGetValue(root, out var calls))
                    byRoot[root] = calls = new List<int>();
                calls.Add(i);
            }
        }

        return byRoot;
    }

    /// <summary>The calls (in index order) that read any of the variables.</summary>
    private static List<int> Sharing(ImmutableHashSet<ISymbol> roots, Dictionary<ISymbol, List<int>> byRoot)
    {
        var calls = new SortedSet<int>();
        foreach (var root in roots)
        {
            if (byRoot.TryGetValue(root, out var found))
                calls.UnionWith(found);
        }

        return calls.ToList();
    }

    private static IOperation? FirstArgument(IInvocationOperation call) =>
        call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;

    /// <summary>
    /// Every variable a training input is read from: through locals, parameters (their call sites), tensor methods
    /// (indexing and slicing included: mini-batches of <c>x</c> are training rows of <c>x</c>). Null when a step is
    /// not followed (a batch from a loader, a deconstructed tuple, a tensor built inline).
    /// </summary>
    private ImmutableHashSet<ISymbol>? TrainingTensorPath(IOperation value, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return null;
        try
        {
            switch (value)
            {
                case IInvocationOperation call when Symbols.IsTorchSharpType(call.TargetMethod.ContainingType) && Symbols.IsTensor(call.Type):
                    var source = call.Instance is { } instance && Symbols.IsTensor(instance.Type)
                        ? instance
                        : call.Arguments.FirstOrDefault(a => Symbols.IsTensor(a.Value.Type))?.Value;
                    return source is null ? null : TrainingTensorPath(source, trace);
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } when Symbols.IsTensor(indexed.Type):
                    return TrainingTensorPath(indexed, trace);
                case ILocalReferenceOperation local:
                    var definitions = Definitions(local, trace.CancellationToken);
                    if (definitions.Length != 1)
                        return null;
                    var own = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default, local.Local);
                    if (!IsTensorDerivation(definitions[0]))
                        return own; // created here: the local is the data set
                    return TrainingTensorPath(definitions[0], trace) is { } path ? path.Union(own) : null;
                case IParameterReferenceOperation parameter:
                    var arguments = Definitions(parameter, trace.CancellationToken);
                    if (arguments.IsEmpty)
                        return null;
                    var roots = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default, parameter.Parameter);
                    foreach (var argument in arguments)
                    {
                        if (TrainingTensorPath(argument, trace) is not { } argumentPath)
                            return null;
                        roots = roots.Union(argumentPath);
                    }

                    return roots;
                default:
                    return ReferencedSymbol(value) is { } member ? ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default, member) : null;
            }
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    /// <summary>A tensor value computed from another tensor variable (a reference, a tensor method, an indexer).</summary>
    private bool IsTensorDerivation(IOperation value) => Unwrap(value) switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation => true,
        IPropertyReferenceOperation { Property.IsIndexer: false } => true,
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } => Symbols.IsTensor(indexed.Type),
        IInvocationOperation call => Symbols.IsTorchSharpType(call.TargetMethod.ContainingType) && Symbols.IsTensor(call.Type) &&
            (call.Instance is not null && Symbols.IsTensor(call.Instance.Type) || call.Arguments.Any(a => Symbols.IsTensor(a.Value.Type) && ReferencedSymbol(a.Value) is not null)),
        _ => false,
    };

    /// <summary>
    /// The variables an evaluation input reads whole (through locals, row-preserving tensor methods and helper
    /// parameters), each with its report site: the evaluation's model call, or the call of the helper that was
    /// handed the tensor. A local defined by slicing or indexing is its own data set. Null when not followed.
    /// </summary>
    private List<(ISymbol Root, SyntaxNode Site)>? ScoredTensors(IOperation value, SyntaxNode site, int hops, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return null;
        try
        {
            switch (value)
            {
                case IInvocationOperation { Instance: { } source } call when Symbols.IsTorchSharpType(call.TargetMethod.ContainingType) &&
                    RowPreservingTensorMethods.Contains(call.TargetMethod.Name) && Symbols.IsTensor(source.Type):
                    return ScoredTensors(source, site, hops, trace);
                case ILocalReferenceOperation local:
                    var definitions = Definitions(local, trace.CancellationToken);
                    if (definitions.Length != 1)
                        return null;
                    var definition = Unwrap(definitions[0]);
                    var followed = definition is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation ||
                        definition is IInvocationOperation { Instance: { } instance } method && Symbols.IsTorchSharpType(method.TargetMethod.ContainingType) &&
                        RowPreservingTensorMethods.Contains(method.TargetMethod.Name) && Symbols.IsTensor(instance.Type);
                    return followed ? ScoredTensors(definition, site, hops, trace) : new List<(ISymbol, SyntaxNode)> { (local.Local, site) };
                case IParameterReferenceOperation parameter:
                    if (hops >= 2 || parameter.Parameter.ContainingSymbol is not IMethodSymbol method2 || method2.MethodKind is MethodKind.AnonymousFunction or MethodKind.LambdaMethod ||
                        !ReachingDefinitions(parameter, parameter.Parameter, out _).IsEmpty)
                        return null;
                    var result = new List<(ISymbol, SyntaxNode)>();
                    var callSites = CallSites(method2, trace.CancellationToken);
                    if (callSites.IsEmpty)
                        return null;
                    foreach (var callSite in callSites)
                    {
                        if (callSite is not IInvocationOperation invocation ||
                            invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Parameter.Ordinal && a.ArgumentKind == ArgumentKind.Explicit) is not { } argument ||
                            ScoredTensors(argument.Value, invocation.Syntax, hops + 1, trace) is not { } sources)
                            return null;
                        result.AddRange(sources);
                    }

                    return result;
                default:
                    return ReferencedSymbol(value) is { } member and (IFieldSymbol or IPropertySymbol)
                        ? new List<(ISymbol, SyntaxNode)> { (member, site) }
                        : null;
            }
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }
}
