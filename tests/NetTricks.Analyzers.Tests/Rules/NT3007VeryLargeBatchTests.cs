using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.VeryLargeBatchAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3007VeryLargeBatchTests
{
    [Fact]
    public Task Training_batches_of_1024_or_more_fire_evaluation_batches_do_not() => V.AnalyzerAsync(withRuntime: true, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var x = randn(10000, 4);
                var y = randn(10000, 1);
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                foreach (var (xb, yb) in {|NT3007:NetTricks.MiniBatch.Shuffled(x, y, batchSize: 4096)|})
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(xb), yb).backward();
                    optimizer.step();
                }

                foreach (var (xb, yb) in NetTricks.MiniBatch.Shuffled(x, y, batchSize: 256))
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(xb), yb).backward();
                    optimizer.step();
                }

                var evaluation = NetTricks.MiniBatch.InOrder(x, y, batchSize: 8192);
                using (no_grad())
                {
                    foreach (var (xb, yb) in NetTricks.MiniBatch.Shuffled(x, y, batchSize: 8192))
                        model.forward(xb);
                }
            }
        }
        """);

    private const string Points = Sources.Usings + """
        sealed class Points : torch.utils.data.Dataset
        {
            public override long Count => 100000;
            public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = randn(4), ["y"] = randn(1) };
        }

        """;

    [Fact]
    public Task Object_creations_and_loaders_iterated_in_another_method_fire() => V.AnalyzerAsync(Points + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly DataLoader batches = {|NT3007:new DataLoader(new Points(), batchSize: 2048, shuffle: true, device: CPU)|};

            public void Fit()
            {
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    foreach (var batch in batches)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                        optimizer.step();
                    }
                }
            }
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                foreach (var batch in {|NT3007:new DataLoader(new Points(), 4096, shuffle: true)|})
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                using var handed = {|NT3007:torch.utils.data.DataLoader(new Points(), 1024, shuffle: true)|};
                TrainEpoch(model, optimizer, handed);
                TrainEpoch(model, optimizer, MakeLoader());
            }

            static DataLoader MakeLoader() => {|NT3007:new DataLoader(new Points(), batchSize: 8192, shuffle: true)|};

            static void TrainEpoch(Sequential model, torch.optim.Optimizer optimizer, IEnumerable<Dictionary<string, Tensor>> loader)
            {
                foreach (var batch in loader)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Evaluation_loaders_in_fields_helpers_or_never_iterated_do_not_fire() => V.AnalyzerAsync(Points + """
        sealed class Evaluator
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly DataLoader validation = new DataLoader(new Points(), batchSize: 8192, device: CPU);
            private readonly DataLoader unused = new DataLoader(new Points(), batchSize: 8192, device: CPU);

            public float Score()
            {
                model.eval();
                var total = 0f;
                using (no_grad())
                {
                    foreach (var batch in validation)
                        total += functional.mse_loss(model.forward(batch["x"]), batch["y"]).item<float>();
                }

                return total;
            }
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                var train = new DataLoader(new Points(), 256, shuffle: true);
                var test = new DataLoader(new Points(), 4096);
                foreach (var batch in train)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                Evaluate(model, test);
            }

            static float Evaluate(Sequential model, IEnumerable<Dictionary<string, Tensor>> loader)
            {
                var total = 0f;
                using (no_grad())
                {
                    foreach (var batch in loader)
                        total += functional.mse_loss(model.forward(batch["x"]), batch["y"]).item<float>();
                }

                return total;
            }
        }
        """);
}
