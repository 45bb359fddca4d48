using System.Threading.Tasks;
using NetTricks.Analyzers.Rules;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SoftmaxBeforeCrossEntropyAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1003SoftmaxBeforeCrossEntropyTests
{
    [Fact]
    public Task Sequential_ending_in_Softmax_fed_to_CrossEntropyLoss_forward_fires() => V.AnalyzerAsync(Sources.Usings + """
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
}
