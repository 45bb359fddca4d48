using System.Threading.Tasks;
using NetTricks.Analyzers.Tests.Infrastructure;
using Xunit;
using F = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SchedulerNeverSteppedAnalyzer, NetTricks.CodeFixes.StepSchedulerCodeFix>;
using V = NetTricks.Analyzers.Tests.Infrastructure.Verify<NetTricks.Analyzers.Rules.SchedulerNeverSteppedAnalyzer>;

namespace NetTricks.Analyzers.Tests.Rules;

public class NT3008SchedulerNeverSteppedTests
{
    [Fact]
    public Task Schedulers_created_and_never_stepped_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;
            private readonly torch.optim.lr_scheduler.LRScheduler plateau;

            public Trainer()
            {
                optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                plateau = {|NT3008:torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: 0.5)|};
            }

            public void Fit()
            {
                var decay = {|NT3008:torch.optim.lr_scheduler.StepLR(optimizer, 10)|};
                for (var epoch = 0; epoch < 30; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                }
            }
        }
        """);

    [Fact]
    public Task Schedulers_stepped_anywhere_they_flow_do_not_fire() => V.AnalyzerAsync(Sources.Usings + """
        sealed class Trainer
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;
            private readonly torch.optim.lr_scheduler.LRScheduler scheduler;

            public Trainer()
            {
                optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10);
            }

            private static void EndOfEpoch(torch.optim.lr_scheduler.LRScheduler s) => s.step();

            public void Fit()
            {
                var local = torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.95);
                for (var epoch = 0; epoch < 30; epoch++)
                {
                    optimizer.zero_grad();
                    functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                    optimizer.step();
                    scheduler.step();
                    EndOfEpoch(local);
                }
            }
        }
        """);

    [Fact]
    public Task A_field_scheduler_is_found_however_its_name_is_spelled_and_not_in_comments_strings_or_longer_names() => V.AnalyzerAsync(Sources.Usings + """
        sealed class EscapedSteps
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;
            private readonly torch.optim.lr_scheduler.LRScheduler scheduler;
            public EscapedSteps() { optimizer = torch.optim.SGD(model.parameters(), 0.1); scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10); }
            public void Fit() { optimizer.step(); sch\u0065duler.step(); }
        }

        sealed class OnlyMentioned
        {
            private readonly Sequential model = Sequential(Linear(4, 1));
            private readonly torch.optim.Optimizer optimizer;
            private readonly torch.optim.lr_scheduler.LRScheduler scheduler;
            private readonly torch.optim.lr_scheduler.LRScheduler schedulerSteps;

            public OnlyMentioned()
            {
                optimizer = torch.optim.SGD(model.parameters(), 0.1);
                scheduler = {|NT3008:torch.optim.lr_scheduler.StepLR(optimizer, 10)|};
                schedulerSteps = torch.optim.lr_scheduler.StepLR(optimizer, 5);
            }

            public void Fit()
            {
                optimizer.step(); // scheduler.step() comes later
                System.Console.WriteLine("scheduler.step()");
                @schedulerSteps.step(); // the verbatim spelling, through the search of the text
            }
        }
        """);

    [Fact]
    public Task A_local_scheduler_is_found_however_its_name_is_spelled_and_not_in_comments_strings_or_longer_names() => V.AnalyzerAsync(Sources.Usings + """
        static class Program
        {
            static void Escaped()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10);
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    optimizer.step();
                    sch\u0065duler.step();
                }
            }

            static void OnlyMentioned()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                var scheduler = {|NT3008:torch.optim.lr_scheduler.StepLR(optimizer, 10)|};
                var schedulerSteps = torch.optim.lr_scheduler.StepLR(optimizer, 5);
                for (var epoch = 0; epoch < 3; epoch++)
                {
                    optimizer.step(); // scheduler.step() comes later
                    System.Console.WriteLine("scheduler.step()");
                    @schedulerSteps.step(); // the verbatim spelling, through the search of the text
                }
            }
        }
        """);

    [Fact]
    public Task Fix_steps_the_scheduler_at_the_end_of_each_epoch() => F.FixAsync(Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var scheduler = {|NT3008:torch.optim.lr_scheduler.StepLR(optimizer, 10)|};
                for (var epoch = 0; epoch < 30; epoch++)
                {
                    for (var batch = 0; batch < 10; batch++)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                        optimizer.step();
                    }
                }
            }
        }
        """, Sources.Usings + """
        static class Program
        {
            static void Main()
            {
                var model = Sequential(Linear(4, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum: 0.9);
                var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10);
                for (var epoch = 0; epoch < 30; epoch++)
                {
                    for (var batch = 0; batch < 10; batch++)
                    {
                        optimizer.zero_grad();
                        functional.mse_loss(model.forward(randn(8, 4)), randn(8, 1)).backward();
                        optimizer.step();
                    }
                    scheduler.step();
                }
            }
        }
        """);
}
