using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace NetForge.Engine.Kernels.Parallel;

/// <summary>
/// The work of one parallel call: <see cref="Invoke"/> processes a range of items. Implement it on a struct holding
/// the call's arguments (pointers, sizes) so a call allocates nothing. Chunks run concurrently on one shared copy of
/// the struct: <see cref="Invoke"/> must not change its fields.
/// </summary>
internal interface IParallelBody
{
    /// <summary>Processes items <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    void Invoke(int start, int end);
}

/// <summary>
/// A persistent pool of worker threads for kernels. <see cref="For{TBody}"/> splits [0, count) into
/// <c>min(threads, count)</c> contiguous chunks of near-equal size (a static partition), runs chunk 0 on the
/// calling thread and the others on pool threads woken for the call, and returns when all are done.
/// Nothing is allocated per call after the first call from a thread with a given body type.
/// </summary>
/// <remarks>
/// The pool serves one call at a time. A call made while it is busy (from another thread, or nested inside a
/// body) runs all its chunks on the calling thread, one after another, with the same partition — so a body whose
/// result does not depend on which thread runs a chunk (every NetForge kernel: work is split over outputs only)
/// gives the same answer either way. An exception thrown by a chunk is rethrown on the caller after all chunks end.
/// </remarks>
internal static class WorkerPool
{
    /// <summary>Upper bound on the threads one call may use (chunks beyond it are merged into fewer chunks).</summary>
    public const int MaxThreads = 64;

    // How long an idle worker spins before sleeping: covers the gap between a training step's kernel calls.
    private static long s_spinTicks = System.Diagnostics.Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>Test/bench knob: how long an idle worker spins before sleeping, in microseconds (default 100).</summary>
    internal static int SpinMicroseconds
    {
        get => (int)(Volatile.Read(ref s_spinTicks) * 1_000_000 / System.Diagnostics.Stopwatch.Frequency);
        set => Volatile.Write(ref s_spinTicks, System.Diagnostics.Stopwatch.Frequency * Math.Max(0, value) / 1_000_000);
    }

    private static readonly object GrowLock = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    private static IJob? s_job;
    private static int s_count;
    private static int s_chunks;
    private static int s_pending;
    private static Exception? s_error;
    private static readonly ManualResetEventSlim s_done = new(false, spinCount: 2000);

    /// <summary>Number of pool threads started so far (the calling thread is not counted).</summary>
    public static int WorkerCount => Volatile.Read(ref s_workers).Length;

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) in <c>min(threads, count)</c> contiguous chunks:
    /// chunk <c>t</c> is [<c>count·t/T</c>, <c>count·(t+1)/T</c>). Blocks until every chunk has finished.
    /// </summary>
    /// <param name="threads">Threads to use, the caller included; values below 1 mean 1.</param>
    /// <param name="count">Number of items; nothing runs when it is 0 or less.</param>
    /// <param name="body">The work; copied once into a per-thread holder, so keep it small (pointers and sizes).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void For<TBody>(int threads, int count, in TBody body) where TBody : struct, IParallelBody
    {
        if (count <= 0) return;
        int chunks = Math.Clamp(Math.Min(threads, count), 1, MaxThreads);
        if (chunks == 1)
        {
            // Copy: Invoke may mutate the struct, the caller's value stays as given.
            TBody local = body;
            local.Invoke(0, count);
            return;
        }
        // Allocate the per-thread job holder and the workers on the first call whichever path it takes,
        // so later calls allocate nothing even if the first one found the pool busy.
        Job<TBody> job = Job<TBody>.ForThisThread;
        Worker[] workers = EnsureWorkers(chunks - 1);
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            // Busy (concurrent or nested call): same partition, run serially here.
            TBody local = body;
            for (int t = 0; t < chunks; t++) local.Invoke(ChunkStart(count, chunks, t), ChunkStart(count, chunks, t + 1));
            return;
        }
        try
        {
            job.Body = body;
            s_job = job;
            s_count = count;
            s_chunks = chunks;
            s_error = null;
            s_done.Reset();
            Volatile.Write(ref s_pending, chunks - 1);
            for (int t = 1; t < chunks; t++) workers[t - 1].Signal();

            try { job.Body.Invoke(0, ChunkStart(count, chunks, 1)); }
            catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }

            s_done.Wait();
            s_job = null;
            job.Body = default;
            Exception? error = s_error;
            s_error = null;
            if (error is not null) ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>First item of chunk <paramref name="t"/> when <paramref name="count"/> items are cut into <paramref name="chunks"/>.</summary>
    public static int ChunkStart(int count, int chunks, int t) => (int)((long)count * t / chunks);

    private static Worker[] EnsureWorkers(int needed)
    {
        Worker[] workers = Volatile.Read(ref s_workers);
        if (workers.Length >= needed) return workers;
        lock (GrowLock)
        {
            workers = s_workers;
            if (workers.Length >= needed) return workers;
            var grown = new Worker[needed];
            Array.Copy(workers, grown, workers.Length);
            for (int i = workers.Length; i < needed; i++) grown[i] = new Worker(i + 1);
            Volatile.Write(ref s_workers, grown);
            return grown;
        }
    }

    private interface IJob
    {
        void Run(int start, int end);
    }

    private sealed class Job<TBody> : IJob where TBody : struct, IParallelBody
    {
        [ThreadStatic] private static Job<TBody>? t_instance;

        public TBody Body;

        public static Job<TBody> ForThisThread => t_instance ??= new Job<TBody>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end) => Body.Invoke(start, end);
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly int _index;
        private int _ticket;   // bumped by the caller for each call this worker joins
        private int _sleeping; // 1 while the worker is (about to be) blocked on _wake
        private int _issued;   // caller side: last ticket issued

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NetForge worker {index}" };
            thread.Start();
        }

        /// <summary>Called by the pool owner: hand this worker the current job, waking it if it sleeps.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Signal()
        {
            Volatile.Write(ref _ticket, ++_issued);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                WaitForTicket(seen);
                seen = Volatile.Read(ref _ticket);
                int count = s_count, chunks = s_chunks;
                try { s_job!.Run(ChunkStart(count, chunks, _index), ChunkStart(count, chunks, _index + 1)); }
                catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }
                if (Interlocked.Decrement(ref s_pending) == 0) s_done.Set();
            }
        }

        /// <summary>
        /// Spins for up to <see cref="SpinMicroseconds"/> (back-to-back kernel calls then start without a kernel wake-up),
        /// then sleeps on the semaphore. The sleeping flag is set before re-checking the ticket and cleared by
        /// exactly one side (worker or caller), so a release is neither lost nor left over.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WaitForTicket(int seen)
        {
            long spinUntil = System.Diagnostics.Stopwatch.GetTimestamp() + Volatile.Read(ref s_spinTicks);
            var spinner = new SpinWait();
            while (Volatile.Read(ref _ticket) == seen)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() < spinUntil)
                {
                    spinner.SpinOnce(sleep1Threshold: -1); // yields the core now and then: never starve the caller
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _ticket) != seen && Interlocked.Exchange(ref _sleeping, 0) == 1) return;
                _wake.Wait(); // released by Signal (which cleared _sleeping)
            }
        }
    }
}
