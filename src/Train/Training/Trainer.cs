using System.Diagnostics;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using NetForge.Data;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Optimizers;
using NetForge.Train.Random;
using NetForge.Train.Schedules;
using NetForge.Train.Tensors;

namespace NetForge.Train.Training;

/// <summary>
/// The training loop. Data: the first <see cref="TrainerOptions.Limit"/> training samples; with
/// validation_split the last fraction of them validates (Keras), else the test set does. Epoch e
/// (from 0) shuffles with <c>Permutation(Stream(seed, ShuffleStream, e))</c>, keeps the last partial
/// batch, and step s of it passes dropout key <c>Stream(Stream(seed, DropoutStream, e), s, 0)</c>.
/// Per step: ZeroGrad, TrainStep, loss and gradient finite checks (terminate_on_nan; a non-finite gradient or
/// weight names its parameter), clip_norm, optimizer step, weight finite check.
/// Per epoch: lr = schedule(e)·plateau scale; validation; callbacks (reduce_lr_on_plateau,
/// early_stopping, csv_logger); history and a checkpoint. Everything random is a function of
/// (seed, epoch, step), so a resumed run is bit-identical to an uninterrupted one.
/// </summary>
public sealed class Trainer
{
    private readonly ModelGraph _graph;
    private readonly ImageSet _train, _validation, _test;
    private readonly bool _validationIsTest;
    private readonly TrainerOptions _options;
    private readonly ITrainingObserver _observer;
    private readonly ulong _seed;

    /// <summary>Prepares a run: the network (batch-size activations, <see cref="TrainerOptions.Threads"/> workers) and the data split.</summary>
    public Trainer(ModelGraph graph, ImageSet train, ImageSet test, TrainerOptions options, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads is < 1 or > 64) throw new TrainingException($"threads must be in 1..64, got {options.Threads}");
        if (graph.Train.BatchSize is < 1 or > 65536) throw new TrainingException($"batch_size must be in 1..65536, got {graph.Train.BatchSize}");
        _graph = graph;
        _options = options;
        _observer = observer ?? NullTrainingObserver.Instance;
        _seed = unchecked((ulong)(long)graph.Train.Seed);
        CheckMemory(graph, graph.Train.BatchSize, options.AvailableMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        Network = new Network(graph, graph.Train.BatchSize, options.Threads);
        CheckSampleSize(Network, train);
        CheckSampleSize(Network, test);

        var data = options.Limit is int limit ? train.Take(limit) : train;
        if (graph.Train.ValidationSplit > 0)
        {
            (_train, _validation) = data.SplitValidation(graph.Train.ValidationSplit);
        }
        else
        {
            (_train, _validation, _validationIsTest) = (data, test, true);
        }
        if (_train.Count == 0) throw new TrainingException("no training samples left (check --limit and validation_split)");
        _test = test;
        Optimizer = Optimizer.Create(graph.Train.Optimizer, Network.Parameters);
    }

    /// <summary>The network being trained (its parameters are the weights after <see cref="Run"/>).</summary>
    public Network Network { get; }

    public Optimizer Optimizer { get; }

