using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NetTricks.Analyzers.Rules;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.EvaluatingOnTrainingDataAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT6002EvaluatingOnTrainingDataTests
{
    private const string MlUsings = NT6001LinearTrainerWithoutNormalizationTests.MlUsings;

    private static Task MlNetAsync(params string[] sources)
    {
        var test = new NetTricksTest<EvaluatingOnTrainingDataAnalyzer, EmptyCodeFixProvider>(withTorchSharp: false, withMlNet: true);
        for (var i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
        return test.RunAsync(CancellationToken.None);
    }

    private const string Pipeline = """
        static class Pipelines
        {
            public static IEstimator<ITransformer> Price(MLContext ml) =>
                ml.Transforms.Concatenate("Features", "Size", "Age").Append(ml.Transforms.NormalizeMinMax("Features")).Append(ml.Regression.Trainers.Sdca("Price"));
        }

        """;

    [Fact]
    public Task Evaluate_on_the_fitted_rows_fires_with_the_message_naming_model_and_data()
    {
        var test = new NetTricksTest<EvaluatingOnTrainingDataAnalyzer, EmptyCodeFixProvider>(withTorchSharp: false, withMlNet: true)
        {
            TestCode = MlUsings + Pipeline + """
                static class Program
                {
                    static void Main()
                    {
                        var ml = new MLContext();
                        var data = ml.Data.LoadFromEnumerable(new List<House>());
                        var model = {|#1:Pipelines.Price(ml).Fit(data)|};
                        var predictions = model.Transform(data);
                        var metrics = {|#0:ml.Regression.Evaluate(predictions, labelColumnName: "Price")|};
                    }
                }
                """,
        };
        test.TestState.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticIds.EvaluatingOnTrainingData, DiagnosticSeverity.Warning)
            .WithLocation(0).WithLocation(1).WithArguments("model", "data"));
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task Every_ML_NET_spelling_fires() => MlNetAsync(MlUsings + Pipeline + """
        static class Program
        {
            static void Main()
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromTextFile<House>("houses.csv", hasHeader: true);
                var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

                // The training part of a split, shuffled and cached on the way: the same rows.
                var model = Pipelines.Price(ml).Fit(ml.Data.Cache(split.TrainSet));
                {|NT6002:ml.Regression.Evaluate(model.Transform(ml.Data.ShuffleRows(split.TrainSet)), "Price")|};

                // Trained on the training part, scored on everything (most of it trained on).
                var second = Pipelines.Price(ml).Fit(split.TrainSet);
                {|NT6002:ml.Regression.Evaluate(second.Transform(data), "Price")|};

                // Trained on everything, scored on a part of it.
                var third = Pipelines.Price(ml).Fit(data);
                {|NT6002:ml.Regression.Evaluate(third.Transform(ml.Data.TakeRows(data, 100)), "Price")|};

                // The same file loaded twice.
                var again = ml.Data.LoadFromTextFile<House>("houses.csv", hasHeader: true);
                var classifier = ml.Transforms.Concatenate("Features", "Size", "Age")
                    .Append(ml.Transforms.NormalizeMinMax("Features"))
                    .Append(ml.BinaryClassification.Trainers.AveragedPerceptron("Expensive"))
                    .Fit(data);
                {|NT6002:ml.BinaryClassification.EvaluateNonCalibrated(classifier.Transform(again), "Expensive")|};

                Report(ml, Train(ml, split.TrainSet), split.TrainSet);
            }

            static ITransformer Train(MLContext ml, IDataView rows) => Pipelines.Price(ml).Fit(rows);

            static void Report(MLContext ml, ITransformer model, IDataView rows)
            {
                var metrics = {|NT6002:ml.Regression.Evaluate(model.Transform(rows), "Price")|};
                Console.WriteLine(metrics.RSquared);
            }
        }
        """);

    [Fact]
    public Task Held_out_data_cross_validation_and_unknown_models_do_not_fire() => MlNetAsync(MlUsings + Pipeline + """
        static class Program
        {
            static void Main(string[] args)
            {
                var ml = new MLContext();
                var data = ml.Data.LoadFromEnumerable(new List<House>());
                var split = ml.Data.TrainTestSplit(data, testFraction: 0.2);
                var model = Pipelines.Price(ml).Fit(split.TrainSet);
                ml.Regression.Evaluate(model.Transform(split.TestSet), "Price");

                // Training and held-out metrics side by side: a deliberate comparison.
                var compared = Pipelines.Price(ml).Fit(split.TrainSet);
                ml.Regression.Evaluate(compared.Transform(split.TrainSet), "Price");
                ml.Regression.Evaluate(compared.Transform(split.TestSet), "Price");

                // Different files, different generated sets, disjoint row ranges.
                var train = ml.Data.LoadFromTextFile<House>("train.csv");
                var test = ml.Data.LoadFromTextFile<House>("test.csv");
                ml.Regression.Evaluate(Pipelines.Price(ml).Fit(train).Transform(test), "Price");
                var first = ml.Data.LoadFromEnumerable(Generate(100));
                var second = ml.Data.LoadFromEnumerable(Generate(100));
                ml.Regression.Evaluate(Pipelines.Price(ml).Fit(first).Transform(second), "Price");
                var head = Pipelines.Price(ml).Fit(ml.Data.TakeRows(data, 800));
                ml.Regression.Evaluate(head.Transform(ml.Data.SkipRows(data, 800)), "Price");

                // Cross-validation evaluates on held-out folds itself.
                ml.Regression.CrossValidate(data, Pipelines.Price(ml), numberOfFolds: 5, labelColumnName: "Price");

                // A model from disk, data chosen at run time.
                var loaded = ml.Model.Load("model.zip", out _);
                ml.Regression.Evaluate(loaded.Transform(data), "Price");
                var chosen = args.Length > 0 ? train : test;
                ml.Regression.Evaluate(Pipelines.Price(ml).Fit(train).Transform(chosen), "Price");

                Score(ml, model, split.TrainSet);
                Score(ml, model, split.TestSet);
            }

            static List<House> Generate(int count) => new List<House>(count);

            // Called with both parts: not only training data.
            static void Score(MLContext ml, ITransformer model, IDataView rows) => ml.Regression.Evaluate(model.Transform(rows), "Price");
        }
        """);

    private const string TorchModel = """
        static class Metrics
        {
            public static float Accuracy(Module<Tensor, Tensor> model, Tensor x, Tensor y)
            {
                using var _ = torch.no_grad();
                var predicted = model.forward(x).argmax(1);
                return predicted.eq(y).to_type(ScalarType.Float32).mean().item<float>();
            }
        }

        """;

    [Fact]
    public Task TorchSharp_model_scored_only_on_its_training_tensors_fires() => V.AnalyzerAsync(Sources.Usings + TorchModel + """
        static class Program
        {
            static void Main()
            {
                var x = randn(256, 4);
                var y = randint(0, 3, new long[] { 256 });
                var model = Sequential(Linear(4, 16), ReLU(), Linear(16, 3));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    for (var start = 0; start < 256; start += 32)
                    {
                        var xb = x.narrow(0, start, 32);
                        var yb = y.narrow(0, start, 32);
                        optimizer.zero_grad();
                        functional.cross_entropy(model.forward(xb), yb).backward();
                        optimizer.step();
                    }
                }

                Console.WriteLine({|NT6002:Metrics.Accuracy(model, x, y)|});
            }
        }
        """);

    [Fact]
    public Task TorchSharp_evaluation_under_no_grad_on_the_training_tensor_fires_at_the_model_call() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static readonly Tensor Features = randn(100, 4);
            static readonly Tensor Targets = randn(100, 1);

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                Train(model, torch.optim.Adam(model.parameters()));
                Validate(model);
            }

            static void Train(Module<Tensor, Tensor> model, torch.optim.Optimizer optimizer)
            {
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(Features), Targets).backward();
                    optimizer.step();
                }
            }

            static void Validate(Module<Tensor, Tensor> model)
            {
                using (torch.no_grad())
                {
                    var error = functional.mse_loss({|NT6002:model.forward(Features.to(CPU))|}, Targets).item<float>();
                    Console.WriteLine(error);
                }
            }
        }
        """);

    [Fact]
    public Task TorchSharp_model_validated_every_epoch_on_held_out_tensors_does_not_fire_for_its_final_training_score() => V.AnalyzerAsync(Sources.Usings + TorchModel + """
        static class Program
        {
            static void Main()
            {
                var x = randn(256, 4);
                var y = randint(0, 3, new long[] { 256 });
                var xTest = randn(64, 4);
                var yTest = randint(0, 3, new long[] { 64 });
                var model = Sequential(Linear(4, 3));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.cross_entropy(model.forward(x), y).backward();
                    optimizer.step();
                    Console.WriteLine(Validate(model, xTest, yTest));
                }

                Console.WriteLine(Metrics.Accuracy(model, x, y));
            }

            static float Validate(Module<Tensor, Tensor> model, Tensor x, Tensor y)
            {
                using var _ = torch.no_grad();
                return functional.cross_entropy(model.forward(x), y).item<float>();
            }
        }
        """);

    [Fact]
    public Task TorchSharp_held_out_or_running_metrics_do_not_fire() => V.AnalyzerAsync(Sources.Usings + TorchModel + """
        static class Program
        {
            static void Main()
            {
                var x = randn(256, 4);
                var y = randint(0, 3, new long[] { 256 });
                var xTest = randn(64, 4);
                var yTest = randint(0, 3, new long[] { 64 });
                var model = Sequential(Linear(4, 16), ReLU(), Linear(16, 3));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    var output = model.forward(x);
                    functional.cross_entropy(output, y).backward();
                    optimizer.step();

                    // Running training metric inside the training loop: logging, not an evaluation.
                    using (torch.no_grad())
                        Console.WriteLine(model.forward(x).argmax(1).eq(y).sum().item<long>());
                }

                // Training accuracy next to held-out accuracy.
                Console.WriteLine(Metrics.Accuracy(model, x, y));
                Console.WriteLine(Metrics.Accuracy(model, xTest, yTest));

                // A model trained on batches from a loader: its training data is not followed.
                var other = Sequential(Linear(4, 3));
                var otherOptimizer = torch.optim.Adam(other.parameters());
                foreach (var (xb, yb) in Batches(x, y))
                {
                    otherOptimizer.zero_grad();
                    functional.cross_entropy(other.forward(xb), yb).backward();
                    otherOptimizer.step();
                }

                Console.WriteLine(Metrics.Accuracy(other, x, y));

                // Trained on one slice, scored on another.
                var third = Sequential(Linear(4, 3));
                var thirdOptimizer = torch.optim.Adam(third.parameters());
                var xTrain = x.narrow(0, 0, 200);
                var xValid = x.narrow(0, 200, 56);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    thirdOptimizer.zero_grad();
                    functional.cross_entropy(third.forward(xTrain), y.narrow(0, 0, 200)).backward();
                    thirdOptimizer.step();
                }

                Console.WriteLine(Metrics.Accuracy(third, xValid, y.narrow(0, 200, 56)));
            }

            static IEnumerable<(Tensor, Tensor)> Batches(Tensor x, Tensor y)
            {
                yield return (x, y);
            }
        }
        """);
}
