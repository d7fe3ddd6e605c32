using System.Diagnostics;
using NetForge.Data;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Engines;
using NetForge.Train.Random;
using NetForge.Train.Schedules;

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
/// The loop knows no engine: it drives an <see cref="ITrainingEngine"/> from the factory it is given.
/// </summary>
public sealed class Trainer
{
    private readonly ModelGraph _graph;
    private readonly SampleSet _train, _validation, _test;
    private readonly bool _validationIsTest;
    private readonly TrainerOptions _options;
    private readonly ITrainingObserver _observer;
    private readonly ulong _seed;
    private readonly string _dir;

    /// <summary>Prepares a run: the engine (batch-size activations, <see cref="TrainerOptions.Threads"/> workers) and the data split.</summary>
    public Trainer(ITrainingEngineFactory engines, ModelGraph graph, SampleSet train, SampleSet test, TrainerOptions options, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads is < 1 or > 64) throw new TrainingException($"threads must be in 1..64, got {options.Threads}");
        if (graph.Train.BatchSize is < 1 or > 65536) throw new TrainingException($"batch_size must be in 1..65536, got {graph.Train.BatchSize}");
        _graph = graph;
        _options = options;
        _dir = options.RunDirectory;
        _observer = observer ?? NullTrainingObserver.Instance;
        _seed = unchecked((ulong)(long)graph.Train.Seed);
        CheckMemory(engines.EstimateMemoryBytes(graph, graph.Train.BatchSize), graph.Train.BatchSize, options.AvailableMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        Batches.CheckSampleSize(graph, train);
        Batches.CheckSampleSize(graph, test);
        Engine = engines.Create(graph, graph.Train.BatchSize, options.Threads);

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
    }

    /// <summary>The engine being trained (its parameters are the weights after <see cref="Run"/>).</summary>
    public ITrainingEngine Engine { get; }

    /// <summary>The loop's memory between epochs: what a checkpoint restores.</summary>
    private sealed class RunState
    {
        public int StartEpoch;
        public long GlobalStep;
        public bool Stopped, RestoredBest;
        public List<EpochRecord> History = [];
        public EarlyStopping? Early;
        public ReduceLrOnPlateau? Plateau;
        public float[]? Best;
        public TrainingStatus Status = TrainingStatus.Completed;
        public string? Message;
        public double TrainSeconds;
        public long TrainSamples;
        public EvaluationResult? LastValidation;
    }

    /// <summary>Trains to <c>train.epochs</c> (or resumes towards it), evaluates the test set and writes the run folder.</summary>
    public TrainingResult Run()
    {
        Directory.CreateDirectory(_dir);
        using var runLock = RunFiles.AcquireLock(_dir);
        RunFiles.RemoveStaleTempFiles(_dir);
        var run = Start();
        if (_options.WriteResolvedSpec)
            Persist(_dir, RunFiles.ResolvedSpec, () => RunFiles.WriteAtomic(Path.Combine(_dir, RunFiles.ResolvedSpec), SpecCompiler.ToResolvedYaml(_graph)));

        var spec = _graph.Train;
        int steps = (_train.Count + spec.BatchSize - 1) / spec.BatchSize;
        var plan = new TrainingPlan(run.StartEpoch + 1, spec.Epochs, steps, spec.BatchSize, _train.Count, _validation.Count, _validationIsTest,
            _graph.ParameterCount, _options.Threads, _dir);
        _observer.OnTrainBegin(plan);
        var loop = new EpochLoop(this, steps);
        for (int epoch = run.StartEpoch; epoch < spec.Epochs && !run.Stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lr = CurrentLr(epoch, run.Plateau);
            if (!loop.Train(epoch, lr, run, out double loss, out double accuracy, out double rate)) break;
            run.LastValidation = Evaluation.Run(Engine, _validation, _validationIsTest ? _options.TestMistakes : 0);
            var record = new EpochRecord(epoch + 1, loss, accuracy, run.LastValidation.Loss, run.LastValidation.Accuracy, lr, clock.Elapsed.TotalSeconds, rate);
            run.History.Add(record);
            ApplyCallbacks(epoch, lr, record, run);
            SaveEpoch(epoch, lr, run);
            _observer.OnEpochEnd(record, plan);
        }
        return Finish(run, loop.Memory);
    }

