namespace NetForge.Tests.Shared;

/// <summary>The steady-state allocation check the zero-allocation tests share.</summary>
internal static class Allocations
{
    /// <summary>
    /// Managed bytes this thread allocates over <paramref name="calls"/> calls of <paramref name="call"/> (given the call
    /// index), after warming it up past JIT tiering (call counting, the tier-1 rejit after its 100 ms delay, OSR): at
    /// least <paramref name="warmUpCalls"/> calls and 400 ms, because the runtime's own first-time work may allocate on this thread (24 bytes were
    /// seen on CI after a single warm-up call); the code's steady state must not.
    /// </summary>
    public static long SteadyState(Action<int> call, int calls = 5, int warmUpCalls = 30)
    {
        var warm = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < warmUpCalls || warm.ElapsedMilliseconds < 400; i++) call(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) call(i);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
