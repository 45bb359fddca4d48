using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoValidationAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5006NoValidationTests
{
    private const string Net = """
        public sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        """;

    [Fact]
    public Task A_model_that_is_only_ever_trained_fires_once_on_the_outer_loop() => V.AnalyzerAsync(Sources.Usings + Net + """
        static class Program
        {
            static void Main()
            {
                var model = new Net();
                var optimizer = torch.optim.Adam(model.parameters());
                {|NT5006:for|} (var epoch = 0; epoch < 10; epoch++)
                {
                    for (var batch = 0; batch < 5; batch++)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                        optimizer.step();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Evaluation_during_or_after_training_in_any_file_is_accepted() => V.AnalyzerAsync(Sources.Usings + Net, Sources.Usings + """
        static class Metrics
        {
            public static double Evaluate(Net model, Tensor x, Tensor y)
            {
                model.eval();
                using var guard = no_grad();
                return functional.mse_loss(model.forward(x), y).item<float>();
            }
        }

        static class Program
        {
            static void Main()
            {
                var model = new Net();
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }

                Console.WriteLine(Metrics.Evaluate(model, randn(8, 4), randn(8, 1)));
            }
        }
        """);

    [Fact]
    public Task Train_and_evaluate_helpers_that_receive_the_same_model_count_as_validation() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void TrainEpoch(Module<Tensor, Tensor> model, torch.optim.Optimizer optimizer)
            {
                for (var batch = 0; batch < 5; batch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.call(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }
            }

            static double Evaluate(Module<Tensor, Tensor> model)
            {
                model.eval();
                using var guard = no_grad();
                return functional.mse_loss(model.call(randn(8, 4)), randn(8, 1)).item<float>();
            }

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    model.train();
                    TrainEpoch(model, optimizer);
                    Console.WriteLine(Evaluate(model));
                }
            }
        }
        """);
}