    /// <summary>Trains to <c>train.epochs</c> (or resumes towards it), evaluates the test set and writes the run folder.</summary>
    public TrainingResult Run()
    {
        string dir = _options.RunDirectory;
        Directory.CreateDirectory(dir);
        using var runLock = RunFiles.AcquireLock(dir);
        RunFiles.RemoveStaleTempFiles(dir);
        var spec = _graph.Train;
        var store = Network.Parameters;
        string fingerprint = SpecFingerprint(_graph);
        var callbacks = spec.Callbacks;
        var early = callbacks.EarlyStopping is { } es ? new EarlyStopping(es) : null;
        var plateau = callbacks.ReduceLrOnPlateau is { } rp ? new ReduceLrOnPlateau(rp) : null;
        foreach (var monitor in new[] { early?.Monitor, plateau?.Monitor })
        {
            if (monitor is not null) MonitorValue(monitor, new EpochRecord(0, 0, 0, 0, 0, 0, 0, 0));
        }
        float[]? best = early is { RestoreBest: true } ? new float[store.Count] : null;

        int startEpoch = 0;
        long globalStep = 0;
        bool stopped = false, restoredBest = false;
        List<EpochRecord> history = [];
        if (_options.Resume)
        {
            if (!RunCheckpoints.Exists(dir)) throw new TrainingException($"{dir}: nothing to resume (no {RunCheckpoints.Latest})");
            var (state, tensors, path) = RunCheckpoints.LoadLatest(dir, _observer.OnMessage);
            if (state.SpecSha256 != fingerprint)
                throw new TrainingException($"{path}: the spec differs from the one this checkpoint was trained with (only epochs may change on resume)");
            if (state.Limit != _options.Limit)
                throw new TrainingException($"{path}: the run was trained with {LimitText(state.Limit)}, this resume asks for {LimitText(_options.Limit)}; pass the same --limit");
            if (state.Optimizer != spec.Optimizer.Type)
                throw new TrainingException($"{path}: optimizer '{state.Optimizer}' in the checkpoint, '{spec.Optimizer.Type}' in the spec");
            RunCheckpoints.Restore(path, tensors, store, Optimizer, state.EarlyStopping is { HasBestWeights: true } ? best : null);
            Optimizer.StepCount = state.GlobalStep;
            if (early is not null && state.EarlyStopping is not null) early = new EarlyStopping(callbacks.EarlyStopping!, state.EarlyStopping);
            if (plateau is not null && state.Plateau is not null) plateau = new ReduceLrOnPlateau(callbacks.ReduceLrOnPlateau!, state.Plateau);
            (startEpoch, globalStep, stopped) = (state.EpochsCompleted, state.GlobalStep, state.Stopped);
            history = RunFiles.ReadHistory(dir).Take(startEpoch).ToList();
            _observer.OnMessage(stopped
                ? $"resuming {dir}: the run was stopped after epoch {startEpoch}; nothing left to train"
                : $"resuming {dir} after epoch {startEpoch} (step {globalStep})");
        }
        else
        {
            if (RunCheckpoints.Exists(dir))
                throw new TrainingException($"{dir} already holds a checkpoint; pass --resume {dir} to continue it, or --out another folder");
            Initializers.Initializers.Apply(store, _seed);
        }
        if (_options.WriteResolvedSpec)
            Persist(dir, RunFiles.ResolvedSpec, () => RunFiles.WriteAtomic(Path.Combine(dir, RunFiles.ResolvedSpec), SpecCompiler.ToResolvedYaml(_graph)));

        int batch = spec.BatchSize, n = _train.Count, steps = (n + batch - 1) / batch;
        var plan = new TrainingPlan(startEpoch + 1, spec.Epochs, steps, batch, n, _validation.Count, _validationIsTest,
            _graph.ParameterCount, _options.Threads, dir);
        _observer.OnTrainBegin(plan);

        var x = new float[batch * Network.InputSize];
        var y = new int[batch];
        var perm = new int[n];
        var status = TrainingStatus.Completed;
        string? message = null;
        double trainSeconds = 0;
        long trainSamples = 0;
        var clock = new Stopwatch();
        var memory = new StepMemory();

        for (int epoch = startEpoch; epoch < spec.Epochs && !stopped; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            double lr = CurrentLr(epoch, plateau);
            CounterRng.Permutation(CounterRng.Stream(_seed, CounterRng.ShuffleStream, (ulong)epoch), perm);
            ulong epochKey = CounterRng.Stream(_seed, CounterRng.DropoutStream, (ulong)epoch);
            double lossSum = 0;
            long correct = 0, seen = 0;
            var lastReport = TimeSpan.Zero;
            memory.BeginEpoch();
            clock.Restart();
            for (int step = 0; step < steps; step++)
            {
                int b = Math.Min(batch, n - step * batch);
                Gather(_train, step * batch, b, perm, x, y);
                store.ZeroGrad();
                var r = Network.TrainStep(x.AsSpan(0, b * Network.InputSize), y.AsSpan(0, b), b, CounterRng.Stream(epochKey, (ulong)step, 0));
                if (!double.IsFinite(r.Loss) && callbacks.TerminateOnNan)
                {
                    status = TrainingStatus.NonFiniteLoss;
                    message = $"loss became {(double.IsNaN(r.Loss) ? "NaN" : "infinite")} at epoch {epoch + 1}, batch {step + 1}; " +
                        (RunCheckpoints.Exists(dir) ? $"the last good checkpoint is kept in {dir}" : "no checkpoint was written");
                    break;
                }
                // Clipping scales every gradient by the global norm, so a bad one must be named before it spreads.
                if (callbacks.TerminateOnNan && spec.ClipNorm is not null && FirstNonFinite(store, store.Grads) is { } badGrad)
                {
                    status = TrainingStatus.NonFiniteGradient;
                    message = NonFiniteMessage("gradient", badGrad, epoch, step, dir);
                    break;
                }
                if (spec.ClipNorm is double maxNorm) Optimizer.ClipGradNorm(store, maxNorm);
                Optimizer.Step((float)lr);
                // One pass over the weights per step: a non-finite gradient always makes its weights non-finite
                // (every optimizer adds a multiple of it, or of m/sqrt(v) = NaN for an infinite one), and the
                // gradients are still intact after the step, so the cause is named precisely only when needed.
                if (callbacks.TerminateOnNan && FirstNonFinite(store, store.Values) is { } badWeight)
                {
                    status = TrainingStatus.NonFiniteGradient;
                    message = FirstNonFinite(store, store.Grads) is { } cause
                        ? NonFiniteMessage("gradient", cause, epoch, step, dir)
                        : NonFiniteMessage("weight (after the update)", badWeight, epoch, step, dir);
                    break;
                }
                globalStep++;
                lossSum += r.Loss * b;
                correct += r.Correct;
                seen += b;
                var elapsed = clock.Elapsed;
                if (step == steps - 1 || elapsed - lastReport >= _options.ProgressInterval)
                {
                    lastReport = elapsed;
                    double rate = seen / Math.Max(elapsed.TotalSeconds, 1e-9);
                    _observer.OnBatch(new BatchProgress(epoch + 1, spec.Epochs, step + 1, steps, lossSum / seen, (double)correct / seen, rate,
                        TimeSpan.FromSeconds((n - seen) / Math.Max(rate, 1e-9))));
                }
            }
            if (status is TrainingStatus.NonFiniteLoss or TrainingStatus.NonFiniteGradient) break;
            memory.EndEpoch(steps, clock.Elapsed);
            trainSeconds += clock.Elapsed.TotalSeconds;
            trainSamples += seen;
            double epochRate = seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);

            var (valLoss, valAcc) = Evaluation.Run(Network, _validation);
            var record = new EpochRecord(epoch + 1, lossSum / seen, (double)correct / seen, valLoss, valAcc, lr, epochClock.Elapsed.TotalSeconds, epochRate);
            history.Add(record);

            if (plateau is not null && plateau.OnEpochEnd(MonitorValue(plateau.Monitor, record), lr) is double newLr)
                _observer.OnMessage($"epoch {epoch + 1}: {plateau.Monitor} has not improved; reducing learning rate to {newLr:G4}");
            if (early is not null)
            {
                var (improved, stop) = early.OnEpochEnd(epoch + 1, MonitorValue(early.Monitor, record));
                if (improved && best is not null) store.Values.CopyTo(best, 0);
                if (stop)
                {
                    stopped = true;
                    status = TrainingStatus.EarlyStopped;
                    message = $"early stopping after epoch {epoch + 1}: {early.Monitor} has not improved for {callbacks.EarlyStopping!.Patience} epochs (best {early.State.Best:G6} at epoch {early.State.BestEpoch})";
                    if (best is not null && early.State.HasBestWeights)
                    {
                        best.CopyTo(store.Values, 0);
                        restoredBest = true;
                        message += $"; restored the weights of epoch {early.State.BestEpoch}";
                    }
                    _observer.OnMessage(message);
                }
            }

            Persist(dir, RunFiles.History, () => RunFiles.WriteHistory(dir, history));
            if (callbacks.CsvLogger is { } csv) Persist(dir, csv.FileName, () => WriteCsvLog(dir, csv, history, epoch == startEpoch));
            var checkpointState = new CheckpointState
            {
                EpochsCompleted = epoch + 1,
                GlobalStep = globalStep,
                LearningRate = lr,
                Seed = spec.Seed,
                Limit = _options.Limit,
                SpecSha256 = fingerprint,
                Optimizer = spec.Optimizer.Type,
                OptimizerState = Optimizer.StateNames,
                EarlyStopping = early?.State,
                Plateau = plateau?.State,
                Stopped = stopped,
            };
            Persist(dir, RunCheckpoints.Latest, () => RunCheckpoints.Save(dir, checkpointState, store, Optimizer, best is not null && early!.State.HasBestWeights ? best : null));
            _observer.OnEpochEnd(record, plan);
        }

