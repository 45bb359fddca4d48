using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoGradNotScopedAnalyzer, NetTricks.CodeFixes.ScopeNoGradCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoGradNotScopedAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT8004NoGradNotScopedTests
{
    private const string Training = """
        static class Trainer
        {
            public static void Train(Sequential model) => functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
        }

        """;

    [Fact]
    public Task Discarded_guards_fire() => V.AnalyzerAsync(Sources.Usings + Training + """
        static class Program
        {
            static void Evaluate(Sequential model)
            {
                {|NT8004:torch.no_grad()|};
                {|NT8004:torch.inference_mode()|};
                {|NT8004:torch.set_grad_enabled(false)|};
                {|NT8004:torch.enable_grad(false)|};
                model.forward(randn(8, 4));
            }
        }
        """);

    [Fact]
    public Task Discarded_guards_outside_a_block_fire() => V.AnalyzerAsync(Sources.Usings + Training + """
        static class Program
        {
            static void Evaluate(Sequential model, bool frozen)
            {
                if (frozen)
                    {|NT8004:torch.no_grad()|};
                switch (frozen)
                {
                    case true:
                        {|NT8004:torch.inference_mode()|};
                        break;
                }

                model.forward(randn(8, 4));
            }
        }
        """);

    [Fact]
    public Task Scoped_guards_and_inference_only_programs_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                torch.set_grad_enabled(false);   // inference-only program: deliberate, nothing trains
                using (torch.no_grad())
                    model.forward(randn(8, 4));
                using var guard = torch.inference_mode();
                torch.set_grad_enabled(true);
            }
        }
        """);

    [Fact]
    public Task Fix_keeps_the_guard_until_the_end_of_the_block() => F.FixAsync(Sources.Usings + Training + """
        static class Program
        {
            static void Evaluate(Sequential model)
            {
                {|NT8004:torch.no_grad()|};
                model.forward(randn(8, 4));
            }
        }
        """, Sources.Usings + Training + """
        static class Program
        {
            static void Evaluate(Sequential model)
            {
                using var gradientMode = torch.no_grad();
                model.forward(randn(8, 4));
            }
        }
        """);
}
