using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NllLossOnProbabilitiesAnalyzer, NetTricks.CodeFixes.UseLogSoftmaxCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NllLossOnProbabilitiesAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1004NllLossOnProbabilitiesTests
{
    [Fact]
    public Task NLLLoss_on_a_softmax_model_in_another_file_fires() => V.AnalyzerAsync(Sources.SoftmaxClassifierFile, Sources.Usings + """
        static class Program
        {
            static readonly NLLLoss Criterion = NLLLoss();

            static void Main()
            {
                var model = new SoftmaxClassifier();
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    var output = model.call(randn(4, 10));
                    var loss = {|NT1004:Criterion.forward(output, zeros(4, dtype: int64))|};
                }
            }
        }
        """);

    [Fact]
    public Task Functional_nll_loss_on_torch_softmax_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = Linear(10, 3).forward(randn(4, 10));
                var loss = {|NT1004:functional.nll_loss(torch.softmax(logits, 1), zeros(4, dtype: int64))|};
            }
        }
        """);

    [Fact]
    public Task LogSoftmax_input_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3), LogSoftmax(1));
                var a = NLLLoss().forward(model.forward(randn(4, 10)), zeros(4, dtype: int64));
                var b = functional.nll_loss(Linear(10, 3).forward(randn(4, 10)).log_softmax(1), zeros(4, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Fix_turns_softmax_into_log_softmax_in_every_spelling() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var y = zeros(4, dtype: int64);
                var model = Sequential(("fc", Linear(10, 3)), ("probs", Softmax(1)));
                var a = {|NT1004:NLLLoss().forward(model.forward(randn(4, 10)), y)|};
                var b = {|NT1004:functional.nll_loss(Linear(10, 3).forward(randn(4, 10)).softmax(1), y)|};
                var c = {|NT1004:functional.nll_loss(functional.softmax(randn(4, 3), 1), y)|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var y = zeros(4, dtype: int64);
                var model = Sequential(("fc", Linear(10, 3)), ("probs", LogSoftmax(1)));
                var a = NLLLoss().forward(model.forward(randn(4, 10)), y);
                var b = functional.nll_loss(Linear(10, 3).forward(randn(4, 10)).log_softmax(1), y);
                var c = functional.nll_loss(functional.log_softmax(randn(4, 3), 1), y);
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_for_a_typed_Softmax_field() => F.NoFixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            private readonly Softmax softmax = Softmax(1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => softmax.forward(fc.forward(x));
        }

        static class Program
        {
            static void Main() => {|NT1004:NLLLoss().forward(new Net().forward(randn(4, 10)), zeros(4, dtype: int64))|};
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_for_a_Softmax_element_passed_as_a_variable() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var probabilities = Softmax(1);
                var model = Sequential(Linear(10, 3), probabilities);
                var loss = {|NT1004:NLLLoss().forward(model.forward(randn(4, 10)), zeros(4, dtype: int64))|};
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_for_torch_softmax_which_has_no_log_softmax_twin() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = Linear(10, 3).forward(randn(4, 10));
                var loss = {|NT1004:functional.nll_loss(torch.softmax(logits, 1), zeros(4, dtype: int64))|};
            }
        }
        """);

    [Fact]
    public Task Fix_renames_the_softmax_in_the_model_file_once_for_losses_in_two_files() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => {|NT1004:NLLLoss().forward(model.forward(x), y)|};
                }
                """),
            ("Validation.cs", Sources.Usings + """
                static class Validation
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => {|NT1004:functional.nll_loss(model.forward(x), y)|};
                }
                """),
        },
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile.Replace("return x.softmax(1);", "return x.log_softmax(1);")),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => NLLLoss().forward(model.forward(x), y);
                }
                """),
            ("Validation.cs", Sources.Usings + """
                static class Validation
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => functional.nll_loss(model.forward(x), y);
                }
                """),
        });
}
