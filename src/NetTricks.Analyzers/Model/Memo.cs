using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NetTricks.Analyzers.Model;

internal static class Memo
{
    /// <summary>
    /// <c>GetOrAdd</c> without a closure: the model's caches are asked far more often than they miss, and a factory
    /// lambda capturing its arguments is allocated on every call (at the entry of the method that declares what it
    /// captures), hit or miss. Callers pass static lambdas and their arguments as <paramref name="state"/>. As with
    /// <c>GetOrAdd</c>, threads racing on a missing key may both compute it; the first value stored wins.
    /// </summary>
    public static TValue GetOrCompute<TKey, TValue, TState>(this ConcurrentDictionary<TKey, TValue> cache, TKey key, TState state, Func<TKey, TState, TValue> compute)
        where TKey : notnull =>
        cache.TryGetValue(key, out var known) ? known : cache.GetOrAdd(key, compute(key, state));

    /// <summary>
    /// The capacity to create one of the model's caches with: about <paramref name="perTree"/> entries per syntax tree
    /// (what the cache holds on the benchmark's <c>training</c> corpus, with a fifth or more to spare: a cache grows as
    /// soon as one of its lock stripes passes its share). A <c>ConcurrentDictionary</c> grows by doubling and copies every
    /// entry into a new node each time: grown from the
    /// default size, the model's caches spent about 2 % of NetTricks' time in <c>GrowTable</c>. Capped, so a huge project
    /// that barely uses TorchSharp does not reserve much it never fills (an IDE makes a compilation, and a model, per edit).
    /// </summary>
    public static int Presized(Compilation compilation, double perTree) =>
        (int)Math.Min(MaxPresized, Math.Max(MinPresized, compilation.SyntaxTrees.Count() * perTree));

    /// <summary>
    /// The lock stripes of the presized caches. The default constructor takes one per processor, which analyzers may
    /// not ask (RS1035 bans <c>Environment</c>); reads take no lock, and writes are misses, a small share of the calls.
    /// </summary>
    public const int Concurrency = 4;

    private const int MinPresized = 31; // ConcurrentDictionary's own default
    private const int MaxPresized = 16_384;

    /// <summary>How many facts (<see cref="Fact{T}"/>) the current thread is computing: a thread computing one never waits for another.</summary>
    [ThreadStatic]
    internal static int t_factsComputing;
}

/// <summary>
/// A compilation-wide fact, computed once on first need. Under concurrent analysis (how csc runs analyzers by default)
/// the first callbacks of several files ask for the same facts at once; when racing threads each computed and the first
/// published, every analysis of <c>training</c> computed the merged index and NT6002's facts twice. So a thread that
/// computes no fact yet waits for the one computing this fact. A thread already computing another fact does not wait
/// (that other thread might be waiting for its fact: facts ask each other) and computes this one itself when its gate
/// is taken; only a thread holding no gate ever blocks, so no two threads can wait for each other. Each fact has its own
/// gate, so facts that do not depend on each other are computed side by side. A computation that is cancelled or
/// throws leaves the fact unset for the next caller; the first value published is the one every caller gets.
/// </summary>
internal sealed class Fact<T>
{
    private StrongBox<T>? _value;

    public Fact()
    {
    }

    public Fact(T known) => _value = new StrongBox<T>(known);

    public T Get<TState>(TState state, Func<TState, T> compute)
    {
        if (Volatile.Read(ref _value) is { } known)
            return known.Value;
        var gateTaken = false;
        try
        {
            if (Memo.t_factsComputing == 0)
                Monitor.Enter(this, ref gateTaken);
            else
                Monitor.TryEnter(this, ref gateTaken);
            if (Volatile.Read(ref _value) is { } computed)
                return computed.Value;
            T value;
            Memo.t_factsComputing++;
            try
            {
                value = compute(state);
            }
            finally
            {
                Memo.t_factsComputing--;
            }

            return (Interlocked.CompareExchange(ref _value, new StrongBox<T>(value), null) ?? _value).Value;
        }
        finally
        {
            if (gateTaken)
                Monitor.Exit(this);
        }
    }
}
