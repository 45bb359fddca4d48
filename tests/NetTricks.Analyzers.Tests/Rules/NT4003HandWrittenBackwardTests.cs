using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.HandWrittenBackwardWithoutGradientCheckAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4003HandWrittenBackwardTests
{
    private const string Cube = """
        sealed class CLASS : torch.autograd.SingleTensorFunction<CLASS>
        {
            public override string Name => "CLASS";
            public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
            {
                var x = (Tensor)vars[0];
                ctx.save_for_backward(new List<Tensor> { x });
                return x.pow(3);
            }
            public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
            {
                var x = ctx.get_saved_variables()[0];
                return new List<Tensor> { grad * 3 * x.pow(2) };
            }
        }

        """;

    [Fact]
    public Task Custom_autograd_function_without_a_check_fires() =>
        V.AnalyzerAsync(withRuntime: true, Sources.Usings + Cube.Replace("sealed class CLASS :", "sealed class {|NT4003:Cube|} :").Replace("CLASS", "Cube"));

    [Fact]
    public Task Checked_or_attributed_functions_do_not_fire() => V.AnalyzerAsync(withRuntime: true,
        Sources.Usings + Cube.Replace("CLASS", "Checked") + Cube.Replace("sealed class", "[NetTricks.GradientChecked(\"tests\")] sealed class").Replace("CLASS", "Marked") + """
        static class GradientTests
        {
            static void Check() => NetTricks.GradientChecker.CheckAutogradFunction<Checked>(randn(3, dtype: float64, requires_grad: true));
        }
        """);
}
