using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.InitializerDoesNotFitActivationAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT2003InitializerDoesNotFitActivationTests
{
    [Fact]
    public Task Mismatched_initializers_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 8);
            private readonly Linear fc3 = Linear(8, 1);
            public Net() : base("net")
            {
                RegisterComponents();
                {|NT2003:init.xavier_uniform_(fc1.weight)|};
                {|NT2003:init.kaiming_normal_(fc2.weight)|};
            }
            public override Tensor forward(Tensor x)
            {
                x = fc1.forward(x);
                x = x.relu();
                return fc3.forward(fc2.forward(x).tanh());
            }
        }
        """);

    [Fact]
    public Task Matching_initializers_and_explicit_gains_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 8);
            private readonly Linear fc3 = Linear(8, 1);
            public Net() : base("net")
            {
                RegisterComponents();
                init.kaiming_uniform_(fc1.weight);
                init.xavier_uniform_(fc2.weight, gain: 1.0);
                init.xavier_uniform_(fc3.weight);
            }
            public override Tensor forward(Tensor x) => fc3.forward(fc2.forward(fc1.forward(x).relu()).tanh());
        }
        """);

    [Fact]
    public Task Sequential_elements_and_tensor_method_unit_normal_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var fc = Linear(4, 8);
                var hidden = Linear(8, 8);
                var head = Linear(8, 1);
                var model = Sequential(("fc", fc), ("relu", ReLU()), ("hidden", hidden), ("tanh", Tanh()), ("head", head));
                {|NT2003:init.xavier_uniform_(fc.weight)|};
                {|NT2003:init.kaiming_normal_(hidden.weight)|};

                var wide = Linear(512, 512);
                var net = Sequential(wide, ReLU(), Linear(512, 10));
                {|NT2003:wide.weight.normal_(0, 1)|};
                var w = wide.weight;
                {|NT2003:w.normal_(0, 1)|};
                {|NT2003:init.normal_(wide.weight, 0, 1)|};
            }
        }
        """);

    [Fact]
    public Task Matching_sequential_elements_scaled_normal_and_ambiguous_layers_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var fc = Linear(4, 8);
                var hidden = Linear(8, 8);
                var head = Linear(8, 1);
                var model = Sequential(fc, ReLU(), hidden, Tanh(), head);
                init.kaiming_uniform_(fc.weight);
                init.xavier_uniform_(hidden.weight);
                init.xavier_uniform_(head.weight);

                var shared = Linear(8, 8);
                var a = Sequential(shared, ReLU());
                var b = Sequential(shared, Tanh());
                init.xavier_uniform_(shared.weight);

                var wide = Linear(512, 512);
                var net = Sequential(wide, ReLU(), Linear(512, 10));
                wide.weight.normal_(0, 0.01);
                wide.bias.normal_(0, 1);
                var narrow = Linear(4, 4);
                narrow.weight.normal_(0, 1);
                var alone = Linear(8, 8);
                init.xavier_uniform_(alone.weight);
            }
        }
        """);
}
