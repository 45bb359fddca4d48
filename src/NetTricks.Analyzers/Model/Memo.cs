using System;
using System.Collections.Concurrent;

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
}
