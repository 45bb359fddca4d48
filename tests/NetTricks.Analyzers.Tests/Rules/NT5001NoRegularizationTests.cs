using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoRegularizationAnalyzer, NetTricks.CodeFixes.AddWeightDecayCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.NoRegularizationAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5001NoRegularizationTests
{
    // 20*512+512 + 512*256+256 + 256*10+10 = 144,138 parameters.
    private const string BigNet = """
        public sealed class BigNet : Module<Tensor, Tensor>
        {
            private readonly Linear fc1 = Linear(20, 512);
            private readonly Linear fc2 = Linear(512, 256);
            private readonly Linear fc3 = Linear(256, 10);
            public BigNet() : base(nameof(BigNet)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc3.forward(fc2.forward(fc1.forward(x).relu()).relu());
        }

        """;

    [Fact]
    public Task Large_model_with_Adam_and_no_regularization_fires() => V.AnalyzerAsync(Sources.Usings + BigNet, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = new BigNet();
                var optimizer = {|NT5001:torch.optim.Adam(model.parameters(), lr: 1e-3)|};
                var sgd = {|NT5001:torch.optim.SGD(model.parameters(), 0.1, weight_decay: 0)|};
            }
        }
        """);

    [Fact]
    public Task Large_Sequential_with_explicit_zero_weight_decay_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(("embed", Embedding(10000, 64)), ("fc", Linear(64, 2)));
                var optimizer = {|NT5001:torch.optim.AdamW(model.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.0)|};
            }
        }
        """);

    [Fact]
    public Task Regularized_or_small_models_do_not_fire() => V.AnalyzerAsync(Sources.Usings + BigNet + """
        static class Program
        {
            static void Main()
            {
                var model = new BigNet();
                var withDecay = torch.optim.Adam(model.parameters(), weight_decay: 1e-4);
                var withDropout = Sequential(Linear(20, 512), ReLU(), Dropout(0.5), Linear(512, 512));
                var a = torch.optim.Adam(withDropout.parameters());
                var withNorm = Sequential(Linear(20, 512), BatchNorm1d(512), Linear(512, 512));
                var b = torch.optim.Adam(withNorm.parameters());
                var small = Sequential(Linear(20, 64), ReLU(), Linear(64, 1));
                var c = torch.optim.Adam(small.parameters());
                var sized = Sequential(Linear(20, Environment.ProcessorCount), Linear(Environment.ProcessorCount, 1));
                var d = torch.optim.Adam(sized.parameters());
            }
        }
        """);

    [Fact]
    public Task Early_stopping_in_the_training_loop_does_not_fire() => V.AnalyzerAsync(Sources.Usings + BigNet + """
        static class Program
        {
            static void Main()
            {
                var model = new BigNet();
                var optimizer = torch.optim.Adam(model.parameters());
                var best = double.MaxValue;
                var patience = 0;
                for (var epoch = 0; epoch < 100; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = functional.cross_entropy(model.forward(randn(8, 20)), zeros(8, dtype: int64));
                    loss.backward();
                    optimizer.step();
                    var validation = loss.item<float>();
                    if (validation < best) { best = validation; patience = 0; }
                    else if (++patience > 5) break;
                }
            }
        }
        """);

    [Fact]
    public Task Fix_adds_weight_decay_or_replaces_an_explicit_zero() => F.FixAsync(Sources.Usings + BigNet + """
        static class Program
        {
            static void Main()
            {
                var model = new BigNet();
                var adam = {|NT5001:torch.optim.Adam(model.parameters(), lr: 1e-3)|};
                var sgd = {|NT5001:torch.optim.SGD(model.parameters(), 0.1, 0.9, 0, 0)|};
            }
        }
        """, Sources.Usings + BigNet + """
        static class Program
        {
            static void Main()
            {
                var model = new BigNet();
                var adam = torch.optim.Adam(model.parameters(), lr: 1e-3, weight_decay: 1e-4);
                var sgd = torch.optim.SGD(model.parameters(), 0.1, 0.9, 0, 1e-4);
            }
        }
        """);
}
