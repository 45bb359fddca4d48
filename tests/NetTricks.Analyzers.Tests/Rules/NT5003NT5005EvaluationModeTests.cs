using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.EvaluationModeAnalyzer>;
using FEval = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.EvaluationModeAnalyzer, NetTricks.CodeFixes.InsertEvalCodeFix>;
using FNoGrad = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.EvaluationModeAnalyzer, NetTricks.CodeFixes.InsertNoGradCodeFix>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5003NT5005EvaluationModeTests
{
    private const string Classifier = """
        public sealed class Classifier : Module<Tensor, Tensor>
        {
            private readonly Sequential layers = Sequential(Linear(8, 32), ReLU(), Dropout(0.5), Linear(32, 3));
            public Classifier() : base(nameof(Classifier)) => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }

        """;

    [Fact]
    public Task Evaluating_a_dropout_model_without_eval_and_without_no_grad_fires_both() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Metrics
        {
            public static double Accuracy(Classifier model, Tensor x, Tensor y)
            {
                var predicted = {|NT5003:{|NT5005:model.forward(x)|}|}.argmax(1);
                return predicted.eq(y).to_type(ScalarType.Float32).mean().item<float>();
            }
        }
        """);

    [Fact]
    public Task A_method_named_forward_outside_a_module_can_be_an_evaluation_path() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        sealed class Runner
        {
            public Tensor forward(Classifier model, Tensor x)
            {
                using var guard = torch.no_grad();
                return {|NT5003:model.forward(x)|};
            }
        }
        """);

    [Fact]
    public Task Methods_named_like_evaluation_that_run_backward_directly_or_through_helpers_are_not_evaluation_paths() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Adaptation
        {
            public static void TestTimeAdapt(Classifier model, Tensor x, Tensor y)
            {
                var loss = functional.cross_entropy(model.forward(x), y);
                loss.backward();
            }

            public static double ScoreAfterStep(Classifier model, Tensor x, Tensor y)
            {
                var output = model.forward(x);
                Step(output, y);
                return output.argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
            }

            private static void Step(Tensor output, Tensor y) => Backpropagate(functional.cross_entropy(output, y));

            private static void Backpropagate(Tensor loss) => loss.backward();

            public static double Accuracy(Classifier model, Tensor x, Tensor y)
            {
                var predicted = {|NT5003:{|NT5005:model.forward(x)|}|}.argmax(1);
                Log(predicted);
                return predicted.eq(y).to_type(ScalarType.Float32).mean().item<float>();
            }

            private static void Log(Tensor predicted) => Console.WriteLine(predicted.shape[0]);
        }
        """);

    [Fact]
    public Task Eval_here_or_in_every_caller_and_no_grad_around_every_call_are_accepted() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Metrics
        {
            public static double Accuracy(Classifier model, Tensor x, Tensor y)
            {
                model.eval();
                using var guard = torch.no_grad();
                return model.forward(x).argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
            }

            private static Tensor PredictCore(Classifier model, Tensor x) => model.forward(x);

            public static Tensor Predict(Classifier model, Tensor x)
            {
                model.eval();
                using (torch.no_grad())
                    return PredictCore(model, x);
            }

            public static void Train(Classifier model, Tensor x, Tensor y)
            {
                functional.cross_entropy(model.forward(x), y).backward();
            }
        }
        """);

    [Fact]
    public Task A_helper_called_only_under_no_grad_one_or_two_calls_away_is_an_evaluation_path() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Reports
        {
            private static Tensor Logits(Classifier model, Tensor x) => {|NT5003:model.forward(x)|};

            private static Tensor Scores(Classifier model, Tensor x) => Logits(model, x).softmax(1);

            private static Tensor Raw(Classifier model, Tensor x) => {|NT5003:model.forward(x)|};

            public static void Print(Classifier model, Tensor x)
            {
                using var guard = torch.no_grad();
                Console.WriteLine(Scores(model, x));
                Console.WriteLine(Raw(model, x));
            }
        }
        """);

    [Fact]
    public Task Same_named_helpers_in_different_classes_are_told_apart_by_their_callers() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Guarded
        {
            public static Tensor Logits(Classifier model, Tensor x) => {|NT5003:model.forward(x)|};

            public static void Print(Classifier model, Tensor x)
            {
                using var guard = torch.no_grad();
                Console.WriteLine(Logits(model, x));
            }
        }

        static class Unguarded
        {
            public static Tensor Logits(Classifier model, Tensor x) => model.forward(x);

            public static void Train(Classifier model, Tensor x, Tensor y)
            {
                functional.cross_entropy(Logits(model, x), y).backward();
            }
        }
        """);

    [Fact]
    public Task A_no_grad_declaration_earlier_in_an_enclosing_block_of_a_training_method_guards_the_call() => V.AnalyzerAsync(Sources.Usings + Classifier, Sources.Usings + """
        static class Training
        {
            public static void Fit(Classifier model, Tensor x, Tensor y, Tensor xv, Tensor yv)
            {
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.cross_entropy(model.forward(x), y).backward();
                    optimizer.step();
                    if (epoch % 5 == 0)
                    {
                        using var guard = torch.no_grad();
                        Console.WriteLine(epoch);
                        var accuracy = {|NT5003:model.forward(xv)|}.argmax(1).eq(yv).to_type(ScalarType.Float32).mean().item<float>();
                        Console.WriteLine(accuracy);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_calls_eval_before_evaluating() => FEval.FixAsync(Sources.Usings + Classifier + """
        static class Metrics
        {
            public static Tensor Predict(Classifier model, Tensor x)
            {
                using var guard = torch.no_grad();
                var scores = {|NT5003:model.forward(x)|};
                return scores.argmax(1);
            }
        }
        """, Sources.Usings + Classifier + """
        static class Metrics
        {
            public static Tensor Predict(Classifier model, Tensor x)
            {
                using var guard = torch.no_grad();
                model.eval();
                var scores = model.forward(x);
                return scores.argmax(1);
            }
        }
        """);

    [Fact]
    public Task Fix_evaluates_under_no_grad() => FNoGrad.FixAsync(Sources.Usings + """
        static class Metrics
        {
            public static Tensor Predict(Sequential model, Tensor x)
            {
                var scores = {|NT5005:model.forward(x)|};
                return scores.argmax(1);
            }
        }
        """, Sources.Usings + """
        static class Metrics
        {
            public static Tensor Predict(Sequential model, Tensor x)
            {
                using var gradientMode = no_grad();
                var scores = model.forward(x);
                return scores.argmax(1);
            }
        }
        """);

    [Fact]
    public Task Fix_All_inserts_one_guard_per_method() => FNoGrad.FixAsync(Sources.Usings + """
        static class Metrics
        {
            public static Tensor Predict(Sequential model, Tensor x)
            {
                var scores = {|NT5005:model.forward(x)|};
                var again = {|NT5005:model.forward(x)|};
                return (scores + again).argmax(1);
            }

            public static Tensor Scores(Sequential model, Tensor x)
            {
                return {|NT5005:model.forward(x)|};
            }
        }
        """, Sources.Usings + """
        static class Metrics
        {
            public static Tensor Predict(Sequential model, Tensor x)
            {
                using var gradientMode = no_grad();
                var scores = model.forward(x);
                var again = model.forward(x);
                return (scores + again).argmax(1);
            }

            public static Tensor Scores(Sequential model, Tensor x)
            {
                using var gradientMode = no_grad();
                return model.forward(x);
            }
        }
        """);

    [Fact]
    public Task Fix_inside_a_training_loop_also_resumes_train_mode() => FEval.FixAsync(Sources.Usings + Classifier + """
        static class Training
        {
            public static void Fit(Classifier model, Tensor x, Tensor y, Tensor xv, Tensor yv)
            {
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.cross_entropy(model.forward(x), y).backward();
                    optimizer.step();

                    using (torch.no_grad())
                    {
                        var accuracy = {|NT5003:model.forward(xv)|}.argmax(1).eq(yv).to_type(ScalarType.Float32).mean().item<float>();
                        Console.WriteLine(accuracy);
                    }
                }
            }
        }
        """, Sources.Usings + Classifier + """
        static class Training
        {
            public static void Fit(Classifier model, Tensor x, Tensor y, Tensor xv, Tensor yv)
            {
                var optimizer = torch.optim.Adam(model.parameters());
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    functional.cross_entropy(model.forward(x), y).backward();
                    optimizer.step();

                    model.eval();
                    using (torch.no_grad())
                    {
                        var accuracy = model.forward(xv).argmax(1).eq(yv).to_type(ScalarType.Float32).mean().item<float>();
                        Console.WriteLine(accuracy);
                    }
                    model.train();
                }
            }
        }
        """);
}
