using System.Numerics.Tensors;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Batch normalisation over the channel axis of x [B, C, S] (S = H·W for images, 1 for [B, C]).
/// Training: per-channel batch mean μ and biased variance σ² over N = B·S values,
/// y = γ·(x − μ)/√(σ² + ε) + β; forward keeps μ and 1/√(σ² + ε) for backward.
/// Moving statistics follow Keras (moving = moving·momentum + batch·(1 − momentum)) with the
/// <em>unbiased</em> batch variance σ²·N/(N − 1) in moving_variance, as PyTorch and Keras do.
/// Inference: y = γ·(x − moving_mean)/√(moving_variance + ε) + β.
/// Empty γ means 1 (scale: false); empty β means 0 (center: false). Per-channel sums run in a fixed
/// order (sample by sample) in double precision; threads split the channels, so each channel is reduced
/// by one thread and results do not depend on the thread count.
/// </summary>
internal static unsafe class BatchNormKernels
{
    /// <summary>Training-mode forward: writes output, the batch mean, 1/√(σ²+ε) and the biased variance per channel.</summary>
    public static void ForwardTraining(
        Span<float> output, Span<float> mean, Span<float> invStd, Span<float> variance, ReadOnlySpan<float> input,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int batch, int channels, int spatial, float epsilon, int threads = 1)
    {
        Check(output, input, batch, channels, spatial);
        if (batch * spatial < 1) throw new ArgumentOutOfRangeException(nameof(batch), "batch normalisation needs at least one value per channel");
        CheckChannels(mean, channels, nameof(mean));
        CheckChannels(invStd, channels, nameof(invStd));
        CheckChannels(variance, channels, nameof(variance));
        fixed (float* o = output, x = input, m = mean, r = invStd, v = variance, ga = gamma, be = beta)
            WorkerPool.For(threads, channels, new Body
            {
                Kind = 0, Output = o, Input = x, Mean = m, InvStd = r, Variance = v, Gamma = gamma.IsEmpty ? null : ga, Beta = beta.IsEmpty ? null : be,
                Batch = batch, Channels = channels, Spatial = spatial, Epsilon = epsilon,
            });
    }

    private static void StatisticsOf(int c, ReadOnlySpan<float> input, Span<float> mean, Span<float> invStd, Span<float> variance, int batch, int channels, int spatial, float epsilon)
    {
        double n = (double)batch * spatial;
        double sum = 0;
        for (int b = 0; b < batch; b++) sum += TensorPrimitives.Sum(input.Slice((b * channels + c) * spatial, spatial));
        double mu = sum / n;
        double sq = 0;
        for (int b = 0; b < batch; b++)
        {
            var x = input.Slice((b * channels + c) * spatial, spatial);
            for (int s = 0; s < spatial; s++) { double d = x[s] - mu; sq += d * d; }
        }
        double var = sq / n;
        mean[c] = (float)mu;
        variance[c] = (float)var;
        invStd[c] = (float)(1.0 / Math.Sqrt(var + epsilon));
    }

    /// <summary>moving_mean = moving_mean·momentum + μ·(1 − momentum); moving_variance likewise with σ²·N/(N − 1).</summary>
    public static void UpdateMovingStatistics(
        Span<float> movingMean, Span<float> movingVariance, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance,
        int count, float momentum)
    {
        double unbias = count > 1 ? (double)count / (count - 1) : 1.0;
        for (int c = 0; c < movingMean.Length; c++)
        {
            movingMean[c] = (float)(movingMean[c] * (double)momentum + mean[c] * (1.0 - momentum));
            movingVariance[c] = (float)(movingVariance[c] * (double)momentum + variance[c] * unbias * (1.0 - momentum));
        }
    }

    /// <summary>Inference-mode forward with the moving statistics.</summary>
    public static void ForwardInference(
        Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, int batch, int channels, int spatial, float epsilon,
        Span<float> invStdWorkspace, int threads = 1)
    {
        Check(output, input, batch, channels, spatial);
        CheckChannels(invStdWorkspace, channels, nameof(invStdWorkspace));
        for (int c = 0; c < channels; c++) invStdWorkspace[c] = (float)(1.0 / Math.Sqrt(movingVariance[c] + (double)epsilon));
        fixed (float* o = output, x = input, m = movingMean, r = invStdWorkspace, ga = gamma, be = beta)
            WorkerPool.For(threads, channels, new Body
            {
                Kind = 1, Output = o, Input = x, Mean = m, InvStd = r, Gamma = gamma.IsEmpty ? null : ga, Beta = beta.IsEmpty ? null : be,
                Batch = batch, Channels = channels, Spatial = spatial,
            });
    }

