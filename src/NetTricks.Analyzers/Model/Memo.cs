using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;

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
    /// A compilation-wide fact, computed by one thread while the others wait for it. Under concurrent analysis (how
    /// csc runs analyzers by default) the first callbacks of several files ask for the same facts at once, and when
    /// racing threads each computed and the first published, every analysis of <c>training</c> computed the merged
    /// index and NT6002's facts twice. One gate per model: facts ask each other only on the thread computing them (the
    /// monitor is reentrant), so a single lock cannot deadlock. A computation that is cancelled or throws leaves the
    /// fact unset for the next caller.
    /// </summary>
    public static T Once<T, TState>(ref StrongBox<T>? fact, object gate, TState state, Func<TState, T> compute)
    {
        if (Volatile.Read(ref fact) is { } known)
            return known.Value;
        lock (gate)
        {
            if (fact is { } computed)
                return computed.Value;
            var value = compute(state);
            Volatile.Write(ref fact, new StrongBox<T>(value));
            return value;
        }
    }
}
