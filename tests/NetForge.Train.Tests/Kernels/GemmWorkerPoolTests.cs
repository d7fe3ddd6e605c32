using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Train.Tests.Kernels;

/// <summary><see cref="WorkerPool"/>, the thread pool under <c>Gemm.Multiply</c>: partition, nesting, errors, allocations.</summary>
public sealed class GemmWorkerPoolTests
{
    private sealed class Hits(int count)
    {
        public readonly int[] PerItem = new int[count];
        public readonly int[] ChunkStarts = new int[count + 1];
    }

    /// <summary>Counts each item it is given and records where chunks start.</summary>
    private readonly struct CountingBody(Hits hits) : IParallelBody
    {
        public void Invoke(int start, int end)
        {
            Interlocked.Increment(ref hits.ChunkStarts[start]);
            for (int i = start; i < end; i++) Interlocked.Increment(ref hits.PerItem[i]);
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 10)]
    [InlineData(3, 10)]
    [InlineData(4, 3)]
    [InlineData(8, 1000)]
    public void EveryItemRunsOnce_InContiguousChunks(int threads, int count)
    {
        var hits = new Hits(count);
        WorkerPool.For(threads, count, new CountingBody(hits));
        Assert.All(hits.PerItem, h => Assert.Equal(1, h));
        int chunks = Math.Min(threads, count);
        for (int t = 0; t < chunks; t++) Assert.Equal(1, hits.ChunkStarts[WorkerPool.ChunkStart(count, chunks, t)]);
        Assert.Equal(chunks, hits.ChunkStarts.Sum());
    }

    [Fact]
    public void ZeroCount_RunsNothing()
    {
        var hits = new Hits(0);
        WorkerPool.For(4, 0, new CountingBody(hits));
        Assert.Equal(0, hits.ChunkStarts[0]);
    }

    /// <summary>A body that calls the pool again from inside a chunk: the inner call runs serially, same partition.</summary>
    private readonly struct NestingBody(Hits[] inner) : IParallelBody
    {
        public void Invoke(int start, int end)
        {
            for (int i = start; i < end; i++) WorkerPool.For(3, 7, new CountingBody(inner[i]));
        }
    }

    [Fact]
    public void NestedCalls_Complete()
    {
        Hits[] inner = [new(7), new(7), new(7), new(7)];
        WorkerPool.For(2, inner.Length, new NestingBody(inner));
        foreach (Hits hits in inner)
        {
            Assert.All(hits.PerItem, h => Assert.Equal(1, h));
            Assert.Equal(3, hits.ChunkStarts.Sum());
        }
    }

    private readonly struct ThrowingBody(int badItem) : IParallelBody
    {
        public void Invoke(int start, int end)
        {
            if (badItem >= start && badItem < end) throw new InvalidOperationException($"item {badItem}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void AnExceptionInAnyChunk_ReachesTheCaller_AndThePoolStillWorks(int badItem)
    {
        var error = Assert.Throws<InvalidOperationException>(() => WorkerPool.For(2, 10, new ThrowingBody(badItem)));
        Assert.Equal($"item {badItem}", error.Message);
        EveryItemRunsOnce_InContiguousChunks(2, 10);
    }

    [Fact]
    public void ConcurrentCallers_AllComplete()
    {
        var all = Enumerable.Range(0, 8).Select(_ => new Hits(50)).ToArray();
        System.Threading.Tasks.Parallel.For(0, all.Length, i =>
        {
            for (int r = 0; r < 20; r++) WorkerPool.For(2, 50, new CountingBody(all[i]));
        });
        Assert.All(all, hits => Assert.All(hits.PerItem, h => Assert.Equal(20, h)));
    }

    [Fact]
    public void ManyCalls_BackToBackAndAfterIdleGaps_NoWakeUpIsLost()
    {
        // Back-to-back calls find the workers spinning; calls after a pause find them asleep on the semaphore.
        var hits = new Hits(16);
        for (int i = 0; i < 2000; i++) WorkerPool.For(3, 16, new CountingBody(hits));
        for (int i = 0; i < 20; i++)
        {
            Thread.Sleep(2);
            WorkerPool.For(3, 16, new CountingBody(hits));
        }
        Assert.All(hits.PerItem, h => Assert.Equal(2020, h));
    }

    [Fact]
    public void AfterWarmUp_ACallAllocatesNothing()
    {
        var hits = new Hits(64);
        var body = new CountingBody(hits);
        Assert.Equal(0, NetForge.Tests.Shared.Allocations.SteadyState(_ => WorkerPool.For(2, 64, body), calls: 10));
    }
}
