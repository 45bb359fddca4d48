using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.LossTensorAccumulatedAnalyzer, NetTricks.CodeFixes.DetachAccumulatedLossCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.LossTensorAccumulatedAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT8002LossTensorAccumulatedTests
{
    /// <summary>A program whose Main declares a model, a criterion and two accumulators, then runs the statements.</summary>
    private static string MainWithAccumulators(string statements) => Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var criterion = MSELoss();
                Tensor total = zeros(1);
                var history = new List<Tensor>();

        """ + statements + """

            }
        }
        """;

    [Fact]
    public Task Loss_summed_or_stored_across_iterations_fires() => V.AnalyzerAsync(MainWithAccumulators("""
        for (var epoch = 0; epoch < 10; epoch++)
        {
            var loss = criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
            loss.backward();
            total += {|NT8002:loss|};
            history.Add({|NT8002:loss|});
        }
        """));

    // Only += and Add(...) under a loop statement, adding something other than a literal, are bound and checked:
    // loops inside lambdas and local functions count.
    [Fact]
    public Task Loss_accumulated_in_loops_of_lambdas_and_local_functions_fires() => V.AnalyzerAsync(MainWithAccumulators("""
        Action train = () =>
        {
            var epoch = 0;
            while (epoch++ < 10)
            {
                var loss = criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
                loss.backward();
                total += {|NT8002:loss|};
                total += 1;
            }
        };
        train();
        Epochs();
        for (var epoch = 0; epoch < 10; epoch++)
        {
            Action step = () =>
            {
                var loss = criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
                loss.backward();
                total += {|NT8002:loss|};
            };
            step();
        }

        void Epochs()
        {
            do
            {
                var loss = criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
                loss.backward();
                history.Add({|NT8002:loss|});
            }
            while (history.Count < 10);
        }
        """));

    [Fact]
    public Task Item_detach_per_iteration_sums_and_backpropagated_sums_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var criterion = MSELoss();
                var sum = 0.0;
                Tensor detached = zeros(1);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var loss = criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
                    sum += loss.item<float>();
                    detached += loss.detach();

                    // seq2seq: per-timestep losses of one step, backpropagated once
                    Tensor stepLoss = zeros(1);
                    for (var t = 0; t < 5; t++)
                        stepLoss += criterion.forward(model.forward(randn(8, 4)), randn(8, 1));
                    stepLoss.backward();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_accumulates_a_detached_copy() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                Tensor total = zeros(1);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    total += {|NT8002:loss|};
                }
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                Tensor total = zeros(1);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    total += loss.detach();
                }
            }
        }
        """);

    [Fact]
    public Task Moving_the_loss_to_the_cpu_keeps_its_graph_and_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var history = new List<Tensor>();
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    history.Add({|NT8002:loss.cpu()|});
                }
            }
        }
        """);
}
