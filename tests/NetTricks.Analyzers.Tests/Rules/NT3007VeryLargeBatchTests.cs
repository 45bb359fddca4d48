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
                foreach (var (xb, yb) in NetTricks.MiniBatch.Shuffled(x, y, batchSize: {|NT3007:4096|}))
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
}
