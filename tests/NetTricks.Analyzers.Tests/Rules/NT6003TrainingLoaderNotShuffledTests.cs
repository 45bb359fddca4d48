using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingLoaderNotShuffledAnalyzer, NetTricks.CodeFixes.AddShuffleCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingLoaderNotShuffledAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT6003TrainingLoaderNotShuffledTests
{
    private const string Points = Sources.Usings + """
        sealed class Points : torch.utils.data.Dataset
        {
            public override long Count => 100;
            public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = randn(4), ["y"] = randn(1) };
        }

        """;

    [Fact]
    public Task Training_loaders_left_unshuffled_fire_in_every_spelling() => V.AnalyzerAsync(Points + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly DataLoader batches = {|NT6003:new DataLoader(new Points(), batchSize: 16, device: CPU)|};

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
                var loader = {|NT6003:torch.utils.data.DataLoader(new Points(), 32)|};
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    foreach (var batch in loader)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                        optimizer.step();
                    }
                }

                foreach (var batch in {|NT6003:torch.utils.data.DataLoader(new Points(), 8)|})
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                using var handed = {|NT6003:torch.utils.data.DataLoader(new Points(), 16)|};
                TrainEpoch(model, optimizer, handed);
            }

            static void TrainEpoch(Sequential model, torch.optim.Optimizer optimizer, IEnumerable<Dictionary<string, Tensor>> batches)
            {
                foreach (var batch in batches)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }
            }
        }
        """);

    // Target-typed new(...) is filed under one key for every type; those whose declared type is written as another
    // name are left out before binding, the others are bound and checked.
    [Fact]
    public Task Target_typed_loader_creations_fire_where_the_type_is_declared_or_inferred() => V.AnalyzerAsync(Points + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly DataLoader? batches = {|NT6003:new(new Points(), 16)|};
            private readonly List<int> seen = new();
            private Dictionary<string, float> Metrics { get; } = new();

            public void Fit()
            {
                var optimizer = torch.optim.Adam(model.parameters());
                DataLoader local = {|NT6003:new(new Points(), 32)|};
                TorchSharp.Modules.DataLoader qualified = {|NT6003:new(new Points(), 8)|};
                List<float> losses = new();
                Epoch(optimizer, batches!);
                Epoch(optimizer, local);
                Epoch(optimizer, qualified);
                DataLoader assigned;
                assigned = {|NT6003:new(new Points(), 4)|};
                Epoch(optimizer, assigned);
            }

            private void Epoch(torch.optim.Optimizer optimizer, DataLoader loader)
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
    public Task Shuffled_ordered_on_purpose_configured_and_evaluation_loaders_do_not_fire() => V.AnalyzerAsync(Points + """
        static class Program
        {
            static void Main(string[] args)
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                var shuffled = torch.utils.data.DataLoader(new Points(), 32, shuffle: true);
                var ordered = torch.utils.data.DataLoader(new Points(), 32, shuffle: false); // a time series: the order matters
                var configured = torch.utils.data.DataLoader(new Points(), 32, args.Length > 0);
                foreach (var loader in new[] { shuffled, ordered, configured })
                {
                    foreach (var batch in loader)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                        optimizer.step();
                    }
                }

                foreach (var batch in shuffled)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                // Evaluation loaders keep their order.
                var validation = torch.utils.data.DataLoader(new Points(), 64);
                using (torch.no_grad())
                {
                    foreach (var batch in validation)
                        Console.WriteLine(functional.mse_loss(model.forward(batch["x"]), batch["y"]).item<float>());
                }

                var unused = torch.utils.data.DataLoader(new Points(), 64);
            }
        }
        """);

    [Fact]
    public Task Fix_adds_shuffle_true() => F.FixAsync(Points + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                var loader = {|NT6003:torch.utils.data.DataLoader(new Points(), 32)|};
                var other = {|NT6003:new DataLoader(new Points(), batchSize: 16, device: CPU)|};
                foreach (var batch in loader)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                foreach (var batch in other)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }
            }
        }
        """, Points + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                var loader = torch.utils.data.DataLoader(new Points(), 32, shuffle: true);
                var other = new DataLoader(new Points(), batchSize: 16, device: CPU, shuffle: true);
                foreach (var batch in loader)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }

                foreach (var batch in other)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(batch["x"]), batch["y"]).backward();
                    optimizer.step();
                }
            }
        }
        """);
}
