using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SigmoidInHiddenLayersAnalyzer, NetTricks.CodeFixes.UseTanhInHiddenLayerCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SigmoidInHiddenLayersAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT2001SigmoidInHiddenLayersTests
{
    [Fact]
    public Task Sigmoid_between_layers_fires_in_Sequential_and_forward() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var hidden = {|NT2001:fc1.forward(x).sigmoid()|};
                return fc2.forward(hidden);
            }
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc1", Linear(4, 8)), ("act", {|NT2001:Sigmoid()|}), ("fc2", Linear(8, 1)));
            }
        }
        """);

    [Fact]
    public Task Output_sigmoids_and_gates_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Gated : Module<Tensor, Tensor>
        {
            private readonly Linear gate = Linear(4, 4);
            private readonly Linear value = Linear(4, 4);
            private readonly Linear head = Linear(4, 1);
            public Gated() : base("gated") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var g = gate.forward(x).sigmoid();
                var h = g * value.forward(x);
                return head.forward(h).sigmoid();
            }
        }

        static class Program
        {
            static void Main()
            {
                var binary = Sequential(Linear(4, 8), ReLU(), Linear(8, 1), Sigmoid());
            }
        }
        """);

    [Fact]
    public Task Fix_uses_tanh() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main() { var model = Sequential(Linear(4, 8), {|NT2001:Sigmoid()|}, Linear(8, 1)); }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main() { var model = Sequential(Linear(4, 8), Tanh(), Linear(8, 1)); }
        }
        """);

    [Fact]
    public Task A_Sigmoid_module_field_called_between_layers_fires_without_a_fix() => F.NoFixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Sigmoid act = Sigmoid();
            private readonly Linear fc2 = Linear(8, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc2.forward({|NT2001:act.forward(fc1.forward(x))|});
        }
        """);
}
