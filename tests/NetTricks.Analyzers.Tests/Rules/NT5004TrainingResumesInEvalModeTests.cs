using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingResumesInEvalModeAnalyzer, NetTricks.CodeFixes.InsertTrainCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingResumesInEvalModeAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5004TrainingResumesInEvalModeTests
{
    [Fact]
    public Task Eval_in_the_epoch_loop_or_its_validation_helper_without_train_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static double Validate(Sequential model)
            {
                {|NT5004:model.eval()|};
                using var guard = no_grad();
                return model.forward(randn(8, 4)).sum().item<float>();
            }

            static void Main()
            {
                var model = Sequential(Linear(4, 8), Dropout(0.5), Linear(8, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    Validate(model);
                }

                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    {|NT5004:model.train(false)|};
                }
            }
        }
        """);

    [Fact]
    public Task Train_called_in_the_iteration_and_eval_after_training_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), Dropout(0.5), Linear(8, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    model.train();
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    model.eval();
                }

                model.eval();
            }
        }
        """);

    [Fact]
    public Task Fix_calls_train_at_the_start_of_each_epoch() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), Dropout(0.5), Linear(8, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    {|NT5004:model.eval()|};
                }
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), Dropout(0.5), Linear(8, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    model.train();
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    model.eval();
                }
            }
        }
        """);
}