    /// <summary>A fresh run (initialised weights) or the state of the last good checkpoint (one load, verified).</summary>
    private RunState Start()
    {
        var callbacks = _graph.Train.Callbacks;
        var run = new RunState
        {
            Early = callbacks.EarlyStopping is { } es ? new EarlyStopping(es) : null,
            Plateau = callbacks.ReduceLrOnPlateau is { } rp ? new ReduceLrOnPlateau(rp) : null,
        };
        foreach (var monitor in new[] { run.Early?.Monitor, run.Plateau?.Monitor })
        {
            if (monitor is not null) MonitorValue(monitor, new EpochRecord(0, 0, 0, 0, 0, 0, 0, 0));
        }
        run.Best = run.Early is { RestoreBest: true } ? new float[_graph.ParameterCount] : null;
        if (!_options.Resume)
        {
            if (RunCheckpoints.Exists(_dir))
                throw new TrainingException($"{_dir} already holds a checkpoint; pass --resume {_dir} to continue it, or --out another folder");
            Engine.Initialize(_seed);
            return run;
        }

        if (_options.ResumeFrom is null && !RunCheckpoints.Exists(_dir)) throw new TrainingException($"{_dir}: nothing to resume (no {RunCheckpoints.Latest})");
        var (state, tensors, path) = _options.ResumeFrom ?? RunCheckpoints.LoadLatest(_dir, _observer.OnMessage);
        if (state.SpecSha256 != _graph.Fingerprint())
            throw new TrainingException(RunFolder.ForeignCheckpointMessage(path, _graph.SourcePath) + " (only epochs may change on resume)");
        if (state.Limit != _options.Limit)
            throw new TrainingException($"{path}: the run was trained with {LimitText(state.Limit)}, this resume asks for {LimitText(_options.Limit)}; pass the same --limit");
        if (state.Optimizer != _graph.Train.Optimizer.Type)
            throw new TrainingException($"{path}: optimizer '{state.Optimizer}' in the checkpoint, '{_graph.Train.Optimizer.Type}' in the spec");
        if (state.Engine != Engine.Name)
            throw new TrainingException($"{path}: the run was trained by the {state.Engine} engine; resume it with that engine (this one is {Engine.Name})");
        Engine.LoadCheckpoint(tensors, path, optimizer: true);
        if (state.EarlyStopping is { HasBestWeights: true } && run.Best is not null) RunCheckpoints.ReadBest(path, tensors, _graph, run.Best);
        Engine.OptimizerSteps = state.GlobalStep;
        if (run.Early is not null && state.EarlyStopping is not null) run.Early = new EarlyStopping(callbacks.EarlyStopping!, state.EarlyStopping);
        if (run.Plateau is not null && state.Plateau is not null) run.Plateau = new ReduceLrOnPlateau(callbacks.ReduceLrOnPlateau!, state.Plateau);
        (run.StartEpoch, run.GlobalStep, run.Stopped) = (state.EpochsCompleted, state.GlobalStep, state.Stopped);
        run.History = RunFiles.ReadHistory(_dir).Take(run.StartEpoch).ToList();
        _observer.OnMessage(run.Stopped
            ? $"resuming {_dir}: the run was stopped after epoch {run.StartEpoch}; nothing left to train"
            : $"resuming {_dir} after epoch {run.StartEpoch} (step {run.GlobalStep})");
        return run;
    }

    /// <summary>One epoch's steps; its buffers are allocated once per run.</summary>
    private sealed class EpochLoop(Trainer t, int steps)
    {
        private readonly float[] _x = new float[t._graph.Train.BatchSize * t.Engine.InputSize];
        private readonly int[] _y = new int[t._graph.Train.BatchSize];
        private readonly int[] _perm = new int[t._train.Count];
        private readonly Stopwatch _clock = new();

        public StepMemory Memory { get; } = new();

