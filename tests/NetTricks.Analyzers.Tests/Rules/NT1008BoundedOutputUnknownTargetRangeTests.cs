using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ReluOnSignedOutputsAnalyzer, NetTricks.CodeFixes.RemoveFinalActivationCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.ReluOnSignedOutputsAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT1008BoundedOutputUnknownTargetRangeTests
{
    [Fact]
    public Task Bounded_output_with_targets_of_unknown_range_is_a_reminder() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static Tensor LoadTargets() => torch.load("targets.pt");

            static void Main()
            {
                var model = Sequential(Linear(4, 1), Sigmoid());
                var loss = {|NT1008:MSELoss().forward(model.forward(randn(8, 4)), LoadTargets())|};
            }
        }
        """);

    [Fact]
    public Task Targets_provably_inside_or_outside_do_not_give_the_reminder() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1), Sigmoid());
                var inside = MSELoss().forward(model.forward(randn(8, 4)), rand(8, 1));
                var outside = {|NT1001:MSELoss().forward(model.forward(randn(8, 4)), randn(8, 1))|};
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_final_activation() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static Tensor LoadTargets() => torch.load("targets.pt");

            static void Main()
            {
                var model = Sequential(Linear(4, 1), Sigmoid());
                var loss = {|NT1008:MSELoss().forward(model.forward(randn(8, 4)), LoadTargets())|};
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static Tensor LoadTargets() => torch.load("targets.pt");

            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var loss = MSELoss().forward(model.forward(randn(8, 4)), LoadTargets());
            }
        }
        """);

    [Fact]
    public Task Fix_removes_the_final_activation_in_the_model_file() => F.FixFilesAsync(
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public static class Models
                {
                    public static Module<Tensor, Tensor> Regressor() => Sequential(Linear(4, 1), Tanh());
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static Tensor LoadTargets() => torch.load("targets.pt");
                    static void Main() => {|NT1008:MSELoss().forward(Models.Regressor().forward(randn(8, 4)), LoadTargets())|};
                }
                """),
        },
        new[]
        {
            ("Model.cs", Sources.Usings + """
                public static class Models
                {
                    public static Module<Tensor, Tensor> Regressor() => Sequential(Linear(4, 1));
                }
                """),
            ("Program.cs", Sources.Usings + """
                static class Program
                {
                    static Tensor LoadTargets() => torch.load("targets.pt");
                    static void Main() => MSELoss().forward(Models.Regressor().forward(randn(8, 4)), LoadTargets());
                }
                """),
        });
}
