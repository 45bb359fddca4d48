using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.MissingZeroGradAnalyzer, NetTricks.CodeFixes.InsertZeroGradCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.MissingZeroGradAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3002MissingZeroGradTests
{
    [Fact]
    public Task Loop_with_backward_and_step_but_no_zero_grad_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                var (x, y) = (randn(8, 4), randn(8, 1));
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(x), y);
                    {|NT3002:loss.backward()|};
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Step_in_a_helper_of_another_class_and_backward_in_a_helper_fires() => V.AnalyzerAsync(Sources.Usings + """
        public sealed class Updater
        {
            private readonly torch.optim.Optimizer optimizer;
            public Updater(torch.optim.Optimizer optimizer) => this.optimizer = optimizer;
            public void Apply() => optimizer.step();
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Backpropagate(Tensor loss) => {|NT3002:loss.backward()|};

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var updater = new Updater(torch.optim.Adam(model.parameters()));
                foreach (var epoch in new[] { 1, 2, 3 })
                {
                    var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                    Backpropagate(loss);
                    updater.Apply();
                }
            }
        }
        """);

    [Fact]
    public Task Zero_grad_only_in_the_outer_epoch_loop_fires_on_the_batch_loop() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    optimizer.zero_grad();
                    for (var batch = 0; batch < 10; batch++)
                    {
                        var loss = functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1));
                        {|NT3002:loss.backward()|};
                        optimizer.step();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Zero_grad_in_any_accepted_place_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Clear(torch.optim.Optimizer optimizer) => optimizer.zero_grad();

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var i = 0; i < 3; i++)
                {
                    Clear(optimizer);
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }

                for (var i = 0; i < 3; i++)
                {
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    model.zero_grad();
                }

                // Deliberate accumulation: step every 4 iterations, zero_grad after it.
                for (var i = 0; i < 16; i++)
                {
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    if (i % 4 == 3)
                    {
                        optimizer.step();
                        optimizer.zero_grad();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Backward_without_step_in_the_loop_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var x = randn(8, 4, requires_grad: true);
                var model = Sequential(Linear(4, 1));
                for (var i = 0; i < 3; i++)
                {
                    model.forward(x).sum().backward();   // saliency: gradients w.r.t. the input, no training step
                }
            }
        }
        """);

    [Fact]
    public Task Fix_inserts_zero_grad_before_backward() => F.FixAsync(Sources.Usings + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;

            public Trainer() => optimizer = torch.optim.SGD(model.parameters(), 0.1);

            public void Fit(Tensor x, Tensor y, int epochs)
            {
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(x), y);
                    {|NT3002:loss.backward()|};
                    optimizer.step();
                }
            }
        }
        """, Sources.Usings + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;

            public Trainer() => optimizer = torch.optim.SGD(model.parameters(), 0.1);

            public void Fit(Tensor x, Tensor y, int epochs)
            {
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    var loss = functional.mse_loss(model.forward(x), y);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_when_the_optimizer_is_not_in_scope_at_backward() => F.NoFixAsync(Sources.Usings + """
        public sealed class Updater
        {
            private readonly torch.optim.Optimizer optimizer;
            public Updater(torch.optim.Optimizer optimizer) => this.optimizer = optimizer;
            public void Apply() => optimizer.step();
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var updater = new Updater(torch.optim.Adam(model.parameters()));
                for (var i = 0; i < 3; i++)
                {
                    {|NT3002:functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward()|};
                    updater.Apply();
                }
            }
        }
        """);
}
