using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.DeadReluRiskAnalyzer, NetTricks.CodeFixes.UseLeakyReluCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.DeadReluRiskAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT2004DeadReluRiskTests
{
    [Fact]
    public Task Deep_plain_ReLU_stack_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|};
            }
        }
        """);

    [Fact]
    public Task Shallow_normalised_or_leaky_stacks_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var shallow = Sequential(Linear(4, 64), ReLU(), Linear(64, 1));
                var normalised = Sequential(Linear(4, 64), BatchNorm1d(64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1));
                var leaky = Sequential(Linear(4, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 1));
            }
        }
        """);

    [Fact]
    public Task Fix_uses_LeakyReLU() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main() { var model = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|}; }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main() { var model = Sequential(Linear(4, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 1)); }
        }
        """);

    [Fact]
    public Task Fix_keeps_a_named_inplace_argument_and_leaves_a_positional_one_alone() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main() { var model = {|NT2004:Sequential(Linear(4, 64), ReLU(inplace: true), Linear(64, 64), ReLU(true), Linear(64, 64), ReLU(), Linear(64, 1))|}; }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main() { var model = Sequential(Linear(4, 64), LeakyReLU(inplace: true), Linear(64, 64), ReLU(true), Linear(64, 64), LeakyReLU(), Linear(64, 1)); }
        }
        """);

    [Fact]
    public Task Custom_module_classes_with_a_deep_plain_ReLU_forward_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class {|NT2004:DeepNet|} : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public DeepNet() : base("deep") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                x = fc1.forward(x).relu();
                x = functional.relu(fc2.forward(x));
                x = fc3.forward(x).relu();
                return fc4.forward(x);
            }
        }

        sealed class {|NT2004:ModuleStack|} : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 10);
            private readonly ReLU relu = ReLU();
            public ModuleStack() : base("stack") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(relu.forward(fc3.forward(relu.forward(fc2.forward(relu.forward(fc1.forward(x))))))).log_softmax(1);
        }

        sealed class Wrapper : Module<Tensor, Tensor>
        {
            private readonly Sequential layers = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|};
            public Wrapper() : base("wrapper") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x); // reported once, at the Sequential
        }

        sealed class {|NT2004:Mixed|} : Module<Tensor, Tensor>
        {
            private readonly Sequential trunk = Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU());
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public Mixed() : base("mixed") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(fc3.forward(trunk.forward(x)).relu());
        }

        static class Program
        {
            static void Main()
            {
                // He init of another model does not protect these ones.
                var other = Linear(8, 8);
                init.kaiming_uniform_(other.weight);
                var model = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|};
            }
        }
        """);

    [Fact]
    public Task A_partial_module_class_over_two_files_is_reported_once_at_its_first_declaration() => V.AnalyzerAsync(Sources.Usings + """
        sealed partial class {|NT2004:DeepNet|} : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public DeepNet() : base("deep") => RegisterComponents();
        }
        """, Sources.Usings + """
        sealed partial class DeepNet
        {
            public override Tensor forward(Tensor x)
            {
                x = fc1.forward(x).relu();
                x = functional.relu(fc2.forward(x));
                x = fc3.forward(x).relu();
                return fc4.forward(x);
            }
        }
        """);

    [Fact]
    public Task A_partial_module_class_whose_base_type_is_in_its_second_part_is_still_reported() => V.AnalyzerAsync(Sources.Usings + """
        sealed partial class {|NT2004:DeepNet|}
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public DeepNet() : base("deep") => RegisterComponents();
        }
        """, Sources.Usings + """
        sealed partial class DeepNet : Module<Tensor, Tensor>
        {
            public override Tensor forward(Tensor x)
            {
                x = fc1.forward(x).relu();
                x = functional.relu(fc2.forward(x));
                x = fc3.forward(x).relu();
                return fc4.forward(x);
            }
        }
        """);

    [Fact]
    public Task Models_with_their_own_He_init_checks_norms_or_leaky_units_do_not_fire() => V.AnalyzerAsync(withRuntime: true, "using NetTricks;\n" + Sources.Usings + """
        sealed class HeInitialised : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public HeInitialised() : base("he")
            {
                RegisterComponents();
                init.kaiming_normal_(fc1.weight);
            }
            public override Tensor forward(Tensor x) => fc4.forward(fc3.forward(fc2.forward(fc1.forward(x).relu()).relu()).relu());
        }

        sealed class Normalised : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly LayerNorm norm = LayerNorm(64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public Normalised() : base("norm") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(fc3.forward(fc2.forward(norm.forward(fc1.forward(x)).relu()).relu()).relu());
        }

        sealed class Leaky : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public Leaky() : base("leaky") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(functional.leaky_relu(fc3.forward(functional.leaky_relu(fc2.forward(functional.leaky_relu(fc1.forward(x)))))));
        }

        sealed class Monitored : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public Monitored() : base("checked") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(fc3.forward(fc2.forward(fc1.forward(x).relu()).relu()).relu());
        }

        sealed class Helper : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(4, 64);
            private readonly Linear fc2 = Linear(64, 64);
            private readonly Linear fc3 = Linear(64, 64);
            private readonly Linear fc4 = Linear(64, 1);
            public Helper() : base("helper") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc4.forward(Block(fc3, Block(fc2, Block(fc1, x))));
            private static Tensor Block(Linear layer, Tensor x) => layer.forward(x).relu();
        }

        static class Program
        {
            static void Main()
            {
                var initialised = Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1));
                initialised.InitializeForActivations();
                var first = Linear(4, 64);
                var layered = Sequential(first, ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1));
                NetTricks.Init.ForActivation(first.weight, NetTricks.Activation.ReLU);
                var monitored = Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1)).Checked();
                var wrapped = new Monitored().Checked();
            }
        }
        """);
}
