using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.RecurrentModelWithoutClippingAnalyzer, NetTricks.CodeFixes.InsertGradientClippingCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.RecurrentModelWithoutClippingAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4002RecurrentModelWithoutClippingTests
{
    private const string SequenceModel = """
        public sealed class SequenceRegressor : Module<Tensor, Tensor>
        {
            private readonly GRU gru;
            private readonly Linear head;

            public SequenceRegressor(int hidden) : base(nameof(SequenceRegressor))
            {
                gru = GRU(3, hidden, batchFirst: true);
                head = Linear(hidden, 1);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                var (output, _) = gru.forward(x);
                return head.forward(output.select(1, -1));
            }
        }

        """;

    [Fact]
    public Task Recurrent_model_in_another_file_trained_without_clipping_fires() => V.AnalyzerAsync(Sources.Usings + SequenceModel, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = new SequenceRegressor(16);
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    optimizer.zero_grad();
                    var prediction = model.forward(randn(4, 7, 3));
                    var loss = functional.mse_loss(prediction, randn(4, 1));
                    {|NT4002:loss.backward()|};
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task LSTM_inside_a_Sequential_like_stack_and_a_helper_step_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Tagger : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> head = Sequential(Linear(16, 2));
            private readonly LSTMCell cell = LSTMCell(8, 16);
            public Tagger() : base("tagger") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var (h, _) = cell.forward(x, null);
                return head.forward(h);
            }
        }

        sealed class Trainer
        {
            private readonly Tagger tagger = new();
            private readonly torch.optim.Optimizer optimizer;
            public Trainer() => optimizer = torch.optim.Adam(tagger.parameters());

            private void TrainStep(Tensor x, Tensor y)
            {
                optimizer.zero_grad();
                {|NT4002:functional.cross_entropy(tagger.call(x), y).backward()|};
                optimizer.step();
            }

            public void Fit()
            {
                for (var i = 0; i < 10; i++)
                    TrainStep(randn(4, 8), zeros(4, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Clipping_anywhere_in_the_step_and_feed_forward_models_do_not_fire() => V.AnalyzerAsync(withRuntime: true, Sources.Usings + SequenceModel + """
        static class Program
        {
            static void ClipAll(Module model) => torch.nn.utils.clip_grad_value_(model.parameters(), 1.0);

            static void Main()
            {
                var model = new SequenceRegressor(16);
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(4, 7, 3)), randn(4, 1)).backward();
                    ClipAll(model);
                    optimizer.step();
                }

                for (var epoch = 0; epoch < 5; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(4, 7, 3)), randn(4, 1)).backward();
                    NetTricks.CheckedClipping.ClipGradNorm(model.parameters(), 1.0);
                    optimizer.step();
                }

                var mlp = Sequential(Linear(3, 1));
                var mlpOptimizer = torch.optim.Adam(mlp.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    mlpOptimizer.zero_grad();
                    functional.mse_loss(mlp.forward(randn(4, 3)), randn(4, 1)).backward();
                    mlpOptimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_inserts_clip_grad_norm_after_backward() => F.FixAsync(Sources.Usings + SequenceModel + """
        static class Program
        {
            static void Main()
            {
                var model = new SequenceRegressor(16);
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(randn(4, 7, 3)), randn(4, 1));
                    {|NT4002:loss.backward()|};
                    optimizer.step();
                }
            }
        }
        """, Sources.Usings + SequenceModel + """
        static class Program
        {
            static void Main()
            {
                var model = new SequenceRegressor(16);
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 5; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(randn(4, 7, 3)), randn(4, 1));
                    loss.backward();
                    nn.utils.clip_grad_norm_(model.parameters(), max_norm: 1.0);
                    optimizer.step();
                }
            }
        }
        """);
}
