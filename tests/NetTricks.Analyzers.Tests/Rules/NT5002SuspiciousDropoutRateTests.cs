using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SuspiciousDropoutRateAnalyzer, NetTricks.CodeFixes.UseDropProbabilityCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SuspiciousDropoutRateAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT5002SuspiciousDropoutRateTests
{
    [Fact]
    public Task Keep_probabilities_and_out_of_range_rates_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var a = Dropout({|NT5002:0.9|});
                var b = Dropout2d(p: {|NT5002:1.5|});
                var c = functional.dropout(randn(4, 4), {|NT5002:0.95|}, training: false);
                var d = LSTM(8, 8, numLayers: 2, dropout: {|NT5002:0.9|});
                var e = AlphaDropout({|NT5002:-0.1|});
            }
        }
        """);

    [Fact]
    public Task Usual_rates_defaults_and_variables_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main(string[] args)
            {
                var a = Dropout();
                var b = Dropout(0.5);
                var c = Dropout(0.0);
                var d = Dropout(double.Parse(args[0]));
                var e = GRU(8, 8, dropout: 0.2);
            }
        }
        """);

    [Fact]
    public Task Fix_uses_one_minus_p() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main() { var a = Dropout({|NT5002:0.9|}); var b = Dropout({|NT5002:0.95|}); }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main() { var a = Dropout(0.1); var b = Dropout(0.05); }
        }
        """);
}
