using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.VanillaRnnAnalyzer, NetTricks.CodeFixes.UseGruCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.VanillaRnnAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4005VanillaRnnTests
{
    [Fact]
    public Task Vanilla_RNN_and_RNNCell_in_trained_models_fire_gated_ones_do_not() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Tagger : Module<Tensor, Tensor>
        {
            private readonly RNN rnn = {|NT4005:RNN(8, 16)|};
            private readonly Linear head = Linear(16, 3);
            public Tagger() : base("tagger") => RegisterComponents();
            public override Tensor forward(Tensor x) => head.forward(rnn.forward(x, null).Item1);
        }

        sealed class Gated : Module<Tensor, Tensor>
        {
            private readonly GRU gru = GRU(8, 16);
            private readonly LSTM lstm = LSTM(16, 16);
            public Gated() : base("gated") => RegisterComponents();
            public override Tensor forward(Tensor x) => lstm.forward(gru.forward(x, null).Item1, null).Item1;
        }

        static class Program
        {
            static void Main()
            {
                var x = randn(4, 5, 8);
                var y = randn(4, 5, 3);

                // Trained through the loss: the class's layer.
                var tagger = new Tagger();
                var adam = torch.optim.Adam(tagger.parameters());
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    adam.zero_grad();
                    functional.mse_loss(tagger.forward(x), y).backward();
                    adam.step();
                }

                // Trained through a stepped optimizer that holds its parameters.
                var cell = {|NT4005:nn.RNNCell(8, 16)|};
                var sgd = torch.optim.SGD(cell.parameters(), 0.01);
                for (var step = 0; step < 3; step++)
                {
                    sgd.zero_grad();
                    cell.forward(randn(4, 8)).sum().backward();
                    sgd.step();
                }

                var gated = new Gated();
                var opt = torch.optim.Adam(gated.parameters());
                opt.zero_grad();
                functional.mse_loss(gated.forward(x), randn(4, 5, 16)).backward();
                opt.step();
            }
        }
        """);

    [Fact]
    public Task RNNs_never_trained_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Encoder : Module<Tensor, Tensor>
        {
            private readonly RNN rnn = RNN(8, 16);
            public Encoder() : base("encoder") => RegisterComponents();
            public override Tensor forward(Tensor x) => rnn.forward(x, null).Item1;
        }

        static class Program
        {
            static void Main()
            {
                var a = RNN(8, 16);
                var b = nn.RNNCell(8, 16);
                var encoder = new Encoder();
                using (no_grad())
                {
                    var features = encoder.forward(randn(4, 5, 8));
                    Console.WriteLine(features.shape[0]);
                }

                var trained = Sequential(Linear(8, 1));
                var optimizer = torch.optim.Adam(trained.parameters());
                optimizer.zero_grad();
                functional.mse_loss(trained.forward(randn(4, 8)), randn(4, 1)).backward();
                optimizer.step();
            }
        }
        """);

    [Fact]
    public Task Fix_uses_GRU_with_the_declared_type() => F.FixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly RNN rnn = {|NT4005:RNN(8, 16, numLayers: 2)|};
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => rnn.forward(x, null).Item1;
        }

        static class Program
        {
            static void Main()
            {
                var model = new Net();
                var optimizer = torch.optim.Adam(model.parameters());
                optimizer.zero_grad();
                model.forward(randn(4, 5, 8)).sum().backward();
                optimizer.step();
            }
        }
        """, Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly GRU rnn = GRU(8, 16, numLayers: 2);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => rnn.forward(x, null).Item1;
        }

        static class Program
        {
            static void Main()
            {
                var model = new Net();
                var optimizer = torch.optim.Adam(model.parameters());
                optimizer.zero_grad();
                model.forward(randn(4, 5, 8)).sum().backward();
                optimizer.step();
            }
        }
        """);
}
