using System.Numerics.Tensors;
using NetForge.Data;
using NetForge.Train.Engines;

namespace NetForge.Train.Training;

/// <summary>A misclassified sample: its index in the set, true and predicted class, and their probabilities.</summary>
public sealed record Mistake(int Index, int Label, int Predicted, float Probability, float TrueProbability);

/// <summary>
/// An evaluation of a set: mean loss, accuracy, the confusion matrix ([classes·classes], row = true label, column =
/// prediction: the first most probable class) and the most confidently misclassified samples, most confident first.
/// </summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Count, int Correct, int Classes, long[] Confusion, IReadOnlyList<Mistake> Mistakes);

/// <summary>Inference over a whole set in batches, one forward pass per batch for loss, accuracy, confusion and mistakes.</summary>
public static class Evaluation
{
    /// <summary>
    /// Evaluates <paramref name="set"/> in batches of <see cref="ITrainingEngine.MaxBatch"/>; the loss is the mean over
    /// samples. Keeps the <paramref name="maxMistakes"/> most confident mistakes (ties: lower index first).
    /// </summary>
    public static EvaluationResult Run(ITrainingEngine engine, SampleSet set, int maxMistakes = 0)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(set);
        int classes = engine.NumClasses;
        var confusion = new long[classes * classes];
        if (set.Count == 0) return new EvaluationResult(double.NaN, double.NaN, 0, 0, classes, confusion, []);
        Batches.CheckSampleSize(engine.Graph, set);
        int batch = engine.MaxBatch;
        var x = new float[batch * engine.InputSize];
        var y = new int[batch];
        var probs = new float[batch * classes];
        var wrong = new List<Mistake>();
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < set.Count; start += batch)
        {
            int b = Math.Min(batch, set.Count - start);
            Batches.Gather(set, start, b, null, x, y);
            var r = engine.Evaluate(x.AsSpan(0, b * engine.InputSize), y.AsSpan(0, b), b, probs);
            lossSum += r.Loss * b;
            correct += r.Correct;
            for (int i = 0; i < b; i++)
            {
                var row = probs.AsSpan(i * classes, classes);
                int best = TensorPrimitives.IndexOfMax(row);
                confusion[y[i] * classes + best]++;
                if (best != y[i] && maxMistakes > 0) wrong.Add(new Mistake(start + i, y[i], best, row[best], row[y[i]]));
            }
        }
        var mistakes = wrong.OrderByDescending(w => w.Probability).ThenBy(w => w.Index).Take(maxMistakes).ToList();
        return new EvaluationResult(lossSum / set.Count, (double)correct / set.Count, set.Count, (int)correct, classes, confusion, mistakes);
    }
}

/// <summary>Batches of raw samples from a <see cref="SampleSet"/>, as every engine takes them.</summary>
internal static class Batches
{
    public static void CheckSampleSize(Spec.Graph.ModelGraph graph, SampleSet set)
    {
        long size = graph.Input.Shape.Size;
        if (set.SampleSize != size)
            throw new TrainingException($"the data has {set.SampleSize} values per sample ({set.SampleDescription}), the model's input {graph.Input.Shape} needs {size}");
    }

    /// <summary>Copies samples [start, start+count) (through <paramref name="perm"/> when given) as raw floats (pixels 0–255, table values) plus labels.</summary>
    public static void Gather(SampleSet set, int start, int count, int[]? perm, float[] x, int[] y)
    {
        int size = set.SampleSize;
        var labels = set.Labels;
        for (int i = 0; i < count; i++)
        {
            int index = perm is null ? start + i : perm[start + i];
            set.CopySample(index, x.AsSpan(i * size, size));
            y[i] = labels[index];
        }
    }
}