        double samplesPerSecond = trainSamples / Math.Max(trainSeconds, 1e-9);
        if (status is TrainingStatus.NonFiniteLoss or TrainingStatus.NonFiniteGradient) return new TrainingResult(status, message, history, null, null, samplesPerSecond, dir);
        if (stopped && status == TrainingStatus.Completed)
        {
            status = TrainingStatus.EarlyStopped;
            message = "the run had already been stopped by early stopping";
        }
        // When the test set validates and the weights are those of the last epoch, its figures are the test figures.
        var (testLoss, testAcc) = _validationIsTest && history.Count > startEpoch && !restoredBest
            ? (history[^1].ValLoss, history[^1].ValAccuracy)
            : Evaluation.Run(Network, _test);
        Persist(dir, RunFiles.Metrics, () => RunFiles.WriteMetrics(dir, new RunFiles.RunMetrics(testAcc, testLoss, history.Count, samplesPerSecond,
            _graph.ParameterCount, _graph.TrainableParameterCount, status.ToString(), memory.AllocatedBytesPerStep, memory.GcPauseFraction)));
        return new TrainingResult(status, message, history, testLoss, testAcc, samplesPerSecond, dir);
    }

    /// <summary>
    /// Runs one write into the run folder; an I/O failure becomes a <see cref="TrainingException"/> naming the file and
    /// the cause. Every write is atomic, so the files written before (and the last good checkpoint) are unchanged.
    /// </summary>
    private static void Persist(string dir, string file, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string kept = RunCheckpoints.Exists(dir) ? $"the last good checkpoint is kept in {dir}" : "no checkpoint was written";
            throw new TrainingException($"cannot write {Path.Combine(dir, file)}: {e.Message}; {kept}");
        }
    }

    /// <summary>
    /// The first parameter slice holding a NaN or infinity in <paramref name="buffer"/> (values or gradients), or null.
    /// One vectorised sum over the whole buffer per call; the slices are searched only when it is not finite.
    /// </summary>
    internal static ParamSlice? FirstNonFinite(ParameterStore store, float[] buffer)
    {
        if (float.IsFinite(TensorPrimitives.Sum(buffer))) return null;
        foreach (var slice in store.Slices)
        {
            var span = buffer.AsSpan(slice.Offset, slice.Length);
            if (!float.IsFinite(TensorPrimitives.Sum(span)) && HasNonFinite(span)) return slice;
        }
        return null;   // the sum overflowed but every element is finite
    }

    private static bool HasNonFinite(ReadOnlySpan<float> span)
    {
        foreach (float v in span)
        {
            if (!float.IsFinite(v)) return true;
        }
        return false;
    }

    private string NonFiniteMessage(string what, ParamSlice slice, int epoch, int step, string dir)
    {
        string layer = _graph.Layers.FirstOrDefault(l => l.Parameters.Any(p => p.Path == slice.Path))?.Name ?? "?";
        return $"non-finite {what} in {slice.Path} ({layer}) at epoch {epoch + 1}, batch {step + 1}; " +
            (RunCheckpoints.Exists(dir) ? $"the last good checkpoint is kept in {dir}" : "no checkpoint was written");
    }

    /// <summary>
    /// Estimated bytes a <see cref="Network"/> of <paramref name="graph"/> allocates at <paramref name="batchSize"/>:
    /// per layer three batch-sized buffers of its output (activation, gradient, one working buffer such as a
    /// pre-activation or mask) plus the input and its gradient, and five parameter-sized buffers (values, gradients,
    /// up to three optimizer state sections). A deliberate over-estimate of the dominant terms, used to refuse a run
    /// up front rather than fail after allocating.
    /// </summary>
    public static long EstimateMemoryBytes(ModelGraph graph, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(graph);
        long perSample = 2 * graph.Input.Shape.Size;
        foreach (var layer in graph.Layers) perSample += 3 * layer.OutputShape.Size;
        return 4L * (perSample * batchSize + 5L * graph.ParameterCount);
    }

    private static void CheckMemory(ModelGraph graph, int batchSize, long availableBytes)
    {
        long need = EstimateMemoryBytes(graph, batchSize);
        if (availableBytes > 0 && need > availableBytes)
            throw new TrainingException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"batch {batchSize} needs an estimated {need / 1e9:F1} GB for activations, gradients, parameters and optimizer state; this machine has {availableBytes / 1e9:F1} GB available (lower --batch-size or shrink the model)"));
    }

    private static string LimitText(int? limit) => limit is int n ? $"--limit {n}" : "no --limit";

    private double CurrentLr(int epoch, ReduceLrOnPlateau? plateau) =>
        LearningRateSchedule.At(_graph.Train.Schedule, _graph.Train.Optimizer.LearningRate, epoch) * (plateau?.State.Scale ?? 1.0);

    private static void WriteCsvLog(string dir, CsvLoggerSpec csv, List<EpochRecord> history, bool firstEpochOfThisProcess)
    {
        string path = Path.Combine(dir, csv.FileName);
        var last = history[^1];
        if (csv.Append && !(firstEpochOfThisProcess && !File.Exists(path)))
        {
            bool empty = !File.Exists(path) || new FileInfo(path).Length == 0;
            File.AppendAllText(path, (empty ? RunFiles.CsvHeader + "\n" : "") + RunFiles.ToCsv([last], header: false));
        }
        else
        {
            RunFiles.WriteAtomic(path, RunFiles.ToCsv(history));
        }
    }

    /// <summary>The value a callback monitors: loss, accuracy, val_loss or val_accuracy (acc/val_acc accepted).</summary>
    internal static double MonitorValue(string monitor, EpochRecord r) => monitor switch
    {
        "loss" => r.Loss,
        "accuracy" or "acc" => r.Accuracy,
        "val_loss" => r.ValLoss,
        "val_accuracy" or "val_acc" => r.ValAccuracy,
        _ => throw new TrainingException($"unknown monitor '{monitor}': expected loss, accuracy, val_loss or val_accuracy"),
    };

    /// <summary>
    /// SHA-256 (hex) of everything that shapes training except the epoch count and file locations:
    /// input, layers with their parameters and initializers, and the train block with epochs = 0.
    /// A resumed run must match it.
    /// </summary>
    public static string SpecFingerprint(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var sb = new StringBuilder();
        sb.Append(graph.Input with { Location = SourceLocation.None }).Append('\n');
        sb.Append(string.Join(",", graph.Labels)).Append('\n');
        foreach (var layer in graph.Layers)
        {
            sb.Append(layer with { Location = SourceLocation.None }).Append('\n');
            foreach (var p in layer.Parameters) sb.Append(p).Append('\n');
        }
        var t = graph.Train;
        sb.Append(t with { Epochs = 0, Metrics = [] }).Append('\n').Append(string.Join(",", t.Metrics));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    internal static void CheckSampleSize(Network network, ImageSet set)
    {
        if (set.PixelsPerImage != network.InputSize)
            throw new TrainingException($"the data has {set.PixelsPerImage} values per sample ({set.Rows}x{set.Cols}), the model's input {network.Graph.Input.Shape} needs {network.InputSize}");
    }

    /// <summary>Copies samples [start, start+count) (through <paramref name="perm"/> when given) as raw 0–255 floats plus labels.</summary>
    internal static void Gather(ImageSet set, int start, int count, int[]? perm, float[] x, int[] y)
    {
        int size = set.PixelsPerImage;
        var pixels = set.Pixels;
        var labels = set.Labels;
        for (int i = 0; i < count; i++)
        {
            int index = perm is null ? start + i : perm[start + i];
            TensorPrimitives.ConvertChecked<byte, float>(pixels.AsSpan(index * size, size), x.AsSpan(i * size, size));
            y[i] = labels[index];
        }
    }

    /// <summary>
    /// Managed allocations and GC pauses inside the training loops (not evaluation or checkpoints), over every epoch
    /// after the first one this process ran (JIT and buffer warm-up), or over the first one when it is the only one.
    /// </summary>
    private sealed class StepMemory
    {
        private long _bytes, _steps, _startBytes, _firstBytes, _firstSteps;
        private TimeSpan _pause, _time, _startPause, _firstPause, _firstTime;
        private int _epochs;

        public void BeginEpoch()
        {
            _startBytes = GC.GetTotalAllocatedBytes(precise: true);
            _startPause = GC.GetTotalPauseDuration();
        }

        public void EndEpoch(int steps, TimeSpan elapsed)
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true) - _startBytes;
            var pause = GC.GetTotalPauseDuration() - _startPause;
            if (_epochs++ == 0)
            {
                (_firstBytes, _firstSteps, _firstPause, _firstTime) = (bytes, steps, pause, elapsed);
                return;
            }
            (_bytes, _steps, _pause, _time) = (_bytes + bytes, _steps + steps, _pause + pause, _time + elapsed);
        }

        private bool Warm => _epochs > 1;

        public double AllocatedBytesPerStep => _epochs == 0 ? double.NaN
            : Warm ? (double)_bytes / Math.Max(_steps, 1) : (double)_firstBytes / Math.Max(_firstSteps, 1);

        public double GcPauseFraction => _epochs == 0 ? double.NaN
            : Warm ? _pause / Max(_time) : _firstPause / Max(_firstTime);

        private static TimeSpan Max(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.FromTicks(1);
    }
}
