using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.DeadReluRiskAnalyzer, NetTricks.CodeFixes.UseLeakyReluCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.DeadReluRiskAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT2004DeadReluRiskTests
{
    [Fact]
    public Task Deep_plain_ReLU_stack_fires() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|};
            }
        }
        """);

    [Fact]
    public Task Shallow_normalised_or_leaky_stacks_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var shallow = Sequential(Linear(4, 64), ReLU(), Linear(64, 1));
                var normalised = Sequential(Linear(4, 64), BatchNorm1d(64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1));
                var leaky = Sequential(Linear(4, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 1));
            }
        }
        """);

    [Fact]
    public Task Fix_uses_LeakyReLU() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main() { var model = {|NT2004:Sequential(Linear(4, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1))|}; }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main() { var model = Sequential(Linear(4, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 64), LeakyReLU(), Linear(64, 1)); }
        }
        """);
}
