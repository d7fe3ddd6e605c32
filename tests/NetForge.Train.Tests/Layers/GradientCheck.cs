using NetForge.Spec.Graph;
using NetForge.Train.Tests.Kernels;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// Runs a whole small <see cref="Network"/>: loss → gradients (TrainStep) vs central finite differences
/// of the training-mode loss (<see cref="Network.TrainingLoss"/>: same dropout mask, batch statistics,
/// no moving-statistics update) on every parameter element and every input element.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Step of the central difference on float32 values of order 1: truncation O(h²) ≈ 1e-6, rounding ≈ 1e-7/h ≈ 1e-4 of the loss.</summary>
    public const float Step = 1e-2f;
    /// <summary>The fallback step (see <see cref="Compare"/>); rounding noise ≈ 1e-7/h ≈ 5e-5.</summary>
    public const float SmallStep = 1e-3f;
    /// <summary>Absolute floor: float32 forward rounding divided by 2h.</summary>
    public const double AbsTolerance = 2e-4;
    /// <summary>Relative part: O(h²) truncation of the central difference on smooth (tanh/sigmoid/softmax) terms.</summary>
    public const double RelTolerance = 1e-2;

    public static void Run(ModelGraph graph, int batch, int seed, ulong dropoutKey = 99)
    {
        var net = new Network(graph, batch, threads: 1) { ComputeInputGradient = true };
        Randomize(net, seed);
        var input = TestData.Uniform(batch * net.InputSize, seed + 1, -2f, 2f);
        var labels = TestData.Labels(batch, net.NumClasses, seed + 2);

        net.Parameters.ZeroGrad();
        net.TrainStep(input, labels, batch, dropoutKey);
        var analytic = (float[])net.Parameters.Grads.Clone();
        var dInput = new float[input.Length];
        net.CopyInputGradient(dInput);

        var values = net.Parameters.Values;
        foreach (var slice in net.Parameters.Slices)
        {
            if (!slice.Trainable) continue;
            for (int k = slice.Offset; k < slice.Offset + slice.Length; k++)
                Compare(analytic[k], values, k, () => net.TrainingLoss(input, labels, batch, dropoutKey), $"{graph.Name}: d/d {slice.Path}[{k - slice.Offset}]");
        }
        for (int k = 0; k < input.Length; k++)
            Compare(dInput[k], input, k, () => net.TrainingLoss(input, labels, batch, dropoutKey), $"{graph.Name}: d/d input[{k}]");
    }

    /// <summary>Fills parameters from a seeded uniform; moving variances positive.</summary>
    public static void Randomize(Network net, int seed)
    {
        var rng = new System.Random(seed);
        foreach (var slice in net.Parameters.Slices)
        {
            var v = net.Parameters.Value(slice);
            for (int i = 0; i < v.Length; i++)
                v[i] = slice.Spec.Name switch
                {
                    "gamma" or "moving_variance" => 0.5f + (float)rng.NextDouble(),
                    _ => (float)(rng.NextDouble() - 0.5),
                };
        }
    }

    private static double Numeric(float[] values, int k, Func<double> loss, float step)
    {
        float v = values[k];
        values[k] = v + step;
        double plus = loss();
        values[k] = v - step;
        double minus = loss();
        values[k] = v;
        return (plus - minus) / (2.0 * step);
    }

    /// <summary>
    /// Passes when the analytic value agrees with the difference quotient at <see cref="Step"/> or, failing that,
    /// at <see cref="SmallStep"/>: a kink inside ±h (a max-pool argmax or a relu switching) spoils one step size,
    /// while a wrong gradient disagrees at both.
    /// </summary>
    private static void Compare(double analytic, float[] values, int k, Func<double> loss, string what)
    {
        double numeric = Numeric(values, k, loss, Step);
        if (Close(analytic, numeric)) return;
        double small = Numeric(values, k, loss, SmallStep);
        Assert.True(Close(analytic, small),
            $"{what}: analytic {analytic:G6} vs numeric {numeric:G6} (h = {Step}) and {small:G6} (h = {SmallStep})");
    }

    private static bool Close(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) <= AbsTolerance + RelTolerance * Math.Abs(numeric);
}
