using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.MseWithSoftmaxAnalyzer, NetTricks.CodeFixes.UseLossOnLogitsCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.MseWithSoftmaxAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1002MseWithSoftmaxTests
{
    [Fact]
    public Task MSELoss_on_a_softmax_classifier_with_one_hot_targets_fires() => V.AnalyzerAsync(Sources.SoftmaxClassifierFile, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var labels = randint(0, 3, new long[] { 16 });
                var oneHot = functional.one_hot(labels, 3).to_type(ScalarType.Float32);
                var model = new SoftmaxClassifier();
                var criterion = MSELoss();
                var loss = {|NT1002:criterion.forward(model.forward(randn(16, 10)), oneHot)|};
            }
        }
        """);

    [Fact]
    public Task Functional_l1_loss_on_a_softmax_output_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var probabilities = Sequential(Linear(10, 3)).forward(randn(4, 10)).softmax(-1);
                var loss = {|NT1002:functional.l1_loss(probabilities, rand(4, 3))|};
            }
        }
        """);

    [Fact]
    public Task MSE_on_a_sigmoid_over_one_hot_classes_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3), Sigmoid());
                var target = functional.one_hot(zeros(4, dtype: int64), 3).@float();
                var loss = {|NT1002:MSELoss().forward(model.forward(randn(4, 10)), target)|};
            }
        }
        """);

    [Fact]
    public Task Regression_head_and_distillation_with_kl_div_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var regressor = Sequential(Linear(10, 1));
                var a = MSELoss().forward(regressor.forward(randn(4, 10)), randn(4, 1));
                var student = Sequential(Linear(10, 3), LogSoftmax(1));
                var teacher = Sequential(Linear(10, 3), Softmax(1));
                var b = KLDivLoss().forward(student.forward(randn(4, 10)), teacher.forward(randn(4, 10)));
                var sigmoidRegression = Sequential(Linear(10, 1), Sigmoid());
                var c = MSELoss().forward(sigmoidRegression.forward(randn(4, 10)), rand(4, 1));
            }
        }
        """);

    [Fact]
    public Task Fix_uses_cross_entropy_on_the_logits() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
                var criterion = MSELoss();
                var target = functional.one_hot(zeros(4, dtype: int64), 3).to_type(ScalarType.Float32);
                var loss = {|NT1002:criterion.forward(model.forward(randn(4, 10)), target)|};
                var direct = {|NT1002:functional.mse_loss(model.forward(randn(4, 10)).softmax(1), target)|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)));
                var criterion = MSELoss();
                var target = functional.one_hot(zeros(4, dtype: int64), 3).to_type(ScalarType.Float32);
                var loss = functional.cross_entropy(model.forward(randn(4, 10)), target);
                var direct = functional.cross_entropy(model.forward(randn(4, 10)), target);
            }
        }
        """);

    [Fact]
    public Task Fix_is_not_offered_for_a_loss_with_a_reduction_argument() => F.NoFixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var probabilities = Sequential(Linear(10, 3), Softmax(1)).forward(randn(4, 10));
                var loss = {|NT1002:functional.mse_loss(probabilities, rand(4, 3), Reduction.Sum)|};
            }
        }
        """);

    private static readonly string LogitsClassifierFile = Sources.SoftmaxClassifierFile.Replace("return x.softmax(1);", "return x;");

    private const string OneHot = "functional.one_hot(zeros(4, dtype: int64), 3).to_type(ScalarType.Float32)";

    [Fact]
    public Task Fix_edits_the_model_file_and_the_loss_file() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x) => {|NT1002:MSELoss().forward(model.forward(x), ONEHOT)|};
                }
                """.Replace("ONEHOT", OneHot)),
        },
        new[]
        {
            ("Model.cs", LogitsClassifierFile),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x) => functional.cross_entropy(model.forward(x), ONEHOT);
                }
                """.Replace("ONEHOT", OneHot)),
        });
}
