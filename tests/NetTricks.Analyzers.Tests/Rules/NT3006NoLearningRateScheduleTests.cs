using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoLearningRateScheduleAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3006NoLearningRateScheduleTests
{
    private const string Loop = """
                for (var epoch = 0; epoch < 30; epoch++)
                {
                    for (var batch = 0; batch < 10; batch++)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                        optimizer.step();
                    }
                    EXTRA
                }
        """;

    [Fact]
    public Task Multi_epoch_SGD_with_a_constant_rate_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = {|NT3006:torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9)|};
        """ + Loop.Replace("EXTRA", "") + """
            }
        }
        """);

    [Fact]
    public Task A_scheduler_adaptive_optimizers_or_a_single_loop_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10);
        """ + Loop.Replace("EXTRA", "scheduler.step();") + """
            }

            static void Adaptive()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
        """ + Loop.Replace("EXTRA", "") + """
            }

            static void SingleLoop()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                for (var i = 0; i < 100; i++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }
            }
        }
        """);
}
