using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.LogOfSoftmaxAnalyzer, NetTricks.CodeFixes.UseLogSoftmaxForLogOfSoftmaxCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.LogOfSoftmaxAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1006LogOfSoftmaxTests
{
    [Fact]
    public Task Log_of_softmax_fires_in_fluent_functional_and_model_forms() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = randn(4, 3);
                var a = {|NT1006:logits.softmax(1)|}.log();
                var b = torch.log({|NT1006:functional.softmax(logits, 1)|});
                var probabilities = logits.softmax(-1);
                var c = {|NT1006:probabilities.log()|};
                var model = Sequential(Linear(4, 3), Softmax(1));
                var d = {|NT1006:model.forward(randn(2, 4)).log()|};
            }
        }
        """);

    [Fact]
    public Task Log_softmax_and_log_of_other_values_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = randn(4, 3);
                var a = logits.log_softmax(1);
                var b = logits.sigmoid().log();
                var c = torch.log(rand(3) + 1);
            }
        }
        """);

    [Fact]
    public Task Fix_uses_log_softmax() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = randn(4, 3);
                var a = {|NT1006:logits.softmax(1)|}.log();
                var b = torch.log({|NT1006:functional.softmax(logits, 1)|});
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var logits = randn(4, 3);
                var a = logits.log_softmax(1);
                var b = functional.log_softmax(logits, 1);
            }
        }
        """);
}
