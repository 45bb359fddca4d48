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
}
