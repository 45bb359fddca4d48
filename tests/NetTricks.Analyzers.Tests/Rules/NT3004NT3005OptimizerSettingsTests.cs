using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.OptimizerSettingsAnalyzer, NetTricks.CodeFixes.AddMomentumCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.OptimizerSettingsAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3004NT3005OptimizerSettingsTests
{
    [Fact]
    public Task SGD_without_momentum_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var a = {|NT3004:torch.optim.SGD(model.parameters(), 0.1)|};
                var b = {|NT3004:torch.optim.SGD(model.parameters(), learningRate: 0.1, momentum: 0)|};
                var c = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var m = double.Parse("0.5");
                var d = torch.optim.SGD(model.parameters(), 0.1, m);
            }
        }
        """);

    [Fact]
    public Task Literal_learning_rates_outside_the_usual_range_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            const double TooHigh = 0.5;

            static void Main(string[] args)
            {
                var model = Sequential(Linear(4, 1));
                var a = {|NT3005:torch.optim.Adam(model.parameters(), lr: TooHigh)|};
                var b = {|NT3005:torch.optim.RMSProp(model.parameters(), 1e-8)|};
                var c = {|NT3005:torch.optim.SGD(model.parameters(), 50, momentum: 0.9)|};
                var ok1 = torch.optim.Adam(model.parameters(), lr: 3e-4);
                var ok2 = torch.optim.SGD(model.parameters(), 1.0, momentum: 0.9);
                var fromConfig = torch.optim.Adam(model.parameters(), lr: double.Parse(args[0]));
                var byDefault = torch.optim.Adam(model.parameters());
            }
        }
        """);

    [Fact]
    public Task Fix_adds_momentum() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var a = {|NT3004:torch.optim.SGD(model.parameters(), 0.1)|};
                var b = {|NT3004:torch.optim.SGD(model.parameters(), 0.1, 0)|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var a = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var b = torch.optim.SGD(model.parameters(), 0.1, 0.9);
            }
        }
        """);
}
