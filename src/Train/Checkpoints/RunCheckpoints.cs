using NetForge.Spec.Graph;
using NetForge.Train.Engines;

namespace NetForge.Train.Checkpoints;

/// <summary>
/// The checkpoints of a run folder: <c>checkpoint.safetensors</c> (latest) and
/// <c>checkpoint.prev.safetensors</c> (the one before). Tensors: every parameter by path
/// (<c>layers.0.weight</c>), every optimizer state section as <c>optimizer.{name}</c> [parameter count],
/// and with early stopping's restore_best the best weights as <c>best.{path}</c>.
/// A save writes <c>checkpoint.next.safetensors</c> atomically, then rotates latest → prev and next → latest,
/// so at every instant some complete, verified checkpoint exists.
/// </summary>
public static class RunCheckpoints
{
    public const string Latest = "checkpoint.safetensors";
    public const string Previous = "checkpoint.prev.safetensors";
    public const string Next = "checkpoint.next.safetensors";

    /// <summary>True when <paramref name="runDirectory"/> holds any checkpoint file.</summary>
    public static bool Exists(string runDirectory) =>
        new[] { Latest, Next, Previous }.Any(f => File.Exists(Path.Combine(runDirectory, f)));

    /// <summary>Prefix of the optimizer state tensors: <c>optimizer.exp_avg</c>.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>Prefix of early stopping's best weights: <c>best.layers.0.weight</c>.</summary>
    public const string BestPrefix = "best.";

    /// <summary>
    /// Saves <paramref name="tensors"/> (an engine's <see cref="ITrainingEngine.CheckpointTensors"/>, plus best weights) with
    /// <paramref name="state"/>: written to <see cref="Next"/> atomically, then rotated into place.
    /// </summary>
    public static void Save(string runDirectory, CheckpointState state, IEnumerable<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        string latest = Path.Combine(runDirectory, Latest), next = Path.Combine(runDirectory, Next);
        Checkpoint.Save(next, state, [.. tensors.Select(t => (t.Name, t.Shape, t.Data))]);
        if (File.Exists(latest)) File.Move(latest, Path.Combine(runDirectory, Previous), overwrite: true);
        File.Move(next, latest, overwrite: true);
    }

    /// <summary>The tensors <c>best.{path}</c> of a flat parameter view of <paramref name="graph"/> (no copy).</summary>
    public static IEnumerable<NamedTensor> BestTensors(ModelGraph graph, float[] best)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int offset = 0;
        foreach (var p in graph.Parameters)
        {
            int n = (int)p.Size;
            yield return new NamedTensor(BestPrefix + p.Path, p.Shape.ToArray(), best.AsMemory(offset, n));
            offset += n;
        }
    }

    /// <summary>Reads the <c>best.{path}</c> tensors into a flat parameter view of <paramref name="graph"/>.</summary>
    public static void ReadBest(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, ModelGraph graph, float[] best)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int offset = 0;
        foreach (var p in graph.Parameters)
        {
            int n = (int)p.Size;
            Copy(path, tensors, BestPrefix + p.Path, p.Shape.ToArray(), best.AsSpan(offset, n));
            offset += n;
        }
    }

    /// <summary>
    /// Loads the newest checkpoint that verifies: latest, then next (a save interrupted between renames),
    /// then prev. <paramref name="warn"/> hears about every file skipped and why.
    /// Throws <see cref="CheckpointException"/> naming the folder when none is usable.
    /// </summary>
    public static LoadedCheckpoint LoadLatest(string runDirectory, Action<string>? warn = null)
    {
        var problems = new List<string>();
        foreach (var name in new[] { Latest, Next, Previous })
        {
            string path = Path.Combine(runDirectory, name);
            if (!File.Exists(path)) continue;
            try
            {
                var (state, tensors) = Checkpoint.Load(path);
                if (problems.Count > 0) warn?.Invoke($"using the previous good checkpoint {path}");
                return new LoadedCheckpoint(state, tensors, path);
            }
            catch (CheckpointException e)
            {
                problems.Add(e.Message);
                warn?.Invoke(e.Message);
            }
        }
        throw new CheckpointException(runDirectory, problems.Count == 0
            ? $"no checkpoint found (expected {Latest})"
            : "no usable checkpoint: " + string.Join("; ", problems));
    }

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="destination"/>, checking that it exists and has <paramref name="shape"/>.</summary>
    /// <exception cref="CheckpointException">Missing or of another shape; the message names <paramref name="path"/>.</exception>
    public static void Copy(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, string name, int[] shape, Span<float> destination) =>
        Require(path, tensors, name, shape).Data.CopyTo(destination);

    /// <summary>Tensor <paramref name="name"/>, checked to exist and to have <paramref name="shape"/> (its data is not copied).</summary>
    /// <exception cref="CheckpointException">Missing or of another shape; the message names <paramref name="path"/>.</exception>
    public static CheckpointTensor Require(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, string name, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!tensors.TryGetValue(name, out var t)) throw new CheckpointException(path, $"no tensor '{name}' (was the checkpoint written for another spec?)");
        if (!t.Shape.AsSpan().SequenceEqual(shape))
            throw new CheckpointException(path, $"tensor '{name}': shape mismatch, expected [{string.Join(", ", shape)}], got [{string.Join(", ", t.Shape)}]");
        return t;
    }
}

/// <summary>A checkpoint read and verified: its state, its tensors by name and the file it came from.</summary>
public sealed record LoadedCheckpoint(CheckpointState State, IReadOnlyDictionary<string, CheckpointTensor> Tensors, string Path);
