using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using NetTricks.Analyzers.Model;
using Xunit;

namespace NetTricks.Analyzers.Tests;

/// <summary>
/// How the model computes its compilation-wide facts (Model/Memo.cs, <c>Memo.Once</c>): once, by one thread, while
/// the threads of a concurrent analysis that ask at the same time wait for it.
/// </summary>
public class MemoTests
{
    private sealed class Fact
    {
        public StrongBox<int>? Value;
        public readonly object Gate = new();
        public int Computations;
    }

    [Fact]
    public async Task Threads_asking_at_once_get_one_computation_and_its_value()
    {
        var fact = new Fact();
        const int Threads = 8;
        using var allStarted = new Barrier(Threads);
        var results = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
        {
            allStarted.SignalAndWait();
            return Memo.Once(ref fact.Value, fact.Gate, fact, static f =>
            {
                Thread.Sleep(50); // long enough for every other thread to arrive while it computes
                return 40 + Interlocked.Increment(ref f.Computations);
            });
        }, TaskCreationOptions.LongRunning)).ToArray();

        var values = await Task.WhenAll(results).WaitAsync(TimeSpan.FromSeconds(30)); // a deadlock fails here
        Assert.Equal(1, fact.Computations);
        Assert.All(values, value => Assert.Equal(41, value));
    }

    [Fact]
    public void A_fact_may_ask_other_facts_behind_the_same_gate_on_its_thread()
    {
        var inner = new Fact();
        var outer = new Fact();
        var gate = new object();
        var value = Memo.Once(ref outer.Value, gate, (Inner: inner, Gate: gate), static s =>
            Memo.Once(ref s.Inner.Value, s.Gate, 0, static _ => 20) + 1);
        Assert.Equal(21, value);
        Assert.Equal(20, inner.Value!.Value);
    }

    [Fact]
    public void A_cancelled_computation_leaves_the_fact_for_the_next_caller()
    {
        var fact = new Fact();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => Memo.Once(ref fact.Value, fact.Gate, cancelled.Token, static token =>
        {
            token.ThrowIfCancellationRequested();
            return 1;
        }));
        Assert.Null(fact.Value);
        Assert.Equal(2, Memo.Once(ref fact.Value, fact.Gate, 0, static _ => 2));
        Assert.Equal(2, Memo.Once(ref fact.Value, fact.Gate, 0, static _ => 3)); // computed once: the first value stays
    }
}
