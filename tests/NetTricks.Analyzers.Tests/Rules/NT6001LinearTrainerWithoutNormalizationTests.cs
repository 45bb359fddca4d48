using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NetTricks.Analyzers.Rules;
using NetTricks.Analyzers.Tests.Infrastructure;
using NetTricks.CodeFixes;
using Xunit;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT6001LinearTrainerWithoutNormalizationTests
{
    /// <summary>ML.NET usings and a row type with numeric, text and categorical columns (and a ready-made Features vector).</summary>
    internal const string MlUsings = """
        using System;
        using System.Collections.Generic;
        using Microsoft.ML;
        using Microsoft.ML.Data;
        using Microsoft.ML.Trainers;

        public sealed class House
        {
            public float Size { get; set; }
            public float Rooms { get; set; }
            public float Age { get; set; }
            public string Town { get; set; }
            public string Description { get; set; }
            public float Price { get; set; }
            public bool Expensive { get; set; }
            [VectorType(3)] public float[] Features { get; set; }
        }

        """;

    private static Task AnalyzeAsync(bool withTorchSharp, params string[] sources)
    {
        var test = new NetTricksTest<LinearTrainerWithoutNormalizationAnalyzer, EmptyCodeFixProvider>(withTorchSharp: withTorchSharp, withMlNet: true);
        for (var i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        return test.RunAsync(CancellationToken.None);
    }

    private static Task AnalyzeAsync(params string[] sources) => AnalyzeAsync(withTorchSharp: false, sources);

    private static Task NoFixAsync(string source) => FixAsync(source, source);

    private static Task FixAsync(string source, string fixedSource) =>
        new NetTricksTest<LinearTrainerWithoutNormalizationAnalyzer, InsertNormalizerCodeFix>(withTorchSharp: false, withMlNet: true)
        {
            TestCode = source,
            FixedCode = fixedSource,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public Task Concatenated_raw_columns_reaching_a_linear_trainer_fire_and_the_message_names_them()
    {
        var test = new NetTricksTest<LinearTrainerWithoutNormalizationAnalyzer, EmptyCodeFixProvider>(withTorchSharp: false, withMlNet: true)
        {
            TestCode = MlUsings + """
                static class Program
                {
                    static void Main()
                    {
                        var ml = new MLContext(seed: 1);
                        var data = ml.Data.LoadFromEnumerable(new List<House>());
                        var pipeline = ml.Transforms.Concatenate("Features", nameof(House.Size), nameof(House.Rooms), nameof(House.Age))
                            .Append({|#0:ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price))|});
                        var model = {|#1:pipeline.Fit(data)|};
                    }
                }
                """,
        };
        test.TestState.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticIds.LinearTrainerWithoutNormalization, DiagnosticSeverity.Warning)
            .WithLocation(0).WithLocation(1).WithArguments("Sdca", "'Size', 'Rooms', 'Age'", "Features"));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Every_scaling_trainer_and_append_spelling_fires() => AnalyzeAsync(MlUsings + """
        static class Program
        {
            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                var numeric = ml.Transforms.Concatenate("Features", "Size", "Rooms", "Age");

                // Extension Append on IEstimator<ITransformer>, the trainer in a local.
                IEstimator<ITransformer> start = numeric;
                var lbfgs = {|NT6001:ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: "Expensive")|};
                start.Append(lbfgs).Fit(data);

                // new EstimatorChain<ITransformer>() as the start; AppendCacheCheckpoint in between.
                new EstimatorChain<ITransformer>()
                    .Append(ml.Transforms.Concatenate("Features", "Size", "Age"))
                    .AppendCacheCheckpoint(ml)
                    .Append({|NT6001:ml.Regression.Trainers.OnlineGradientDescent(labelColumnName: "Price")|})
                    .Fit(data);

                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.AveragedPerceptron("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.LinearSvm("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.LdSvm("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.SgdCalibrated("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.SgdNonCalibrated("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.BinaryClassification.Trainers.SdcaLogisticRegression("Expensive")|}).Fit(data);
                numeric.Append({|NT6001:ml.Regression.Trainers.LbfgsPoissonRegression("Price")|}).Fit(data);

                // Multiclass: wrapped binary trainers report at the binary trainer.
                var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Town").Append(numeric);
                keyed.Append(ml.MulticlassClassification.Trainers.OneVersusAll({|NT6001:ml.BinaryClassification.Trainers.AveragedPerceptron()|})).Fit(data);
                var binary = {|NT6001:ml.BinaryClassification.Trainers.LinearSvm()|};
                keyed.Append(ml.MulticlassClassification.Trainers.PairwiseCoupling(binary)).Fit(data);
                keyed.Append({|NT6001:ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()|}).Fit(data);
                keyed.Append({|NT6001:ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()|}).Fit(data);
                keyed.Append({|NT6001:ml.MulticlassClassification.Trainers.SdcaNonCalibrated()|}).Fit(data);
            }
        }
        """);

    [Fact]
    public Task A_pipeline_built_in_one_class_and_fitted_in_another_fires_also_with_TorchSharp_referenced() => AnalyzeAsync(withTorchSharp: true, MlUsings + """
        public static class Pipelines
        {
            public static IEstimator<ITransformer> PriceModel(MLContext ml) =>
                ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.Transforms.Text.FeaturizeText("DescriptionFeatures", "Description"))
                    .Append({|NT6001:ml.Regression.Trainers.Sdca(labelColumnName: "Price")|});
        }
        """, """
        using Microsoft.ML;

        static class Program
        {
            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromTextFile<House>("houses.csv", hasHeader: true, separatorChar: ',');
                var split = ml.Data.TrainTestSplit(data, testFraction: 0.2);
                var model = Train(ml, Pipelines.PriceModel(ml), split.TrainSet);
            }

            static ITransformer Train(MLContext ml, IEstimator<ITransformer> pipeline, IDataView rows) => pipeline.Fit(ml.Data.ShuffleRows(rows));
        }
        """);

    [Fact]
    public Task Raw_feature_vectors_options_and_prepared_data_fire() => AnalyzeAsync(MlUsings + """
        static class Program
        {
            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());

                // The Features vector of the rows, straight into the trainer.
                {|NT6001:ml.Regression.Trainers.Sdca(labelColumnName: "Price")|}.Fit(data);

                // Options with their own feature column, cross-validated.
                var options = new SdcaRegressionTrainer.Options { FeatureColumnName = "Numbers", LabelColumnName = "Price" };
                var pipeline = ml.Transforms.Concatenate("Numbers", "Size", "Age").Append({|NT6001:ml.Regression.Trainers.Sdca(options)|});
                ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 5, labelColumnName: "Price");

                // Data prepared by a transformer that concatenates but does not scale.
                var prepared = ml.Transforms.Concatenate("Features", "Size", "Age").Fit(data).Transform(data);
                {|NT6001:ml.Regression.Trainers.OnlineGradientDescent("Price")|}.Fit(prepared);

                // Normalising one input is not enough: Age stays raw. A normaliser after the trainer does not count.
                ml.Transforms.NormalizeMinMax("Size")
                    .Append(ml.Transforms.CopyColumns("Years", "Age"))
                    .Append(ml.Transforms.Concatenate("Features", "Size", "Years"))
                    .Append({|NT6001:ml.Regression.Trainers.Sdca("Price")|})
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Fit(data);
            }
        }
        """);

    [Fact]
    public Task Normalized_or_already_scaled_features_do_not_fire() => AnalyzeAsync(MlUsings + """
        static class Program
        {
            const string Numbers = "Numbers";

            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());

                ml.Transforms.Concatenate("Features", "Size", "Rooms", "Age")
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Append(ml.Regression.Trainers.Sdca("Price")).Fit(data);
                ml.Transforms.Concatenate(Numbers, "Size", "Age")
                    .Append(ml.Transforms.NormalizeMeanVariance(Numbers))
                    .Append(ml.Regression.Trainers.Sdca("Price", featureColumnName: Numbers)).Fit(data);
                ml.Transforms.NormalizeMinMax(new[] { new InputOutputColumnPair("Size"), new InputOutputColumnPair("Years", "Age") })
                    .Append(ml.Transforms.NormalizeLogMeanVariance("Rooms", fixZero: true))
                    .Append(ml.Transforms.Concatenate("Features", "Size", "Years", "Rooms"))
                    .Append(ml.Regression.Trainers.OnlineGradientDescent("Price")).Fit(data);
                ml.Transforms.NormalizeRobustScaling("Size").Append(ml.Transforms.NormalizeBinning("Age"))
                    .Append(ml.Transforms.Concatenate("Features", "Size", "Age"))
                    .Append(ml.Regression.Trainers.OnlineGradientDescent("Price")).Fit(data);
                ml.Transforms.NormalizeMinMax("Features").Append(ml.Regression.Trainers.LbfgsPoissonRegression("Price")).Fit(data);

                // Text and one-hot features only.
                ml.Transforms.Text.FeaturizeText("Features", "Description")
                    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression("Expensive")).Fit(data);
                ml.Transforms.Categorical.OneHotEncoding("TownCode", "Town")
                    .Append(ml.Transforms.Categorical.OneHotHashEncoding("DescriptionHash", "Description"))
                    .Append(ml.Transforms.Concatenate("Features", "TownCode", "DescriptionHash"))
                    .Append(ml.BinaryClassification.Trainers.AveragedPerceptron("Expensive")).Fit(data);

                // Data scaled by an earlier transformer.
                var scaled = ml.Transforms.NormalizeMinMax("Features").Fit(data).Transform(data);
                ml.Regression.Trainers.Sdca("Price").Fit(scaled);

                // Transforms after the trainer neither feed it nor make it fire.
                ml.Transforms.Conversion.MapValueToKey("Label", "Town")
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.LinearSvm()))
                    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);

                // Field-aware factorization machines normalise themselves.
                ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.BinaryClassification.Trainers.FieldAwareFactorizationMachine(new[] { "Features" }, "Expensive")).Fit(data);
            }
        }
        """);

    [Fact]
    public Task Tree_trainers_unknown_parts_and_unfitted_pipelines_do_not_fire() => AnalyzeAsync(MlUsings + """
        // FastTree/LightGbm/FastForest live in packages the tests do not reference: a stand-in with the same shape.
        static class TreeStandIn
        {
            public static IEstimator<ITransformer> FastTree(this RegressionCatalog.RegressionTrainers trainers, string labelColumnName = "Label") =>
                throw new NotSupportedException();
        }

        public static class Program
        {
            static void Main(string[] args)
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                var numeric = ml.Transforms.Concatenate("Features", "Size", "Age");
                numeric.Append(ml.Regression.Trainers.FastTree("Price")).Fit(data);

                // Scaling decided at run time: not provably missing.
                IEstimator<ITransformer> pipeline = numeric;
                if (args.Length > 0)
                    pipeline = pipeline.Append(ml.Transforms.NormalizeMinMax("Features"));
                pipeline.Append(ml.Regression.Trainers.Sdca("Price")).Fit(data);

                // A custom mapping could scale anything.
                ml.Transforms.CustomMapping((House input, House output) => output.Features = input.Features, "scale")
                    .Append(ml.Regression.Trainers.Sdca("Price")).Fit(data);

                // Built but never fitted here.
                var unfitted = numeric.Append(ml.Regression.Trainers.Sdca("Price"));
            }

            // Data and pipeline from callers this compilation does not see.
            public static ITransformer Fit(MLContext ml, IEstimator<ITransformer> prepare, IDataView rows) =>
                prepare.Append(ml.Regression.Trainers.Sdca("Price")).Fit(rows);

            public static ITransformer FitOn(MLContext ml, IDataView rows) =>
                ml.Transforms.Concatenate("Features", "Size", "Age").Append(ml.Regression.Trainers.Sdca("Price")).Fit(rows);
        }
        """);

    [Fact]
    public Task Fix_appends_NormalizeMinMax_before_the_trainer() => FixAsync(MlUsings + """
        static class Program
        {
            const string Numbers = "Numbers";

            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                var pipeline = ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append({|NT6001:ml.Regression.Trainers.Sdca(labelColumnName: "Price")|});
                var model = pipeline.Fit(data);
                ml.Transforms.Concatenate(Numbers, "Size", "Age").Append({|NT6001:ml.Regression.Trainers.OnlineGradientDescent("Price", featureColumnName: Numbers)|}).Fit(data);
                ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Town"))
                    .Append(ml.MulticlassClassification.Trainers.OneVersusAll({|NT6001:ml.BinaryClassification.Trainers.AveragedPerceptron()|}))
                    .Fit(data);
            }
        }
        """, MlUsings + """
        static class Program
        {
            const string Numbers = "Numbers";

            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                var pipeline = ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Price"));
                var model = pipeline.Fit(data);
                ml.Transforms.Concatenate(Numbers, "Size", "Age").Append(ml.Transforms.NormalizeMinMax(Numbers)).Append(ml.Regression.Trainers.OnlineGradientDescent("Price", featureColumnName: Numbers)).Fit(data);
                ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Town"))
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron()))
                    .Fit(data);
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_trainer_is_not_written_inside_an_Append() => NoFixAsync(MlUsings + """
        static class Program
        {
            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                {|NT6001:ml.Regression.Trainers.Sdca("Price")|}.Fit(data);
                var trainer = {|NT6001:ml.Regression.Trainers.OnlineGradientDescent("Price")|};
                ml.Transforms.Concatenate("Features", "Size", "Age").Append(trainer).Fit(data);
                var other = new MLContext();
                ml.Transforms.Concatenate("Features", "Size", "Age").Append({|NT6001:new MLContext().Regression.Trainers.Sdca("Price")|}).Fit(data);
            }
        }
        """);
}
