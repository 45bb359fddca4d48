using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SigmoidBeforeBceAnalyzer, NetTricks.CodeFixes.UseLossOnLogitsCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SigmoidBeforeBceAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1005SigmoidBeforeBceTests
{
    [Fact]
    public Task BCELoss_on_a_sigmoid_output_fires_in_module_and_functional_forms() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Detector : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(8, 1);
            public Detector() : base("detector") => RegisterComponents();
            public override Tensor forward(Tensor x) => torch.sigmoid(fc.forward(x));
        }

        static class Program
        {
            static void Main()
            {
                var y = rand(4, 1).round();
                var a = {|NT1005:BCELoss().forward(new Detector().forward(randn(4, 8)), y)|};
                var b = {|NT1005:functional.binary_cross_entropy(Sequential(Linear(8, 1), Sigmoid()).call(randn(4, 8)), y)|};
            }
        }
        """);

    [Fact]
    public Task BCEWithLogitsLoss_and_BCE_on_other_outputs_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var y = rand(4, 1).round();
                var a = BCEWithLogitsLoss().forward(Sequential(Linear(8, 1)).forward(randn(4, 8)), y);
                var b = BCELoss().forward(Sequential(Linear(8, 1), Softmax(1)).forward(randn(4, 8)), y);
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_sigmoid_and_uses_binary_cross_entropy_with_logits() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(8, 1), Sigmoid());
                var loss = {|NT1005:BCELoss().forward(model.forward(randn(4, 8)), rand(4, 1).round())|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(8, 1));
                var loss = functional.binary_cross_entropy_with_logits(model.forward(randn(4, 8)), rand(4, 1).round());
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_when_the_criterion_has_settings_it_would_drop() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(8, 1), Sigmoid());
                var weighted = BCELoss(weight: ones(1) * 2);
                var loss = {|NT1005:weighted.forward(model.forward(randn(4, 8)), rand(4, 1).round())|};
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_sigmoid_in_the_model_file_and_rewrites_the_loss_in_its_own() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public static class Models
                {
                    public static Module<Tensor, Tensor> Detector() => Sequential(("fc", Linear(8, 1)), ("sigmoid", Sigmoid()));
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main() => {|NT1005:BCELoss().forward(Models.Detector().forward(randn(4, 8)), rand(4, 1).round())|};
                }
                """),
        },
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public static class Models
                {
                    public static Module<Tensor, Tensor> Detector() => Sequential(("fc", Linear(8, 1)));
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main() => functional.binary_cross_entropy_with_logits(Models.Detector().forward(randn(4, 8)), rand(4, 1).round());
                }
                """),
        });
}
