using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Engine.Kernels;

/// <summary>
/// The elementwise ends of a dense layer, fused and split over the <see cref="WorkerPool"/>:
/// forward y = relu(y + b) (or y + b) row by row, backward dZ = relu'(y) ⊙ dY together with the bias gradient
/// db += Σ_b dZ. Each computes every element with the same operations as the unfused kernels
/// (<c>TensorPrimitives.Add</c> then <c>TensorPrimitives.Max(·, 0)</c>; <see cref="Activations"/>' branch-free relu
/// backward rule; the bias sum in batch order 0, 1, …), and the bias sum is split over columns, never over the batch:
/// the results are bit-identical to the unfused code for any thread count.
/// </summary>
internal static unsafe class DenseKernels
{
    /// <summary>Below this many elements a pass runs on the calling thread only.</summary>
    internal const int ParallelMinElements = 1 << 14;

    /// <summary>Columns per work item of the backward pass (whole vectors).</summary>
    private const int ColumnBlock = 32;

    /// <summary>True when <see cref="BiasActivationForward"/> and <see cref="ActivationBackwardBiasGrad"/> handle <paramref name="kind"/>.</summary>
    public static bool Supports(Activation kind) => kind is Activation.Relu or Activation.Linear;

    /// <summary>y[b, :] = f(y[b, :] + bias) for f = relu or identity; <paramref name="bias"/> may be empty (no bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasActivationForward(Span<float> y, ReadOnlySpan<float> bias, Activation kind, int batch, int units, int threads)
    {
        if (!Supports(kind)) throw new NotSupportedException($"activation {kind}");
        int n = batch * units;
        if (y.Length < n) throw new ArgumentException($"y holds {y.Length} elements, needs {n}", nameof(y));
        if (!bias.IsEmpty && bias.Length < units) throw new ArgumentException($"bias holds {bias.Length} elements, needs {units}", nameof(bias));
        if (bias.IsEmpty && kind == Activation.Linear) return;
        fixed (float* py = y, pb = bias)
        {
            var body = new ForwardBody { Y = py, Bias = pb, HasBias = !bias.IsEmpty, Relu = kind == Activation.Relu, Units = units };
            if (threads <= 1 || batch < 2 || n < ParallelMinElements) body.Invoke(0, batch);
            else WorkerPool.For(threads, batch, body);
        }
    }

    /// <summary>
    /// dZ = f'(y) ⊙ dY (f = relu or identity; for identity <paramref name="dZ"/> may be empty: nothing is written) and,
    /// when <paramref name="dBias"/> is not empty, dBias[j] += dZ[0, j] + … in batch order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationBackwardBiasGrad(Span<float> dZ, ReadOnlySpan<float> dY, ReadOnlySpan<float> y, Span<float> dBias,
        Activation kind, int batch, int units, int threads)
    {
        if (!Supports(kind)) throw new NotSupportedException($"activation {kind}");
        int n = batch * units;
        if ((kind == Activation.Relu || !dZ.IsEmpty) && dZ.Length < n) throw new ArgumentException($"dZ holds {dZ.Length} elements, needs {n}", nameof(dZ));
        if (dY.Length < n) throw new ArgumentException($"dY holds {dY.Length} elements, needs {n}", nameof(dY));
        if (kind == Activation.Relu && y.Length < n) throw new ArgumentException($"y holds {y.Length} elements, needs {n}", nameof(y));
        if (!dBias.IsEmpty && dBias.Length < units) throw new ArgumentException($"dBias holds {dBias.Length} elements, needs {units}", nameof(dBias));
        fixed (float* pdz = dZ, pdy = dY, py = y, pdb = dBias)
        {
            var body = new BackwardBody { DZ = pdz, DY = pdy, Y = py, DBias = pdb, HasBias = !dBias.IsEmpty, Relu = kind == Activation.Relu, Batch = batch, Units = units };
            int blocks = (units + ColumnBlock - 1) / ColumnBlock;
            if (threads <= 1 || blocks < 2 || n < ParallelMinElements) body.Invoke(0, blocks);
            else WorkerPool.For(threads, blocks, body);
        }
    }

    private struct ForwardBody : IParallelBody
    {
        public float* Y, Bias;
        public bool HasBias, Relu;
        public int Units;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int start, int end)
        {
            var bias = new ReadOnlySpan<float>(Bias, HasBias ? Units : 0);
            for (int b = start; b < end; b++)
            {
                Elementwise.BiasRelu(new Span<float>(Y + (long)b * Units, Units), bias, Relu);
            }
        }
    }

    private struct BackwardBody : IParallelBody
    {
        public float* DZ, DY, Y, DBias;
        public bool HasBias, Relu;
        public int Batch, Units;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int start, int end)
        {
            int j0 = start * ColumnBlock, j1 = Math.Min(end * ColumnBlock, Units), units = Units, batch = Batch;
            int w = Vector<float>.Count, j = j0;
            if (Vector.IsHardwareAccelerated)
            {
                // One vector of columns at a time over the whole batch: the bias sum stays in a register, in batch order.
                for (; j + w <= j1; j += w)
                {
                    Vector<float> sum = HasBias ? Vector.Load(DBias + j) : default;
                    for (int b = 0; b < batch; b++)
                    {
                        long o = (long)b * units + j;
                        Vector<float> dz = Vector.Load(DY + o);
                        if (Relu)
                        {
                            dz = Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(Y + o), Vector<float>.Zero), dz, Vector<float>.Zero);
                            dz.Store(DZ + o);
                        }
                        else if (DZ != null && DZ != DY)
                        {
                            dz.Store(DZ + o);
                        }
                        sum += dz;
                    }
                    if (HasBias) sum.Store(DBias + j);
                }
            }
            for (; j < j1; j++)
            {
                float sum = HasBias ? DBias[j] : 0f;
                for (int b = 0; b < batch; b++)
                {
                    long o = (long)b * units + j;
                    float dz = DY[o];
                    if (Relu) dz = Y[o] > 0f ? dz : 0f;
                    if (DZ != null) DZ[o] = dz;
                    sum += dz;
                }
                if (HasBias) DBias[j] = sum;
            }
        }
    }
}