    /// <summary>
    /// Training-mode backward with x̂ = (x − μ)·r, r = 1/√(σ²+ε), g = dy·γ:
    /// dx = r·(g − mean(g) − x̂·mean(g·x̂)); dγ += Σ dy·x̂; dβ += Σ dy (dGamma/dBeta may be empty).
    /// </summary>
    public static void Backward(
        Span<float> dInput, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, int batch, int channels, int spatial, int threads = 1)
    {
        Check(dOutput, input, batch, channels, spatial);
        Check(dInput, input, batch, channels, spatial);
        fixed (float* dx = dInput, dg = dGamma, db = dBeta, dy = dOutput, x = input, m = mean, r = invStd, ga = gamma)
            WorkerPool.For(threads, channels, new Body
            {
                Kind = 2, DInput = dx, DGamma = dGamma.IsEmpty ? null : dg, DBeta = dBeta.IsEmpty ? null : db, DOutput = dy, Input = x,
                Mean = m, InvStd = r, Gamma = gamma.IsEmpty ? null : ga, Batch = batch, Channels = channels, Spatial = spatial,
            });
    }

    private static void BackwardOf(int c, Span<float> dInput, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, int batch, int channels, int spatial)
    {
        double n = (double)batch * spatial;
        double mu = mean[c], r = invStd[c], sumDy = 0, sumDyXhat = 0;
        for (int b = 0; b < batch; b++)
        {
            int o = (b * channels + c) * spatial;
            for (int s = 0; s < spatial; s++)
            {
                double dy = dOutput[o + s];
                sumDy += dy;
                sumDyXhat += dy * (input[o + s] - mu) * r;
            }
        }
        if (!dGamma.IsEmpty) dGamma[c] += (float)sumDyXhat;
        if (!dBeta.IsEmpty) dBeta[c] += (float)sumDy;
        double gm = gamma.IsEmpty ? 1.0 : gamma[c];
        double meanG = gm * sumDy / n, meanGX = gm * sumDyXhat / n;
        for (int b = 0; b < batch; b++)
        {
            int o = (b * channels + c) * spatial;
            for (int s = 0; s < spatial; s++)
            {
                double xhat = (input[o + s] - mu) * r;
                dInput[o + s] = (float)(r * (gm * dOutput[o + s] - meanG - xhat * meanGX));
            }
        }
    }

