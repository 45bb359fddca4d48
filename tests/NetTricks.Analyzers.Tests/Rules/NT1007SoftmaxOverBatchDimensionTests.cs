using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxOverBatchDimensionAnalyzer, NetTricks.CodeFixes.UseClassDimensionCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxOverBatchDimensionAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1007SoftmaxOverBatchDimensionTests
{
    [Fact]
    public Task Softmax_over_dim_0_of_a_model_output_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => {|NT1007:fc.forward(x).softmax(0)|};
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)), ("softmax", {|NT1007:Softmax(0)|}));
                var logits = new Net().forward(randn(4, 10));
                var probabilities = {|NT1007:functional.log_softmax(logits, dim: 0)|};
            }
        }
        """);

    [Fact]
    public Task Class_dimension_and_one_dimensional_tensors_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var scores = randn(5);
                var a = scores.softmax(0);
                var model = Sequential(Linear(10, 3), Softmax(1));
                var b = Linear(10, 3).forward(randn(4, 10)).softmax(-1);
                var first = Sequential(Softmax(0));
            }
        }
        """);

    [Fact]
    public Task Fix_uses_the_class_dimension() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3), {|NT1007:Softmax(0)|});
                var p = {|NT1007:Linear(10, 3).forward(randn(4, 10)).softmax(0)|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3), Softmax(1));
                var p = Linear(10, 3).forward(randn(4, 10)).softmax(1);
            }
        }
        """);
}
