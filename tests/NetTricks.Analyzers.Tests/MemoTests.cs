using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetTricks.Analyzers.Model;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// How the model computes its compilation-wide facts (Model/Memo.cs, <see cref="Fact{T}"/>): once, by one thread,
/// while the threads of a concurrent analysis that ask at the same time wait for it; never two threads waiting for
/// each other.
/// </summary>
public class MemoTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // a deadlock fails the test here

    [Fact]
    public async Task Threads_asking_at_once_get_one_computation_and_its_value()
    {
        var fact = new Fact<int>();
        var computations = 0;
        const int Threads = 8;
        using var allStarted = new Barrier(Threads);
        var askers = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
        {
            allStarted.SignalAndWait();
            return fact.Get(0, _ =>
            {
                Thread.Sleep(50); // long enough for every other thread to arrive while it computes
                return 40 + Interlocked.Increment(ref computations);
            });
        }, TaskCreationOptions.LongRunning)).ToArray();

        var values = await Task.WhenAll(askers).WaitAsync(Patience);
        Assert.Equal(1, computations);
        Assert.All(values, value => Assert.Equal(41, value));
    }

    [Fact]
    public void A_fact_may_ask_another_while_it_is_computed()
    {
        var inner = new Fact<int>();
        var outer = new Fact<int>();
        Assert.Equal(21, outer.Get(inner, static i => i.Get(0, static _ => 20) + 1));
        Assert.Equal(20, inner.Get(0, static _ => -1));
    }

    [Fact]
    public async Task Two_threads_each_computing_a_fact_the_other_asks_for_both_finish()
    {
        // Thread 1 computes X, which asks Y; thread 2 computes Y, which asks X. Had each waited for the other's gate
        // (a gate per fact, always waited for), neither would finish. A thread already computing a fact computes the
        // other one itself instead (here the nested computation answers without asking further).
        var x = new Fact<int>();
        var y = new Fact<int>();
        var xComputations = 0;
        var yComputations = 0;
        using var bothComputing = new Barrier(2);
        int Compute(ref int computations, Fact<int> other, Func<int> askOther) =>
            Interlocked.Increment(ref computations) == 1 ? WaitThen(askOther) + 1 : 100;
        int WaitThen(Func<int> ask)
        {
            bothComputing.SignalAndWait(Patience);
            return ask();
        }

        int AskX() => x.Get(0, _ => Compute(ref xComputations, y, AskY));
        int AskY() => y.Get(0, _ => Compute(ref yComputations, x, AskX));
        var first = Task.Factory.StartNew(AskX, TaskCreationOptions.LongRunning);
        var second = Task.Factory.StartNew(AskY, TaskCreationOptions.LongRunning);
        var values = await Task.WhenAll(first, second).WaitAsync(Patience);

        // A thread that finds the other's fact published meanwhile takes it; either way the first value published stays.
        Assert.InRange(xComputations, 1, 2);
        Assert.InRange(yComputations, 1, 2);
        Assert.Equal(x.Get(0, _ => -1), values[0]);
        Assert.Equal(y.Get(0, _ => -1), values[1]);
    }

    [Fact]
    public void A_cancelled_computation_leaves_the_fact_for_the_next_caller()
    {
        var fact = new Fact<int>();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => fact.Get(cancelled.Token, static token =>
        {
            token.ThrowIfCancellationRequested();
            return 1;
        }));
        Assert.Equal(2, fact.Get(0, static _ => 2));
        Assert.Equal(2, fact.Get(0, static _ => 3)); // computed once: the first value stays
    }
}
