using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.FullBatchGradientDescentAnalyzer, NetTricks.CodeFixes.UseMiniBatchesCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.FullBatchGradientDescentAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3001FullBatchGradientDescentTests
{
    [Fact]
    public Task Whole_training_tensors_fed_every_epoch_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(1000, 4);
                var trainY = randn(1000, 1);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 100; epoch++)
                {
                    optimizer.zero_grad();
                    var output = {|NT3001:model.forward(trainX)|};
                    var loss = functional.mse_loss(output, trainY);
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Dataset_in_fields_and_a_custom_model_in_another_file_fires() => V.AnalyzerAsync(Sources.SoftmaxClassifierFile, Sources.Usings + """
        sealed class Experiment
        {
            private readonly Tensor features = randn(500, 10);
            private readonly Tensor labels = zeros(500, dtype: int64);
            private readonly SoftmaxClassifier model = new();

            public void Run(int epochs)
            {
                var optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var epoch = 0;
                while (epoch++ < epochs)
                {
                    optimizer.zero_grad();
                    var loss = functional.nll_loss({|NT3001:model.call(features)|}.log(), labels);
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Mini_batches_slices_and_evaluation_passes_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(1000, 4);
                var trainY = randn(1000, 1);
                var validX = randn(200, 4);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    for (long start = 0; start < 1000; start += 64)
                    {
                        optimizer.zero_grad();
                        var x = trainX.narrow(0, start, Math.Min(64, 1000 - start));
                        var y = trainY.narrow(0, start, Math.Min(64, 1000 - start));
                        functional.mse_loss(model.forward(x), y).backward();
                        optimizer.step();
                    }

                    using (no_grad())
                    {
                        var validation = model.forward(validX);   // evaluation: does not feed backward
                    }
                }

                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var permutation = randperm(1000);
                    var idx = permutation.narrow(0, 0, 64);
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(trainX.index_select(0, idx)), trainY.index_select(0, idx)).backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task LBFGS_full_batch_is_intended_and_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(100, 4);
                var trainY = randn(100, 1);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.LBFGS(model.parameters());
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(trainX), trainY);
                    loss.backward();
                    optimizer.step(() => functional.mse_loss(model.forward(trainX), trainY));
                }
            }
        }
        """);

    [Fact]
    public Task Fix_iterates_shuffled_mini_batches_with_the_runtime() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(1000, 4);
                var trainY = randn(1000, 1);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 100; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss({|NT3001:model.forward(trainX)|}, trainY);
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """, Sources.Usings.Replace("using System.Collections.Generic;\n", "using System.Collections.Generic;\nusing NetTricks;\n") + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(1000, 4);
                var trainY = randn(1000, 1);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 100; epoch++)
                {
                    foreach (var (batchInput, batchTarget) in MiniBatch.Shuffled(trainX, trainY, batchSize: 64))
                    {
                        optimizer.zero_grad();
                        var loss = functional.mse_loss(model.forward(batchInput), batchTarget);
                        loss.backward();
                        optimizer.step();
                    }
                }
            }
        }
        """, withRuntime: true);

    [Fact]
    public Task Fix_is_not_offered_without_the_runtime() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var trainX = randn(1000, 4);
                var model = Sequential(Linear(4, 4));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 100; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss({|NT3001:model.forward(trainX)|}, trainX);
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """);
}
