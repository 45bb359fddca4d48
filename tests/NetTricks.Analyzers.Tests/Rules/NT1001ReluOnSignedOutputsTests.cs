using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ReluOnSignedOutputsAnalyzer, NetTricks.CodeFixes.RemoveFinalActivationCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ReluOnSignedOutputsAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1001ReluOnSignedOutputsTests
{
    private const string Regressor = """
        public sealed class Regressor : Module<Tensor, Tensor>
        {
            private readonly Sequential layers = Sequential(("fc1", Linear(4, 16)), ("act", ReLU()), ("fc2", Linear(16, 1)), ("out", ReLU()));
            public Regressor() : base(nameof(Regressor)) => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }

        """;

    [Fact]
    public Task Final_ReLU_with_standardised_targets_fires() => V.AnalyzerAsync(Sources.Usings + Regressor + """
        static class Program
        {
            static void Main()
            {
                var y = rand(100, 1) * 10;
                var yStd = (y - y.mean()) / y.std();
                var model = new Regressor();
                var loss = {|NT1001:MSELoss().forward(model.forward(randn(100, 4)), yStd)|};
            }
        }
        """);

    [Fact]
    public Task Final_ReLU_with_randn_targets_across_files_and_a_helper_fires() => V.AnalyzerAsync(
        Sources.Usings + Regressor,
        Sources.Usings + """
        sealed class Trainer
        {
            private readonly Regressor model = new();
            private Tensor Predict(Tensor x) => model.forward(x);
            public Tensor Loss(Tensor x, Tensor y) => {|NT1001:functional.mse_loss(Predict(x), y)|};
        }

        static class Program
        {
            static void Main() => new Trainer().Loss(randn(10, 4), randn(10, 1));
        }
        """);

    [Fact]
    public Task Final_Sigmoid_with_targets_above_one_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1), Sigmoid());
                var targets = tensor(new float[] { 0.5f, 3f });
                var loss = {|NT1001:L1Loss().forward(model.forward(randn(2, 4)), targets)|};
            }
        }
        """);

    [Fact]
    public Task Fluent_relu_with_negated_targets_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x).relu();
        }

        static class Program
        {
            static void Main()
            {
                var target = -rand(8, 1);
                var loss = {|NT1001:SmoothL1Loss().call(new Net().forward(randn(8, 4)), target)|};
            }
        }
        """);

    [Fact]
    public Task Targets_inside_the_range_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1), ReLU());
                var criterion = MSELoss();
                var a = criterion.forward(model.forward(randn(8, 4)), randn(8, 1).abs());
                var b = criterion.forward(model.forward(randn(8, 4)), rand(8, 1));
                var c = criterion.forward(model.forward(randn(8, 4)), randn(8, 1).clamp(min: 0));
                var d = criterion.forward(model.forward(randn(8, 4)), ones(8, 1));
                var tanhModel = Sequential(Linear(4, 1), Tanh());
                var e = criterion.forward(tanhModel.forward(randn(8, 4)), rand(8, 1) - 0.5);
            }
        }
        """);

    [Fact]
    public Task Unknown_target_range_is_not_NT1001_but_the_NT1008_reminder() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static Tensor Load() => torch.load("targets.pt");

            static void Main(string[] args)
            {
                var model = Sequential(Linear(4, 1), ReLU());
                var loss = {|NT1008:MSELoss().forward(model.forward(randn(8, 4)), Load())|};
            }
        }
        """);

    [Fact]
    public Task Activation_that_is_not_last_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), ReLU(), Linear(8, 1));
                var loss = MSELoss().forward(model.forward(randn(8, 4)), randn(8, 1));
            }
        }
        """);

    [Fact]
    public Task Sigmoid_over_one_hot_classes_is_left_to_NT1002() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 3), Sigmoid());
                var target = functional.one_hot(zeros(8, dtype: int64), 3).to_type(ScalarType.Float32) * 2 - 1;
                var plain = functional.one_hot(zeros(8, dtype: int64), 3).to_type(ScalarType.Float32);
                var loss = MSELoss().forward(model.forward(randn(8, 4)), plain);
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_final_ReLU_from_Sequential_and_from_a_fluent_chain() => F.FixAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x).relu();
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), ReLU(), Linear(8, 1), ReLU());
                var y = randn(8, 1);
                var a = {|NT1001:MSELoss().forward(model.forward(randn(8, 4)), y)|};
                var b = {|NT1001:MSELoss().forward(new Net().forward(randn(8, 4)), y)|};
            }
        }
        """, Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 8), ReLU(), Linear(8, 1));
                var y = randn(8, 1);
                var a = MSELoss().forward(model.forward(randn(8, 4)), y);
                var b = MSELoss().forward(new Net().forward(randn(8, 4)), y);
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_final_ReLU_in_the_model_file_when_the_loss_is_in_another_file() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public sealed class Net : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(4, 1);
                    public Net() : base("net") => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.forward(x).relu();
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main() => {|NT1001:MSELoss().forward(new Net().forward(randn(8, 4)), randn(8, 1))|};
                }
                """),
        },
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public sealed class Net : Module<Tensor, Tensor>
                {
                    private readonly Linear fc = Linear(4, 1);
                    public Net() : base("net") => RegisterComponents();
                    public override Tensor forward(Tensor x) => fc.forward(x);
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static void Main() => MSELoss().forward(new Net().forward(randn(8, 4)), randn(8, 1));
                }
                """),
        });
}
