using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.VanillaRnnAnalyzer, NetTricks.CodeFixes.UseGruCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.VanillaRnnAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4005VanillaRnnTests
{
    [Fact]
    public Task Vanilla_RNN_and_RNNCell_fire_gated_ones_do_not() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var a = {|NT4005:RNN(8, 16)|};
                var b = {|NT4005:nn.RNNCell(8, 16)|};
                var c = GRU(8, 16);
                var d = LSTM(8, 16);
            }
        }
        """);

    [Fact]
    public Task Fix_uses_GRU_with_the_declared_type() => F.FixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly RNN rnn = {|NT4005:RNN(8, 16, numLayers: 2)|};
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => rnn.forward(x, null).Item1;
        }
        """, Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly GRU rnn = GRU(8, 16, numLayers: 2);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => rnn.forward(x, null).Item1;
        }
        """);
}