    /// <summary>Naive reference of <see cref="ForwardTraining"/> (two-pass double loops, per element).</summary>
    public static void ForwardTrainingReference(
        Span<float> output, Span<float> mean, Span<float> invStd, Span<float> variance, ReadOnlySpan<float> input,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int batch, int channels, int spatial, float epsilon)
    {
        Check(output, input, batch, channels, spatial);
        double n = (double)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, sq = 0;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++) sum += input[(b * channels + c) * spatial + s];
            double mu = sum / n;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++) { double d = input[(b * channels + c) * spatial + s] - mu; sq += d * d; }
            double r = 1 / Math.Sqrt(sq / n + epsilon);
            mean[c] = (float)mu;
            variance[c] = (float)(sq / n);
            invStd[c] = (float)r;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++)
                {
                    int i = (b * channels + c) * spatial + s;
                    output[i] = (float)((gamma.IsEmpty ? 1 : gamma[c]) * (input[i] - mu) * r + (beta.IsEmpty ? 0 : beta[c]));
                }
        }
    }

    /// <summary>Naive reference of <see cref="Backward"/>: the chain rule written out per element.</summary>
    public static void BackwardReference(
        Span<float> dInput, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, int batch, int channels, int spatial)
    {
        Check(dOutput, input, batch, channels, spatial);
        double n = (double)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double mu = mean[c], r = invStd[c], gm = gamma.IsEmpty ? 1 : gamma[c];
            // dL/dvar and dL/dmean of the textbook derivation (Ioffe & Szegedy 2015, Algorithm 1 backward).
            double dVar = 0, dMean = 0, sumDx = 0, dg = 0, db = 0;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++)
                {
                    int i = (b * channels + c) * spatial + s;
                    double dxhat = dOutput[i] * gm;
                    dVar += dxhat * (input[i] - mu) * -0.5 * r * r * r;
                    dMean += -dxhat * r;
                    sumDx += input[i] - mu;
                    dg += dOutput[i] * (input[i] - mu) * r;
                    db += dOutput[i];
                }
            dMean += dVar * -2 * sumDx / n;
            for (int b = 0; b < batch; b++)
                for (int s = 0; s < spatial; s++)
                {
                    int i = (b * channels + c) * spatial + s;
                    dInput[i] = (float)(dOutput[i] * gm * r + dVar * 2 * (input[i] - mu) / n + dMean / n);
                }
            if (!dGamma.IsEmpty) dGamma[c] += (float)dg;
            if (!dBeta.IsEmpty) dBeta[c] += (float)db;
        }
    }

    /// <summary>y = x·scale + shift for channel c, with scale = γ·r and shift = β − μ·γ·r.</summary>
    private static void NormalizeOf(int c, Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, int batch, int channels, int spatial)
    {
        float scale = invStd[c] * (gamma.IsEmpty ? 1f : gamma[c]);
        float shift = (beta.IsEmpty ? 0f : beta[c]) - mean[c] * scale;
        for (int b = 0; b < batch; b++)
        {
            int o = (b * channels + c) * spatial;
            var y = output.Slice(o, spatial);
            TensorPrimitives.Multiply(input.Slice(o, spatial), scale, y);
            TensorPrimitives.Add(y, shift, y);
        }
    }

    /// <summary>The parallel body over channels: 0 training forward, 1 inference forward, 2 backward. Null pointers are absent tensors.</summary>
    private struct Body : IParallelBody
    {
        public int Kind, Batch, Channels, Spatial;
        public float Epsilon;
        public float* Output, Input, Mean, InvStd, Variance, Gamma, Beta, DInput, DGamma, DBeta, DOutput;

        public void Invoke(int start, int end)
        {
            int n = Batch * Channels * Spatial, c = Channels;
            var x = new ReadOnlySpan<float>(Input, n);
            var mean = new Span<float>(Mean, c);
            var invStd = new Span<float>(InvStd, c);
            var gamma = Gamma == null ? default : new ReadOnlySpan<float>(Gamma, c);
            var beta = Beta == null ? default : new ReadOnlySpan<float>(Beta, c);
            for (int ch = start; ch < end; ch++)
            {
                switch (Kind)
                {
                    case 0:
                        StatisticsOf(ch, x, mean, invStd, new Span<float>(Variance, c), Batch, Channels, Spatial, Epsilon);
                        NormalizeOf(ch, new Span<float>(Output, n), x, gamma, beta, mean, invStd, Batch, Channels, Spatial);
                        break;
                    case 1:
                        NormalizeOf(ch, new Span<float>(Output, n), x, gamma, beta, mean, invStd, Batch, Channels, Spatial);
                        break;
                    default:
                        BackwardOf(ch, new Span<float>(DInput, n), DGamma == null ? default : new Span<float>(DGamma, c),
                            DBeta == null ? default : new Span<float>(DBeta, c), new ReadOnlySpan<float>(DOutput, n), x, mean, invStd, gamma,
                            Batch, Channels, Spatial);
                        break;
                }
            }
        }
    }

    private static void CheckChannels(ReadOnlySpan<float> span, int channels, string name)
    {
        if (span.Length < channels) throw new ArgumentException($"{name} holds {span.Length} elements, needs {channels}", name);
    }

    private static void Check(ReadOnlySpan<float> output, ReadOnlySpan<float> input, int batch, int channels, int spatial)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch));
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels));
        if (spatial < 1) throw new ArgumentOutOfRangeException(nameof(spatial));
        long n = (long)batch * channels * spatial;
        if (output.Length < n) throw new ArgumentException($"output holds {output.Length} elements, needs {n}", nameof(output));
        if (input.Length < n) throw new ArgumentException($"input holds {input.Length} elements, needs {n}", nameof(input));
    }
}
