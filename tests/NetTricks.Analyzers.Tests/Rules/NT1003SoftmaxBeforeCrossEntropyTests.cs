using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxBeforeCrossEntropyAnalyzer, NetTricks.CodeFixes.RemoveFinalActivationCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxBeforeCrossEntropyAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1003SoftmaxBeforeCrossEntropyTests
{
    [Fact]
    public Task Sequential_with_named_Softmax_element_and_criterion_forward_fires() => V.AnalyzerAsync(Sources.Usings + """
        class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
                var criterion = CrossEntropyLoss();
                var x = randn(8, 10);
                var y = randint(0, 3, new long[] { 8 });
                var loss = {|NT1003:criterion.forward(model.forward(x), y)|};
            }
        }
        """);

    [Fact]
    public Task Sequential_of_modules_with_criterion_call_and_fully_qualified_names_fires() => V.AnalyzerAsync("""
        using TorchSharp;
        class Program
        {
            static void Main()
            {
                var model = torch.nn.Sequential(torch.nn.Linear(10, 3), torch.nn.Softmax(1), torch.nn.Dropout(0.1));
                var criterion = torch.nn.CrossEntropyLoss();
                var output = model.call(torch.randn(8, 10));
                var loss = {|NT1003:criterion.call(output, torch.zeros(8, dtype: torch.int64))|};
            }
        }
        """);

    [Fact]
    public Task Custom_module_in_another_file_trained_by_another_class_fires() => V.AnalyzerAsync(
        Sources.SoftmaxClassifierFile,
        Sources.Usings + """
        public sealed class Trainer
        {
            private readonly Module<Tensor, Tensor> model;
            private readonly Loss<Tensor, Tensor, Tensor> criterion = CrossEntropyLoss();
            private readonly torch.optim.Optimizer optimizer;

            public Trainer(Module<Tensor, Tensor> model)
            {
                this.model = model;
                optimizer = torch.optim.Adam(model.parameters());
            }

            public float Step(Tensor x, Tensor y)
            {
                optimizer.zero_grad();
                var logits = model.forward(x);
                var loss = {|NT1003:criterion.forward(logits, y)|};
                loss.backward();
                optimizer.step();
                return loss.item<float>();
            }
        }

        public static class Program
        {
            public static void Main() => new Trainer(new SoftmaxClassifier()).Step(randn(4, 10), zeros(4, dtype: int64));
        }
        """);

    [Fact]
    public Task Functional_softmax_in_forward_and_functional_cross_entropy_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => torch.nn.functional.softmax(fc.forward(x), 1);
        }

        static class Program
        {
            static Tensor Predict(Net net, Tensor batch) => net.forward(batch);

            static void Main()
            {
                var net = new Net();
                var loss = {|NT1003:torch.nn.functional.cross_entropy(Predict(net, randn(2, 10)), zeros(2, dtype: int64))|};
            }
        }
        """);

    [Fact]
    public Task Softmax_module_field_called_in_forward_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc;
            private readonly Softmax softmax;
            public Net() : base("net")
            {
                fc = Linear(10, 3);
                softmax = Softmax(dim: 1);
                RegisterComponents();
            }
            public override Tensor forward(Tensor x)
            {
                var logits = fc.forward(x);
                return softmax.forward(logits);
            }
        }

        static class Program
        {
            static void Main()
            {
                Module<Tensor, Tensor> model = new Net();
                var criterion = CrossEntropyLoss();
                var loss = {|NT1003:criterion.forward(model.forward(randn(2, 10)), zeros(2, dtype: int64))|};
            }
        }
        """);

    [Fact]
    public Task LogSoftmax_before_cross_entropy_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3), LogSoftmax(1));
                var loss = CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64));
                var loss2 = functional.cross_entropy(functional.log_softmax(randn(2, 3), 1), zeros(2, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Softmax_used_only_for_reporting_probabilities_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(10, 3));
                var logits = model.forward(randn(2, 10));
                var probabilities = logits.softmax(1);
                Console.WriteLine(probabilities.max().item<float>());
                var loss = CrossEntropyLoss().forward(logits, zeros(2, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Branches_that_disagree_on_the_last_op_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => training ? fc.forward(x) : fc.forward(x).softmax(1);
        }

        static class Program
        {
            static void Main()
            {
                var loss = CrossEntropyLoss().forward(new Net().forward(randn(2, 10)), zeros(2, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Model_from_an_unknown_library_method_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = (Module<Tensor, Tensor>)Activator.CreateInstance(typeof(object))!;
                var loss = CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_Softmax_element_of_Sequential() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
                var loss = {|NT1003:CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64))|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(("fc", Linear(10, 3)));
                var loss = CrossEntropyLoss().forward(model.forward(randn(2, 10)), zeros(2, dtype: int64));
            }
        }
        """);

    [Fact]
    public Task Fix_removes_fluent_softmax_in_forward_and_FixAll_handles_two_losses() => F.FixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x).softmax(1);
        }

        sealed class Other : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Other() : base("other") => RegisterComponents();
            public override Tensor forward(Tensor x) => functional.softmax(fc.forward(x), 1);
        }

        static class Program
        {
            static void Main()
            {
                var y = zeros(2, dtype: int64);
                var a = {|NT1003:CrossEntropyLoss().forward(new Net().forward(randn(2, 10)), y)|};
                var b = {|NT1003:functional.cross_entropy(new Other().call(randn(2, 10)), y)|};
            }
        }
        """, Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        sealed class Other : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(10, 3);
            public Other() : base("other") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        static class Program
        {
            static void Main()
            {
                var y = zeros(2, dtype: int64);
                var a = CrossEntropyLoss().forward(new Net().forward(randn(2, 10)), y);
                var b = functional.cross_entropy(new Other().call(randn(2, 10)), y);
            }
        }
        """);

    private static readonly string LogitsClassifierFile = Sources.SoftmaxClassifierFile.Replace("return x.softmax(1);", "return x;");

    [Fact]
    public Task Fix_removes_the_softmax_in_the_model_file_when_the_loss_is_in_another_file() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main()
                    {
                        var loss = {|NT1003:CrossEntropyLoss().forward(new SoftmaxClassifier().forward(randn(2, 10)), zeros(2, dtype: int64))|};
                    }
                }
                """),
        },
        new[]
        {
            ("Model.cs", LogitsClassifierFile),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main()
                    {
                        var loss = CrossEntropyLoss().forward(new SoftmaxClassifier().forward(randn(2, 10)), zeros(2, dtype: int64));
                    }
                }
                """),
        });

    [Fact]
    public Task Fix_All_edits_a_softmax_shared_by_losses_in_two_files_once() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => {|NT1003:CrossEntropyLoss().forward(model.forward(x), y)|};
                }
                """),
            ("Validation.cs", Sources.Usings + """
                static class Validation
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => {|NT1003:functional.cross_entropy(model.forward(x), y)|};
                }
                """),
        },
        new[]
        {
            ("Model.cs", LogitsClassifierFile),
            ("Training.cs", Sources.Usings + """
                static class Training
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => CrossEntropyLoss().forward(model.forward(x), y);
                }
                """),
            ("Validation.cs", Sources.Usings + """
                static class Validation
                {
                    public static Tensor Loss(SoftmaxClassifier model, Tensor x, Tensor y) => functional.cross_entropy(model.forward(x), y);
                }
                """),
        });

    [Fact]
    public Task Fix_All_removes_softmaxes_of_two_models_in_two_files_for_losses_in_a_third() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.SoftmaxClassifierFile),
            ("Head.cs", Sources.Usings + """
                public static class Head
                {
                    public static Module<Tensor, Tensor> Create() => Sequential(("fc", Linear(10, 3)), ("softmax", Softmax(1)));
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main()
                    {
                        var y = zeros(2, dtype: int64);
                        var a = {|NT1003:CrossEntropyLoss().forward(new SoftmaxClassifier().forward(randn(2, 10)), y)|};
                        var b = {|NT1003:CrossEntropyLoss().forward(Head.Create().forward(randn(2, 10)), y)|};
                    }
                }
                """),
        },
        new[]
        {
            ("Model.cs", LogitsClassifierFile),
            ("Head.cs", Sources.Usings + """
                public static class Head
                {
                    public static Module<Tensor, Tensor> Create() => Sequential(("fc", Linear(10, 3)));
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main()
                    {
                        var y = zeros(2, dtype: int64);
                        var a = CrossEntropyLoss().forward(new SoftmaxClassifier().forward(randn(2, 10)), y);
                        var b = CrossEntropyLoss().forward(Head.Create().forward(randn(2, 10)), y);
                    }
                }
                """),
        });
}
