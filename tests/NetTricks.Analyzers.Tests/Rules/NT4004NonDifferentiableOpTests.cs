using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NonDifferentiableOpInForwardAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4004NonDifferentiableOpTests
{
    [Fact]
    public Task Rounding_and_detaching_on_the_output_path_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Quantised : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 1);
            public Quantised() : base("q") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = {|NT4004:fc1.forward(x).round()|};
                return fc2.forward(h);
            }
        }

        sealed class Detached : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Detached() : base("d") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward({|NT4004:x.detach()|});
        }
        """);

    [Fact]
    public Task Masks_straight_through_estimators_and_frozen_features_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Masked : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 4);
            private readonly Linear backbone = Linear(4, 4);
            public Masked() : base("m") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var h = fc.forward(x);
                var relu = h * (h > 0);
                var filled = relu.masked_fill(h.lt(-1), 0).where(h.gt(-5), relu);
                var q = filled.round();
                var ste = filled + (q - filled).detach();
                var frozen = backbone.forward(x).detach();
                return ste + frozen;
            }
        }
        """);
}
