using NetForge.Train.Optimizers;
using NetForge.Train.Tensors;

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

    /// <summary>Saves parameters, optimizer state and (optionally) best weights with <paramref name="state"/>.</summary>
    public static void Save(string runDirectory, CheckpointState state, ParameterStore store, Optimizer? optimizer, float[]? bestWeights)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        foreach (var s in store.Slices) tensors.Add((s.Path, s.Spec.Shape.ToArray(), store.Values.AsMemory(s.Offset, s.Length)));
        if (optimizer is not null)
        {
            var all = new float[optimizer.State.Length];
            optimizer.State.CopyTo(all);
            for (int i = 0; i < optimizer.StateNames.Count; i++)
                tensors.Add(("optimizer." + optimizer.StateNames[i], [store.Count], all.AsMemory(i * store.Count, store.Count)));
        }
        if (bestWeights is not null)
        {
            foreach (var s in store.Slices) tensors.Add(("best." + s.Path, s.Spec.Shape.ToArray(), bestWeights.AsMemory(s.Offset, s.Length)));
        }
        string latest = Path.Combine(runDirectory, Latest), next = Path.Combine(runDirectory, Next);
        Checkpoint.Save(next, state, tensors);
        if (File.Exists(latest)) File.Move(latest, Path.Combine(runDirectory, Previous), overwrite: true);
        File.Move(next, latest, overwrite: true);
    }

    /// <summary>
    /// Loads the newest checkpoint that verifies: latest, then next (a save interrupted between renames),
    /// then prev. <paramref name="warn"/> hears about every file skipped and why.
    /// Throws <see cref="CheckpointException"/> naming the folder when none is usable.
    /// </summary>
    public static (CheckpointState State, IReadOnlyDictionary<string, CheckpointTensor> Tensors, string Path) LoadLatest(string runDirectory, Action<string>? warn = null)
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
                return (state, tensors, path);
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

    /// <summary>Copies the parameters (and optimizer state / best weights when given) from loaded tensors, checking names and shapes.</summary>
    public static void Restore(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, ParameterStore store, Optimizer? optimizer = null, float[]? bestWeights = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(store);
        foreach (var s in store.Slices)
        {
            Copy(path, tensors, s.Path, s.Spec.Shape.ToArray(), store.Value(s));
            if (bestWeights is not null) Copy(path, tensors, "best." + s.Path, s.Spec.Shape.ToArray(), bestWeights.AsSpan(s.Offset, s.Length));
        }
        if (optimizer is null) return;
        for (int i = 0; i < optimizer.StateNames.Count; i++)
            Copy(path, tensors, "optimizer." + optimizer.StateNames[i], [store.Count], optimizer.StateSection(i));
    }

    /// <summary>Loads only the parameters of the newest good checkpoint of <paramref name="runDirectory"/> into <paramref name="store"/>.</summary>
    public static CheckpointState LoadParameters(string runDirectory, ParameterStore store, Action<string>? warn = null)
    {
        var (state, tensors, path) = LoadLatest(runDirectory, warn);
        Restore(path, tensors, store);
        return state;
    }

    private static void Copy(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, string name, int[] shape, Span<float> destination)
    {
        if (!tensors.TryGetValue(name, out var t)) throw new CheckpointException(path, $"no tensor '{name}' (was the checkpoint written for another spec?)");
        if (!t.Shape.AsSpan().SequenceEqual(shape))
            throw new CheckpointException(path, $"tensor '{name}': shape mismatch, expected [{string.Join(", ", shape)}], got [{string.Join(", ", t.Shape)}]");
        t.Data.CopyTo(destination);
    }
}