        /// <summary>False when a non-finite loss, gradient or weight stopped the run (status and message set).</summary>
        public bool Train(int epoch, double lr, RunState run, out double loss, out double accuracy, out double rate)
        {
            var spec = t._graph.Train;
            var engine = t.Engine;
            int batch = spec.BatchSize, n = t._train.Count;
            CounterRng.Permutation(CounterRng.Stream(t._seed, CounterRng.ShuffleStream, (ulong)epoch), _perm);
            ulong epochKey = CounterRng.Stream(t._seed, CounterRng.DropoutStream, (ulong)epoch);
            double lossSum = 0;
            long correct = 0, seen = 0;
            var lastReport = TimeSpan.Zero;
            (loss, accuracy, rate) = (double.NaN, double.NaN, 0);
            Memory.BeginEpoch();
            _clock.Restart();
            for (int step = 0; step < steps; step++)
            {
                int b = Math.Min(batch, n - step * batch);
                Batches.Gather(t._train, step * batch, b, _perm, _x, _y);
                engine.ZeroGrad();
                var r = engine.TrainStep(_x.AsSpan(0, b * engine.InputSize), _y.AsSpan(0, b), b, CounterRng.Stream(epochKey, (ulong)step, 0));
                if (t.NonFinite(r.Loss, epoch, step, run)) return false;
                engine.Step((float)lr);
                if (t.NonFiniteWeights(epoch, step, run)) return false;
                run.GlobalStep++;
                lossSum += r.Loss * b;
                correct += r.Correct;
                seen += b;
                var elapsed = _clock.Elapsed;
                if (step == steps - 1 || elapsed - lastReport >= t._options.ProgressInterval)
                {
                    lastReport = elapsed;
                    double now = seen / Math.Max(elapsed.TotalSeconds, 1e-9);
                    t._observer.OnBatch(new BatchProgress(epoch + 1, spec.Epochs, step + 1, steps, lossSum / seen, (double)correct / seen, now,
                        TimeSpan.FromSeconds((n - seen) / Math.Max(now, 1e-9))));
                }
            }
            Memory.EndEpoch(steps, _clock.Elapsed);
            run.TrainSeconds += _clock.Elapsed.TotalSeconds;
            run.TrainSamples += seen;
            (loss, accuracy, rate) = (lossSum / seen, (double)correct / seen, seen / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9));
            return true;
        }
    }

    /// <summary>
    /// terminate_on_nan before the update: a non-finite loss, or (with clip_norm, which scales every gradient by the global
    /// norm, so a bad one must be named before it spreads) a non-finite gradient. Then clips. True when the run stops.
    /// </summary>
    private bool NonFinite(double loss, int epoch, int step, RunState run)
    {
        var spec = _graph.Train;
        if (!double.IsFinite(loss) && spec.Callbacks.TerminateOnNan)
        {
            run.Status = TrainingStatus.NonFiniteLoss;
            run.Message = $"loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} at epoch {epoch + 1}, batch {step + 1}; " +
                Kept(_dir);
            return true;
        }
        if (spec.Callbacks.TerminateOnNan && spec.ClipNorm is not null && Engine.FirstNonFinite(gradients: true) is { } badGrad)
        {
            run.Status = TrainingStatus.NonFiniteGradient;
            run.Message = NonFiniteMessage("gradient", badGrad, epoch, step, _dir);
            return true;
        }
        if (spec.ClipNorm is double maxNorm) Engine.ClipGradNorm(maxNorm);
        return false;
    }

    /// <summary>
    /// terminate_on_nan after the update, one pass over the weights per step: a non-finite gradient always makes its weights
    /// non-finite (every optimizer adds a multiple of it, or of m/sqrt(v) = NaN for an infinite one), and the gradients are
    /// still intact after the step, so the cause is named precisely only when needed. True when the run stops.
    /// </summary>
    private bool NonFiniteWeights(int epoch, int step, RunState run)
    {
        if (!_graph.Train.Callbacks.TerminateOnNan || Engine.FirstNonFinite(gradients: false) is not { } badWeight) return false;
        run.Status = TrainingStatus.NonFiniteGradient;
        run.Message = Engine.FirstNonFinite(gradients: true) is { } cause
            ? NonFiniteMessage("gradient", cause, epoch, step, _dir)
            : NonFiniteMessage("weight (after the update)", badWeight, epoch, step, _dir);
        return true;
    }

    /// <summary>reduce_lr_on_plateau and early_stopping (which may restore the best weights) after epoch <paramref name="epoch"/>.</summary>
    private void ApplyCallbacks(int epoch, double lr, EpochRecord record, RunState run)
    {
        if (run.Plateau is { } plateau && plateau.OnEpochEnd(MonitorValue(plateau.Monitor, record), lr) is double newLr)
            _observer.OnMessage($"epoch {epoch + 1}: {plateau.Monitor} has not improved; reducing learning rate to {newLr:G4}");
        if (run.Early is not { } early) return;
        var (improved, stop) = early.OnEpochEnd(epoch + 1, MonitorValue(early.Monitor, record));
        if (improved && run.Best is not null) Engine.ReadParameters(run.Best);
        if (!stop) return;
        run.Stopped = true;
        run.Status = TrainingStatus.EarlyStopped;
        run.Message = $"early stopping after epoch {epoch + 1}: {early.Monitor} has not improved for {_graph.Train.Callbacks.EarlyStopping!.Patience} epochs (best {early.State.Best:G6} at epoch {early.State.BestEpoch})";
        if (run.Best is not null && early.State.HasBestWeights)
        {
            Engine.WriteParameters(run.Best);
            run.RestoredBest = true;
            run.Message += $"; restored the weights of epoch {early.State.BestEpoch}";
        }
        _observer.OnMessage(run.Message);
    }

    /// <summary>History, csv_logger and a checkpoint of the engine's tensors as they are (no copies).</summary>
    private void SaveEpoch(int epoch, double lr, RunState run)
    {
        var spec = _graph.Train;
        Persist(_dir, RunFiles.History, () => RunFiles.WriteHistory(_dir, run.History));
        if (spec.Callbacks.CsvLogger is { } csv) Persist(_dir, csv.FileName, () => WriteCsvLog(_dir, csv, run.History, epoch == run.StartEpoch));
        var state = new CheckpointState
        {
            EpochsCompleted = epoch + 1,
            GlobalStep = run.GlobalStep,
            LearningRate = lr,
            Seed = spec.Seed,
            Limit = _options.Limit,
            SpecSha256 = _graph.Fingerprint(),
            Optimizer = spec.Optimizer.Type,
            OptimizerState = Engine.OptimizerStateNames,
            Engine = Engine.Name,
            EarlyStopping = run.Early?.State,
            Plateau = run.Plateau?.State,
            Stopped = run.Stopped,
        };
        var tensors = Engine.CheckpointTensors();
        if (run.Best is not null && run.Early!.State.HasBestWeights) tensors = tensors.Concat(RunCheckpoints.BestTensors(_graph, run.Best));
        Persist(_dir, RunCheckpoints.Latest, () => RunCheckpoints.Save(_dir, state, tensors));
    }

    /// <summary>
    /// The test evaluation (the last validation when the test set validated the final weights: no second pass) and
    /// metrics.json. The evaluation, confusion matrix and most confident mistakes included, is the result's <c>Test</c>.
    /// </summary>
    private TrainingResult Finish(RunState run, StepMemory memory)
    {
        double samplesPerSecond = run.TrainSamples / Math.Max(run.TrainSeconds, 1e-9);
        if (run.Status is TrainingStatus.NonFiniteLoss or TrainingStatus.NonFiniteGradient)
            return new TrainingResult(run.Status, run.Message, run.History, null, null, samplesPerSecond, _dir);
        if (run.Stopped && run.Status == TrainingStatus.Completed)
        {
            run.Status = TrainingStatus.EarlyStopped;
            run.Message = "the run had already been stopped by early stopping";
        }
        var test = _validationIsTest && run.LastValidation is not null && !run.RestoredBest
            ? run.LastValidation
            : Evaluation.Run(Engine, _test, _options.TestMistakes);
        Persist(_dir, RunFiles.Metrics, () => RunFiles.WriteMetrics(_dir, new RunFiles.RunMetrics(test.Accuracy, test.Loss, run.History.Count, samplesPerSecond,
            _graph.ParameterCount, _graph.TrainableParameterCount, run.Status.ToString(), memory.AllocatedBytesPerStep, memory.GcPauseFraction)));
        return new TrainingResult(run.Status, run.Message, run.History, test.Loss, test.Accuracy, samplesPerSecond, _dir) { Test = test };
    }

    private static void CheckMemory(long need, int batchSize, long availableBytes)
    {
        if (availableBytes > 0 && need > availableBytes)
            throw new TrainingException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"batch {batchSize} needs an estimated {need / 1e9:F1} GB for activations, gradients, parameters and optimizer state; this machine has {availableBytes / 1e9:F1} GB available (lower --batch-size or shrink the model)"));
    }

    /// <summary>
    /// Runs one write into the run folder; an I/O failure becomes a <see cref="TrainingException"/> naming the file and
    /// the cause. Every write is atomic, so the files written before (and the last good checkpoint) are unchanged.
    /// </summary>
    /// <summary>What a stopped run leaves behind, for its message.</summary>
    private static string Kept(string dir) =>
        RunCheckpoints.Exists(dir) ? $"the last good checkpoint is kept in {dir}" : "no checkpoint was written";

    private static void Persist(string dir, string file, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot write {Path.Combine(dir, file)}: {e.Message}; {Kept(dir)}");
        }
    }

    private string NonFiniteMessage(string what, string path, int epoch, int step, string dir)
    {
        string layer = _graph.Layers.FirstOrDefault(l => l.Parameters.Any(p => p.Path == path))?.Name ?? "?";
        return $"non-finite {what} in {path} ({layer}) at epoch {epoch + 1}, batch {step + 1}; " +
            Kept(dir);
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
