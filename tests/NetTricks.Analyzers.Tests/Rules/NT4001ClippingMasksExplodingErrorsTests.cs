using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ClippingMasksExplodingErrorsAnalyzer, NetTricks.CodeFixes.UseCheckedClippingCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ClippingMasksExplodingErrorsAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT4001ClippingMasksExplodingErrorsTests
{
    private const string Loop = """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 16), ReLU(), Linear(16, 1));
                var optimizer = torch.optim.Adam(model.parameters());
                for (var step = 0; step < 10; step++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    CLIP;
                    optimizer.step();
                }
            }
        }
        """;

    [Fact]
    public Task Clip_grad_norm_on_a_feed_forward_model_fires() =>
        V.AnalyzerAsync(Sources.Usings + Loop.Replace("CLIP", "{|NT4001:torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|}"));

    [Fact]
    public Task Clip_grad_value_in_a_helper_called_by_the_loop_fires() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Net : Module<Tensor, Tensor>
        {
            private readonly Linear fc = Linear(4, 1);
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.forward(x);
        }

        static class Program
        {
            static void Clip(Net net)
            {
                var parameters = net.parameters();
                {|NT4001:torch.nn.utils.clip_grad_value_(parameters, 0.5)|};
            }

            static void Main()
            {
                var net = new Net();
                var optimizer = torch.optim.SGD(net.parameters(), 0.1);
                for (var step = 0; step < 10; step++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(net.forward(randn(8, 4)), randn(8, 1)).backward();
                    Clip(net);
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Recurrent_models_and_checked_clipping_do_not_fire() => V.AnalyzerAsync(withRuntime: true, Sources.Usings + """
        sealed class Tagger : Module<Tensor, Tensor>
        {
            private readonly LSTM lstm = LSTM(8, 16, batchFirst: true);
            private readonly Linear head = Linear(16, 2);
            public Tagger() : base("tagger") => RegisterComponents();
            public override Tensor forward(Tensor x)
            {
                var (output, _, _) = lstm.forward(x);
                return head.forward(output);
            }
        }

        static class Program
        {
            static void Main()
            {
                var tagger = new Tagger();
                var mlp = Sequential(Linear(4, 1));
                var optimizer = torch.optim.Adam(tagger.parameters());
                for (var step = 0; step < 10; step++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(tagger.forward(randn(2, 5, 8)), randn(2, 5, 2)).backward();
                    torch.nn.utils.clip_grad_norm_(tagger.parameters(), 1.0);
                    NetTricks.CheckedClipping.ClipGradNorm(mlp.parameters(), 1.0);
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Clipping_outside_a_training_loop_does_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            }
        }
        """);

    [Fact]
    public Task Fix_uses_checked_clipping_and_renames_named_arguments() => F.FixAsync(
        Sources.Usings + Loop.Replace("CLIP", "{|NT4001:torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm: 1.0, norm_type: 2)|}"),
        Sources.Usings.Replace("using System.Collections.Generic;\n", "using System.Collections.Generic;\nusing NetTricks;\n") +
            Loop.Replace("CLIP", "CheckedClipping.ClipGradNorm(model.parameters(), maxNorm: 1.0, normType: 2)"),
        withRuntime: true);

    [Fact]
    public Task Fix_is_not_offered_without_the_runtime() =>
        F.NoFixAsync(Sources.Usings + Loop.Replace("CLIP", "{|NT4001:torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|}"));
}
