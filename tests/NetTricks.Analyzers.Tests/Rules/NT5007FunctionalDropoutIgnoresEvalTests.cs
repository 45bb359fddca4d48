using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.FunctionalDropoutIgnoresEvalAnalyzer, NetTricks.CodeFixes.PassTrainingFlagCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.FunctionalDropoutIgnoresEvalAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5007FunctionalDropoutIgnoresEvalTests
{
    [Fact]
    public Task Functional_dropout_in_forward_without_the_training_flag_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(8, 8);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                x = {|NT5007:functional.dropout(fc.forward(x), 0.3)|};
                return {|NT5007:torch.nn.functional.dropout2d(x)|};
            }
        }
        """);

    [Fact]
    public Task Training_flag_modules_and_code_outside_forward_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(8, 8);
            private readonly Dropout drop = Dropout(0.3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                x = functional.dropout(fc.forward(x), 0.3, training: training);
                x = functional.dropout(x, 0.3, this.training);
                x = functional.alpha_dropout(x, 0.1);
                return drop.forward(x);
            }
        }

        static class Augment
        {
            public static Tensor Noise(Tensor x) => functional.dropout(x, 0.1);
        }
        """);

    [Fact]
    public Task Fix_passes_the_module_training_flag() => F.FixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => {|NT5007:functional.dropout(x, 0.3)|};
        }
        """, Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => functional.dropout(x, 0.3, training: training);
        }
        """);
}
