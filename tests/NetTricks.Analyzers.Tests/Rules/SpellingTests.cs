using System.Threading.Tasks;
using Xunit;
using V1001 = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ReluOnSignedOutputsAnalyzer>;
using V1003 = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxBeforeCrossEntropyAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

/// <summary>Every TorchSharp spelling the catalogue lists reaches the same shared model.</summary>
public class SpellingTests
{
    private const string Header = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Theory]
    [InlineData("torch.nn.Sequential(torch.nn.Linear(4, 1), torch.nn.ReLU())", "model.forward(x)")]
    [InlineData("nn.Sequential(nn.Linear(4, 1), nn.ReLU())", "model.forward(x)")]
    [InlineData("nn.Sequential((\"fc\", nn.Linear(4, 1)), (\"relu\", nn.ReLU(inplace: true)))", "model.call(x)")]
    [InlineData("nn.Sequential(nn.Linear(4, 1))", "model.forward(x).relu()")]
    [InlineData("nn.Sequential(nn.Linear(4, 1))", "F.relu(model.forward(x))")]
    [InlineData("nn.Sequential(nn.Linear(4, 1))", "torch.nn.functional.relu(model.forward(x))")]
    [InlineData("nn.Sequential(nn.Linear(4, 1))", "F.relu6(model.forward(x))")]
    [InlineData("nn.Sequential(nn.Linear(4, 1), nn.ReLU6())", "model.forward(x).view(-1, 1)")]
    [InlineData("nn.Sequential(nn.Linear(4, 1), nn.Softplus())", "model.forward(x)")]
    [InlineData("nn.Sequential(nn.Linear(4, 1), nn.Sigmoid(), nn.Dropout(0.1))", "model.forward(x)")]
    public Task NT1001_recognises_each_spelling_of_a_final_bounded_activation(string model, string output) => V1001.AnalyzerAsync(Header + $$"""
        static class Program
        {
            static void Main()
            {
                var model = {{model}};
                var x = randn(8, 4);
                var y = randn(8, 1);
                var a = {|NT1001:nn.MSELoss().forward({{output}}, y)|};
                var b = {|NT1001:F.mse_loss({{output}}, y)|};
            }
        }
        """);

    [Theory]
    [InlineData("torch.nn.Softmax(1)", "model.forward(x)")]
    [InlineData("nn.Softmax(dim: -1)", "model.call(x)")]
    [InlineData("nn.Identity()", "model.forward(x).softmax(1)")]
    [InlineData("nn.Identity()", "F.softmax(model.forward(x), 1)")]
    [InlineData("nn.Identity()", "torch.softmax(model.forward(x), 1)")]
    [InlineData("nn.Identity()", "torch.special.softmax(model.forward(x), 1)")]
    public Task NT1003_recognises_each_spelling_of_a_final_softmax(string last, string output) => V1003.AnalyzerAsync(Header + $$"""
        sealed class Net : nn.Module<Tensor, Tensor>
        {
            private readonly Sequential layers = nn.Sequential(("fc", nn.Linear(4, 3)), ("last", {{last}}));
            public Net() : base("net") => RegisterComponents();
            public override Tensor forward(Tensor input) => layers.forward(input);
        }

        static class Program
        {
            static void Main()
            {
                var model = new Net();
                var x = randn(8, 4);
                var y = zeros(8, dtype: int64);
                var criterion = nn.CrossEntropyLoss();
                var a = {|NT1003:criterion.forward({{output}}, y)|};
                var b = {|NT1003:criterion.call({{output}}, y)|};
                var c = {|NT1003:F.cross_entropy({{output}}, y)|};
            }
        }
        """);
}
