using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingLoopWithoutDisposeScopeAnalyzer, NetTricks.CodeFixes.AddDisposeScopeCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.TrainingLoopWithoutDisposeScopeAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT8001TrainingLoopWithoutDisposeScopeTests
{
    [Fact]
    public Task Training_loop_without_scope_and_scope_around_all_epochs_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                {|NT8001:for|} (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }

                using (var scope = NewDisposeScope())
                {
                    {|NT8001:while|} (true)
                    {
                        var prediction = model.forward(randn(8, 4));
                        if (prediction.sum().item<float>() > 0) break;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Scope_opened_after_the_forward_pass_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                {|NT8001:foreach|} (var i in new[] { 1, 2, 3 })
                {
                    var output = model.forward(randn(8, 4));
                    using var scope = NewDisposeScope();
                    functional.mse_loss(output, randn(8, 1)).backward();
                }
            }
        }
        """);

    [Fact]
    public Task Per_iteration_scopes_helpers_inner_loops_and_forward_loops_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Unrolled : Module<Tensor, Tensor>
        {
            private readonly GRUCell cell = GRUCell(4, 4);
            public Unrolled() : base("unrolled") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = zeros(x.shape[0], 4);
                for (var t = 0; t < x.shape[1]; t++)
                    h = cell.forward(x.select(1, t), h);
                return h;
            }
        }

        static class Program
        {
            static void Step(Sequential model)
            {
                using var scope = NewDisposeScope();
                functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
            }

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    using var scope = NewDisposeScope();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                }

                for (var epoch = 0; epoch < 3; epoch++)
                    Step(model);

                for (var epoch = 0; epoch < 3; epoch++)
                {
                    for (var batch = 0; batch < 5; batch++)
                    {
                        using (NewDisposeScope())
                            functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    }
                }

                using (var outer = NewDisposeScope())
                {
                    for (var epoch = 0; epoch < 3; epoch++)
                    {
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                        outer.DisposeEverything();
                    }
                }

                var unrolled = new Unrolled();
            }
        }
        """);

    [Fact]
    public Task Fix_opens_a_scope_per_iteration() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                {|NT8001:for|} (var epoch = 0; epoch < 10; epoch++)
                {
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                }
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    using var scope = NewDisposeScope();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_when_tensors_escape_the_iteration() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                Tensor last = zeros(1);
                {|NT8001:for|} (var epoch = 0; epoch < 10; epoch++)
                {
                    last = model.forward(randn(8, 4));
                }
            }
        }
        """);

    [Fact]
    public Task Temporaries_disposed_with_using_do_not_fire_and_a_using_of_something_else_does_not_count() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    using var output = model.forward(randn(8, 4));
                    using var loss = functional.mse_loss(output, randn(8, 1));
                    loss.backward();
                }

                for (var epoch = 0; epoch < 3; epoch++)
                {
                    using (var output = model.forward(randn(8, 4)))
                    {
                        functional.mse_loss(output, randn(8, 1)).backward();
                    }
                }

                {|NT8001:for|} (var epoch = 0; epoch < 3; epoch++)
                {
                    using var log = new System.IO.StringWriter();
                    var output = model.forward(randn(8, 4));
                    functional.mse_loss(output, randn(8, 1)).backward();
                }
            }
        }
        """);
}
