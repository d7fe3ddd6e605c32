using NetForge.Tests.Shared;
using System.Text.Json;
using NetForge.Spec.Graph;
using NetForge.Engine.Optimizers;
using NetForge.Engine.Tensors;
using NetForge.Train.Tests.Training;

namespace NetForge.Train.Tests.Optimizers;

/// <summary>
/// Every optimizer and option against torch.optim trajectories (tools/fixtures/optimizers.py):
/// parameters after 1 and 10 steps, gradient g = G[t] + decay·p, optional clip_norm.
/// </summary>
public class OptimizerFixtureTests
{
    public static TheoryData<string> CaseNames() => OptimizerFixture.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTorchAfter1And10Steps(string name)
    {
        var root = OptimizerFixture.Root;
        var c = OptimizerFixture.Case(name);
        var hp = c.GetProperty("hp");
        float decay = (float)root.GetProperty("decay").GetDouble();
        var shapes = root.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToList();
        var init = Floats(root.GetProperty("init"));
        var grads = root.GetProperty("grads").EnumerateArray().Select(Floats).ToList();

        // The torch parameters, plus a non-trainable slice that must never move.
        var specs = shapes.Select((s, i) => new ParamSpec($"layers.{i}.weight", "weight", new Shape(s), Initializer.Zeros)).ToList();
        specs.Add(new ParamSpec("layers.9.moving_mean", "moving_mean", new Shape(3), Initializer.Zeros, Trainable: false));
        var store = new ParameterStore(specs);
        init.CopyTo(store.Values, 0);
        store.Value("layers.9.moving_mean").Fill(7f);

        var optimizer = Optimizer.Create(SpecOf(c.GetProperty("optimizer").GetString()!, hp), store);
        float lr = (float)hp.GetProperty("lr").GetDouble();
        double? clip = hp.TryGetProperty("clip_norm", out var cn) ? cn.GetDouble() : null;
        for (int t = 0; t < grads.Count; t++)
        {
            store.ZeroGrad();
            for (int i = 0; i < init.Length; i++) store.Grads[i] = grads[t][i] + decay * store.Values[i];
            store.Grad("layers.9.moving_mean").Fill(1f);   // a stray gradient on a frozen slice is ignored
            if (clip is double maxNorm) Optimizer.ClipGradNorm(store, maxNorm);   // frozen slices are not in the norm
            optimizer.Step(lr);
            if (t == 0) AssertClose(Floats(c.GetProperty("after_1")), store.Values.AsSpan(0, init.Length), name + " after 1 step");
        }
        AssertClose(Floats(c.GetProperty("after_10")), store.Values.AsSpan(0, init.Length), name + " after 10 steps");
        Assert.Equal(10, optimizer.StepCount);
        Assert.All(store.Value("layers.9.moving_mean").ToArray(), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void ClipGradNormScalesToMaxNormAndLeavesSmallGradients()
    {
        var store = new ParameterStore([new ParamSpec("a", "weight", new Shape(2), Initializer.Zeros), new ParamSpec("b", "bias", new Shape(1), Initializer.Zeros)]);
        store.Grads[0] = 3; store.Grads[1] = 0; store.Grads[2] = 4;   // norm 5
        double norm = Optimizer.ClipGradNorm(store, 1.0);
        Assert.Equal(5.0, norm, 6);
        Assert.Equal(0.6f, store.Grads[0], 5);
        Assert.Equal(0.8f, store.Grads[2], 5);
        Assert.Equal(1.0, Optimizer.ClipGradNorm(store, 10.0), 5);
        Assert.Equal(0.6f, store.Grads[0], 5);
    }

    [Fact]
    public void StateIsOneBufferWithNamedSections()
    {
        var store = new ParameterStore([new ParamSpec("a", "weight", new Shape(5), Initializer.Zeros)]);
        var adam = Optimizer.Create(new AdamSpec(0.001, 0.9, 0.999, 1e-7, Amsgrad: true), store);
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], adam.StateNames);
        Assert.Equal(15, adam.State.Length);
        var adagrad = Optimizer.Create(new AdagradSpec(0.01, 0.1, 1e-7), store);
        Assert.All(adagrad.StateSection(0).ToArray(), v => Assert.Equal(0.1f, v));
        Assert.Empty(Optimizer.Create(new SgdSpec(0.01, 0, false), store).StateNames);
    }

    private static OptimizerSpec SpecOf(string kind, JsonElement hp) => OptimizerFixture.SpecOf(kind, hp);

    private static float[] Floats(JsonElement array) => OptimizerFixture.Floats(array);

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what) => OptimizerFixture.AssertClose(expected, actual, what);
}
