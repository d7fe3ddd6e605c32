using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Engines;

namespace NetForge.Train.Training;

/// <summary>A run folder cannot be used: missing, not a run folder, no checkpoint, or a checkpoint of another spec.</summary>
public sealed class RunFolderException(string message) : Exception(message);

/// <summary>
/// A run folder written by <c>netforge train</c>, opened the one way every command opens it (evaluate, export, parity,
/// report, resume): <c>spec.resolved.yaml</c> compiled, the newest checkpoint that verifies loaded once, and its spec
/// fingerprint checked against the spec, so a checkpoint that belongs to another spec is refused by every command with
/// the same message. Records the engine that wrote the run.
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string directory, string specPath, string specText, ModelGraph graph, LoadedCheckpoint? checkpoint)
    {
        Directory = directory;
        SpecPath = specPath;
        SpecText = specText;
        Graph = graph;
        Checkpoint = checkpoint;
    }

    /// <summary>The folder as the caller named it.</summary>
    public string Directory { get; }

    /// <summary><c>&lt;run&gt;/spec.resolved.yaml</c>.</summary>
    public string SpecPath { get; }

    public string SpecText { get; }

    public ModelGraph Graph { get; }

    /// <summary>The newest checkpoint that verified, or null for a folder without one (opened with <c>requireCheckpoint: false</c>).</summary>
    public LoadedCheckpoint? Checkpoint { get; }

    /// <summary>The engine that trained the run (<c>netforge</c> for runs from before engines were recorded).</summary>
    public string Engine => Checkpoint?.State.Engine ?? "netforge";

    /// <summary>Epochs of the checkpoint (0 without one).</summary>
    public int EpochsCompleted => Checkpoint?.State.EpochsCompleted ?? 0;

    /// <summary>The message every command gives for a checkpoint written for another spec.</summary>
    public static string ForeignCheckpointMessage(string checkpointPath, string specPath) =>
        $"{checkpointPath} was written for a different spec than {specPath}; it cannot be evaluated, exported, certified or resumed with it";

    /// <summary>
    /// Opens <paramref name="directory"/>. <paramref name="warn"/> hears about checkpoints skipped for a previous good one.
    /// </summary>
    /// <exception cref="RunFolderException">Not a run folder, no checkpoint (when required), or a checkpoint of another spec.</exception>
    /// <exception cref="SpecException">The resolved spec does not compile (located diagnostics).</exception>
    /// <exception cref="CheckpointException">No checkpoint file verifies.</exception>
    public static RunFolder Open(string directory, Action<string>? warn = null, bool requireCheckpoint = true)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory)) throw new RunFolderException($"run folder {directory} not found (train one with 'netforge train <spec>')");
        string specPath = Path.Combine(directory, RunFiles.ResolvedSpec);
        if (!File.Exists(specPath)) throw new RunFolderException($"{directory} is not a run folder: {RunFiles.ResolvedSpec} is missing");
        string text = SpecCompiler.ReadText(specPath);
        var graph = SpecCompiler.Compile(text, specPath);
        LoadedCheckpoint? checkpoint = null;
        if (RunCheckpoints.Exists(directory))
        {
            checkpoint = RunCheckpoints.LoadLatest(directory, warn);
            if (checkpoint.State.SpecSha256 != graph.Fingerprint()) throw new RunFolderException(ForeignCheckpointMessage(checkpoint.Path, specPath));
        }
        else if (requireCheckpoint)
        {
            throw new RunFolderException($"{directory} has no checkpoint yet ({RunCheckpoints.Latest}): train it first");
        }
        return new RunFolder(directory, specPath, text, graph, checkpoint);
    }

    /// <summary>The trained parameters by path, each checked against the spec's shape (what the exporter takes): the checkpoint's own arrays.</summary>
    public IReadOnlyDictionary<string, float[]> Weights()
    {
        var checkpoint = RequireCheckpoint();
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var p in Graph.Parameters)
            weights[p.Path] = RunCheckpoints.Require(checkpoint.Path, checkpoint.Tensors, p.Path, p.Shape.ToArray()).Data;   // the loaded arrays, not copies
        return weights;
    }

    /// <summary>Builds an engine of <paramref name="engines"/> for this run's graph and loads the trained parameters into it.</summary>
    public ITrainingEngine CreateEngine(ITrainingEngineFactory engines, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(engines);
        var checkpoint = RequireCheckpoint();
        var engine = engines.Create(Graph, maxBatch, threads);
        try
        {
            engine.LoadCheckpoint(checkpoint.Tensors, checkpoint.Path, optimizer: false);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private LoadedCheckpoint RequireCheckpoint() =>
        Checkpoint ?? throw new RunFolderException($"{Directory} has no checkpoint yet ({RunCheckpoints.Latest}): train it first");
}
