using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.StepBeforeBackwardAnalyzer, NetTricks.CodeFixes.ReorderStepAfterBackwardCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.StepBeforeBackwardAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3003StepBeforeBackwardTests
{
    [Fact]
    public Task Step_before_backward_and_a_never_stepped_optimizer_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    {|NT3003:optimizer.step()|};
                    loss.backward();
                }

                var other = Sequential(Linear(4, 1));
                var otherOptimizer = torch.optim.SGD(other.parameters(), 0.1);
                for (var i = 0; i < 10; i++)
                {
                    otherOptimizer.zero_grad();
                    {|NT3003:functional.mse_loss(other.forward(randn(8, 4)), randn(8, 1)).backward()|};
                }
            }
        }
        """);

    [Fact]
    public Task Accumulation_manual_updates_and_saliency_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    for (var micro = 0; micro < 4; micro++)
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    optimizer.zero_grad();
                }

                for (var i = 0; i < 16; i++)
                {
                    if (i % 4 == 0) { optimizer.step(); optimizer.zero_grad(); }
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                }

                var w = randn(4, 1, requires_grad: true);
                for (var i = 0; i < 10; i++)
                {
                    randn(8, 4).matmul(w).pow(2).mean().backward();
                    using (no_grad()) { w.sub_(w.grad * 0.1); w.grad.zero_(); }
                }

                var x = randn(1, 4, requires_grad: true);
                var frozen = Sequential(Linear(4, 1));
                for (var i = 0; i < 3; i++)
                    frozen.forward(x).sum().backward();
            }
        }
        """);

    [Fact]
    public Task Fix_moves_step_after_backward() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    {|NT3003:optimizer.step()|};
                    loss.backward();
                }
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task An_optimizer_handed_to_other_code_may_be_stepped_there() => V.AnalyzerAsync(Sources.Usings + """
        static class Stepper
        {
            public static void Apply(torch.optim.Optimizer optimizer) => optimizer.step();
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    Stepper.Apply(optimizer);
                }
            }
        }
        """);
}
