using NetForge.Spec.Graph;
using NetForge.Train.Tests.Kernels;
using NetForge.Train.Tests.Layers;

// Namespace Networks, not Network: a namespace named Network would hide the type in every test namespace.
namespace NetForge.Train.Tests.Networks;

public class NetworkTests
{
    private static ModelGraph Cnn() => new GraphBuilder(1.0 / 255, 1, 12, 10)
        .Conv(4, 3, 3, 1, 1, Padding.Same, Activation.Relu).BatchNorm(0.9)
        .Pool(PoolKind.Max, 2, 2, 2, 2)
        .Conv(6, 3, 3, 2, 2, Padding.Same, Activation.Relu).Pool(PoolKind.Average, 2, 2, 1, 1, Padding.Same)
        .Flatten().Dropout(0.5).Dense(16, Activation.Relu).Dense(10, Activation.Softmax).Build("cnn");

    private static (float[] Input, int[] Labels) Batch(int batch, int size, int seed)
    {
        var x = TestData.Uniform(batch * size, seed, 0f, 255f);
        return (x, TestData.Labels(batch, 10, seed + 1));
    }

    private static Engine.Network Make(ModelGraph g, int maxBatch, int threads)
    {
        var net = new Engine.Network(g, maxBatch, threads);
        GradientCheck.Randomize(net, 5);
        return net;
    }

    [Fact]
    public void TrainStep_gradients_are_bit_identical_for_one_and_two_threads()
    {
        var (x, y) = Batch(9, 120, 1);
        var one = Make(Cnn(), 16, 1);
        var two = Make(Cnn(), 16, 2);
        for (int step = 0; step < 2; step++)
        {
            one.Parameters.ZeroGrad();
            two.Parameters.ZeroGrad();
            var r1 = one.TrainStep(x, y, 9, (ulong)step);
            var r2 = two.TrainStep(x, y, 9, (ulong)step);
            Assert.Equal(r1, r2);
            TestData.AssertBitIdentical(one.Parameters.Grads, two.Parameters.Grads, "gradients threads 1 vs 2");
            TestData.AssertBitIdentical(one.Parameters.Values, two.Parameters.Values, "moving statistics threads 1 vs 2");
        }
    }

    [Fact]
    public void Predict_probabilities_match_LayerOutput_and_Evaluate()
    {
        var (x, y) = Batch(5, 120, 2);
        var net = Make(Cnn(), 8, 1);
        var logits = new float[50];
        var probs = new float[50];
        net.Predict(x, 5, logits, probs);
        TestData.AssertBitIdentical(probs, net.LayerOutput(8), "final softmax layer output = probabilities");
        for (int b = 0; b < 5; b++) Assert.Equal(1.0, probs.Skip(b * 10).Take(10).Sum(), 5);
        var eval = net.Evaluate(x, y, 5);
        double loss = 0;
        int hits = 0;
        for (int b = 0; b < 5; b++)
        {
            loss -= Math.Log(probs[b * 10 + y[b]]);
            var row = logits.Skip(b * 10).Take(10).ToArray();
            if (Array.IndexOf(row, row.Max()) == y[b]) hits++;
        }
        Assert.Equal(loss / 5, eval.Loss, 4);
        Assert.Equal(hits, eval.Correct);
        Assert.Equal(120, net.LayerOutput(0).Length / 5 / 4);  // conv: [4, 12, 10] → 480 per sample
    }

    [Fact]
    public void Dropout_is_identity_in_eval_and_masks_depend_on_the_step_key()
    {
        var g = new GraphBuilder(1.0, 200).Dropout(0.5).Dense(10).Build("drop");
        var net = Make(g, 4, 1);
        var (x, y) = Batch(4, 200, 3);
        net.Evaluate(x, y, 4);
        TestData.AssertBitIdentical(x, net.LayerOutput(0), "eval-mode dropout");

        net.TrainStep(x, y, 4, dropoutKey: 1);
        var a = net.LayerOutput(0).ToArray();
        net.TrainStep(x, y, 4, dropoutKey: 1);
        TestData.AssertBitIdentical(a, net.LayerOutput(0), "same key, same mask");
        net.TrainStep(x, y, 4, dropoutKey: 2);
        var c = net.LayerOutput(0).ToArray();
        Assert.True(Enumerable.Range(0, a.Length).Count(i => (a[i] == 0) != (c[i] == 0)) > a.Length / 5, "a new step should drop different elements");
        int kept = a.Count(v => v != 0);
        Assert.InRange(kept, 800 * 0.5 - 80, 800 * 0.5 + 80);
        Assert.All(Enumerable.Range(0, a.Length).Where(i => a[i] != 0), i => Assert.Equal(x[i] * 2f, a[i]));
    }

    [Fact]
    public void Input_scale_is_applied_first()
    {
        var g = new GraphBuilder(0.5, 3).Act(Activation.Linear).Dense(2).Build("scale");
        var net = new Engine.Network(g, 1, 1);
        net.Evaluate([2f, 4f, 6f], [0], 1);
        Assert.Equal([1f, 2f, 3f], net.LayerOutput(0).ToArray());
    }

    [Fact]
    public void Steps_allocate_nothing_after_warm_up()
    {
        var net = Make(Cnn(), 8, 2);
        var (x, y) = Batch(8, 120, 4);
        var logits = new float[80];
        var probs = new float[80];
        Assert.Equal(0, NetForge.Tests.Shared.Allocations.SteadyState(i =>
        {
            net.TrainStep(x, y, 8, (ulong)i);
            net.Evaluate(x, y, 8);
            net.Predict(x, 8, logits, probs);
        }, calls: 3));
    }

    [Fact]
    public void Training_reduces_the_loss_on_a_fixed_batch()
    {
        var net = Make(Cnn(), 16, 1);
        var (x, y) = Batch(16, 120, 5);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            net.Parameters.ZeroGrad();
            var r = net.TrainStep(x, y, 16, (ulong)step);
            if (step == 0) first = r.Loss;
            last = r.Loss;
            var v = net.Parameters.Values;
            var g = net.Parameters.Grads;
            foreach (var s in net.Parameters.Slices)
                if (s.Trainable)
                    for (int i = s.Offset; i < s.Offset + s.Length; i++) v[i] -= 0.1f * g[i];
        }
        Assert.True(last < first * 0.7, $"loss {first} → {last}");
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_parameter()
    {
        var net = Make(Cnn(), 4, 1);
        var (x, y) = Batch(4, 120, 6);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => net.TrainStep(x.AsSpan(0, 3 * 120 + 5), y, 4, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => net.TrainStep(x, [1, 2, 10, 3], 4, 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => net.Evaluate(x, [1, -1, 0, 3], 4)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => net.TrainStep(x, [1, 2], 4, 0)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(x, y, 5, 0)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => net.Evaluate(x, y, 0)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => net.Predict(x, 4, new float[39], new float[40])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Engine.Network(Cnn(), 0, 1));
    }

    [Fact]
    public void Softmax_on_a_convolution_is_not_supported()
    {
        var g = new GraphBuilder(1.0, 1, 4, 4).Conv(2, 3, 3, activation: Activation.Softmax).Flatten().Dense(2).Build("bad");
        Assert.Throws<NotSupportedException>(() => new Engine.Network(g, 1, 1));
    }
}
