using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Fused softmax + categorical cross-entropy on integer labels (llm.c's fused backward).
/// Forward: p = softmax(logits) per row (saved for backward), loss_b = logsumexp(z_b) − z_b[label_b],
/// mean over the batch accumulated in double; Backward: dLogits = (p − onehot(label)) / B.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>Writes probabilities [batch, classes]; returns the mean loss and counts argmax hits (first max wins ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Forward(Span<float> probabilities, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, out int correct)
    {
        Check(probabilities, logits, labels, batch, classes);
        double total = 0;
        correct = 0;
        // Subtract and scale are exact per element, so plain loops give TensorPrimitives' bits. With rows of at least
        // 8 classes, exp runs once over the whole batch: TensorPrimitives.Exp then takes its vector path for every
        // element whatever the span length, with the same per-lane algorithm (tested bit for bit against per-row calls;
        // rows shorter than a vector take a scalar path with other bits, so they keep the per-row call). Fewer generic
        // library calls matter in short runs, where they stay at tier 0 (docs/performance.md, "MLP training step").
        bool batchedExp = classes >= 8;
        for (int b = 0; b < batch; b++)
        {
            var z = logits.Slice(b * classes, classes);
            var p = probabilities.Slice(b * classes, classes);
            float max = z[Elementwise.IndexOfMax(z)];
            for (int j = 0; j < classes; j++) p[j] = z[j] - max;
            if (!batchedExp) TensorPrimitives.Exp(p, p);
        }
        if (batchedExp)
        {
            var all = probabilities[..(batch * classes)];
            TensorPrimitives.Exp(all, all);
        }
        for (int b = 0; b < batch; b++)
        {
            var z = logits.Slice(b * classes, classes);
            var p = probabilities.Slice(b * classes, classes);
            int arg = Elementwise.IndexOfMax(z);
            float max = z[arg];
            double sum = TensorPrimitives.Sum(p);
            float inv = (float)(1.0 / sum);
            for (int j = 0; j < classes; j++) p[j] *= inv;
            int label = labels[b];
            total += max + Math.Log(sum) - z[label];
            if (arg == label) correct++;
        }
        return batch == 0 ? 0 : total / batch;
    }

    /// <summary>dLogits = (p − onehot(label)) / batch (overwrites).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Span<float> dLogits, ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int batch, int classes)
    {
        Check(dLogits, probabilities, labels, batch, classes);
        float inv = 1f / batch;
        int n = batch * classes;
        Elementwise.Multiply(probabilities[..n], inv, dLogits[..n]);
        for (int b = 0; b < batch; b++) dLogits[b * classes + labels[b]] -= inv;
    }

    /// <summary>Naive double-precision reference of <see cref="Forward"/>.</summary>
    public static double ForwardReference(Span<float> probabilities, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, out int correct)
    {
        Check(probabilities, logits, labels, batch, classes);
        double total = 0;
        correct = 0;
        for (int b = 0; b < batch; b++)
        {
            int arg = 0;
            for (int j = 1; j < classes; j++) if (logits[b * classes + j] > logits[b * classes + arg]) arg = j;
            double max = logits[b * classes + arg], sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(logits[b * classes + j] - max);
            double lse = max + Math.Log(sum);
            for (int j = 0; j < classes; j++) probabilities[b * classes + j] = (float)Math.Exp(logits[b * classes + j] - lse);
            total += lse - logits[b * classes + labels[b]];
            if (arg == labels[b]) correct++;
        }
        return batch == 0 ? 0 : total / batch;
    }

    /// <summary>Naive reference of <see cref="Backward"/>.</summary>
    public static void BackwardReference(Span<float> dLogits, ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int batch, int classes)
    {
        Check(dLogits, probabilities, labels, batch, classes);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < classes; j++)
                dLogits[b * classes + j] = (probabilities[b * classes + j] - (j == labels[b] ? 1f : 0f)) / batch;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Check(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, int classes)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch));
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes));
        long n = (long)batch * classes;
        if (output.Length < n) throw new ArgumentException($"destination holds {output.Length} elements, needs {n}", nameof(output));
        if (input.Length < n) throw new ArgumentException($"input holds {input.Length} elements, needs {n}", nameof(input));
        if (labels.Length < batch) throw new ArgumentException($"labels holds {labels.Length} elements, needs {batch}", nameof(labels));
        for (int b = 0; b < batch; b++)
            if ((uint)labels[b] >= (uint)classes)
                throw new ArgumentException($"labels[{b}] = {labels[b]} is outside [0, {classes})", nameof(labels));
    }
}
