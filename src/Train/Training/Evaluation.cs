using NetForge.Data;

namespace NetForge.Train.Training;

/// <summary>Receives each sample during <see cref="Evaluation.Run"/>: index into the set, true label, predicted class (the
/// confusion matrix's column: the first most probable) and the class probabilities.</summary>
public delegate void SampleObserver(int index, int label, int predicted, ReadOnlySpan<float> probabilities);

/// <summary>Inference over a whole set in batches: mean loss, accuracy and, on request, a confusion matrix.</summary>
public static class Evaluation
{
    /// <summary>
    /// Evaluates <paramref name="set"/> in batches of <see cref="Network.MaxBatch"/>; the loss is the mean over
    /// samples. When <paramref name="confusion"/> ([classes·classes], row = true label, column = prediction)
    /// is given it is filled too (one extra inference pass per batch); so is <paramref name="observe"/>, called with
    /// every sample's probabilities in order.
    /// </summary>
    public static (double Loss, double Accuracy) Run(Network network, ImageSet set, Span<long> confusion = default, SampleObserver? observe = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count == 0) return (double.NaN, double.NaN);
        Trainer.CheckSampleSize(network, set);
        int batch = network.MaxBatch, classes = network.NumClasses;
        var x = new float[batch * network.InputSize];
        var y = new int[batch];
        float[]? logits = null, probs = null;
        if (!confusion.IsEmpty && confusion.Length != classes * classes) throw new ArgumentException($"confusion needs {classes * classes} elements", nameof(confusion));
        confusion.Clear();
        if (!confusion.IsEmpty || observe is not null)
        {
            logits = new float[batch * classes];
            probs = new float[batch * classes];
        }
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < set.Count; start += batch)
        {
            int b = Math.Min(batch, set.Count - start);
            Trainer.Gather(set, start, b, null, x, y);
            var r = network.Evaluate(x.AsSpan(0, b * network.InputSize), y.AsSpan(0, b), b);
            lossSum += r.Loss * b;
            correct += r.Correct;
            if (probs is null) continue;
            network.Predict(x.AsSpan(0, b * network.InputSize), b, logits, probs);
            for (int i = 0; i < b; i++)
            {
                var row = probs.AsSpan(i * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
                if (!confusion.IsEmpty) confusion[y[i] * classes + best]++;
                observe?.Invoke(start + i, y[i], best, row);
            }
        }
        return (lossSum / set.Count, (double)correct / set.Count);
    }
}
