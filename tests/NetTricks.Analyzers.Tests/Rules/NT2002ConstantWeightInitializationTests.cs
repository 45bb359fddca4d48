using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ConstantWeightInitializationAnalyzer, NetTricks.CodeFixes.InitializeForActivationCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ConstantWeightInitializationAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT2002ConstantWeightInitializationTests
{
    private const string Net = """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 8);
            private readonly Linear fc2 = Linear(8, 1);
            private readonly LayerNorm norm = LayerNorm(8);
            public Net() : base("net")
            {
                RegisterComponents();
                INIT
            }
            public override Tensor forward(Tensor x) => fc2.forward(norm.forward(fc1.forward(x).relu()));
        }

        """;

    [Fact]
    public Task Constant_weights_of_trainable_layers_fire() => V.AnalyzerAsync(Sources.Usings + Net.Replace("INIT", """
                {|NT2002:init.zeros_(fc1.weight)|};
                using (no_grad()) {|NT2002:fc2.weight.fill_(0.5)|};
                {|NT2002:init.constant_(fc1.weight, 0.1)|};
        """));

    [Fact]
    public Task Biases_norm_layers_and_residual_branches_do_not_fire() => V.AnalyzerAsync(Sources.Usings + Net.Replace("INIT", """
                init.zeros_(fc1.bias);
                init.ones_(norm.weight);
                init.kaiming_normal_(fc1.weight);
        """) + """
        sealed class Residual : Module<Tensor, Tensor>
        {
            private readonly Linear inner = Linear(8, 8);
            private readonly Linear last = Linear(8, 8);
            public Residual() : base("residual")
            {
                RegisterComponents();
                init.zeros_(last.weight);
            }
            public override Tensor forward(Tensor x) => x + last.forward(inner.forward(x).relu());
        }
        """);

    [Fact]
    public Task Fix_initialises_for_the_following_activation_with_the_runtime() => F.FixAsync(Sources.Usings + Net.Replace("INIT", "{|NT2002:init.zeros_(fc1.weight)|};"),
        Sources.Usings.Replace("using System.Collections.Generic;\n", "using System.Collections.Generic;\nusing NetTricks;\n") + Net.Replace("INIT", "Init.ForActivation(fc1.weight, Activation.ReLU);"),
        withRuntime: true);

    [Fact]
    public Task Fix_is_not_offered_without_the_runtime() => F.NoFixAsync(Sources.Usings + Net.Replace("INIT", "{|NT2002:init.zeros_(fc1.weight)|};"));

    [Fact]
    public Task Copying_a_constant_tensor_into_the_weights_fires_a_random_one_does_not() => V.AnalyzerAsync(Sources.Usings + Net.Replace("INIT", """
                using (no_grad())
                {
                    {|NT2002:fc1.weight.copy_(zeros(8, 4))|};
                    {|NT2002:fc2.weight.copy_(full(1, 8, 0.5f))|};
                    fc1.weight.copy_(randn(8, 4) * 0.1);
                }
        """));

    [Fact]
    public Task Assigning_a_constant_Parameter_to_the_weight_fires() => V.AnalyzerAsync(Sources.Usings + Net.Replace("INIT", """
                {|NT2002:fc1.weight = new Parameter(zeros(8, 4))|};
                fc2.weight = new Parameter(randn(1, 8) * 0.1);
                fc1.bias = new Parameter(zeros(8));
        """));
}
