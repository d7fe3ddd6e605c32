using System.Text.Json;
using NetForge.Spec.Graph;
using NetForge.Tests.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetForge.Torch.Tests;

/// <summary>
/// torch.optim as TorchSharp runs it, configured from the keras2 dialect, against the PyTorch trajectories the own engine
/// passes (tools/fixtures/optimizers.py: parameters after 1 and 10 steps, g = G[t] + decay·p, optional clip_norm).
/// </summary>
public class TorchOptimizerFixtureTests
{
    private const double RelativeTolerance = 1e-5, AbsoluteFloor = 1e-6;

    private static readonly Lazy<JsonDocument> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoRoot.Combine("tests", "NetForge.Train.Tests", "Fixtures", "optimizers", "optimizers.json"))));

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_pytorch_after_1_and_10_steps(string name)
    {
        TorchSharpRuntime.EnsureAvailable();
        var root = Fixture.Value.RootElement;
        var c = root.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var hp = c.GetProperty("hp");
        float decay = (float)root.GetProperty("decay").GetDouble();
        var shapes = root.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToList();
        var init = Floats(root.GetProperty("init"));
        var grads = root.GetProperty("grads").EnumerateArray().Select(Floats).ToList();

        var trainable = new List<(ParamSpec, int, Parameter)>();
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            var spec = new ParamSpec($"layers.{i}.weight", "weight", new Shape(shapes[i]), Initializer.Zeros);
            var values = init.AsSpan(offset, (int)spec.Size).ToArray();
            trainable.Add((spec, offset, new Parameter(torch.tensor(values, shapes[i].Select(d => (long)d).ToArray()))));
            offset += (int)spec.Size;
        }

        using var optimizer = new TorchOptimizer(SpecOf(c.GetProperty("optimizer").GetString()!, hp), trainable, offset);
        double lr = hp.GetProperty("lr").GetDouble();
        double? clip = hp.TryGetProperty("clip_norm", out var cn) ? cn.GetDouble() : null;
        for (int t = 0; t < grads.Count; t++)
        {
            foreach (var (spec, at, p) in trainable)
            {
                using var g = torch.tensor(grads[t].AsSpan(at, (int)spec.Size).ToArray(), p.shape);
                using (no_grad()) p.grad = (g + decay * p).detach();
            }
            if (clip is double maxNorm) nn.utils.clip_grad_norm_(trainable.Select(x => x.Item3), maxNorm);
            optimizer.Step((float)lr);
            if (t == 0) AssertClose(Floats(c.GetProperty("after_1")), Flat(trainable, offset), name + " after 1 step");
        }
        AssertClose(Floats(c.GetProperty("after_10")), Flat(trainable, offset), name + " after 10 steps");
        Assert.Equal(10, optimizer.Steps);
    }

    private static float[] Flat(List<(ParamSpec Spec, int Offset, Parameter P)> ps, int count)
    {
        var flat = new float[count];
        foreach (var (spec, at, p) in ps) p.data<float>().CopyTo(flat.AsSpan(at, (int)spec.Size));
        return flat;
    }

    private static OptimizerSpec SpecOf(string kind, JsonElement hp)
    {
        double D(string key, double fallback = 0) => hp.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        bool B(string key) => hp.TryGetProperty(key, out var v) && v.GetBoolean();
        double lr = D("lr");
        return kind switch
        {
            "sgd" => new SgdSpec(lr, D("momentum"), B("nesterov")),
            "rmsprop" => new RmsPropSpec(lr, D("rho"), D("momentum"), D("eps"), B("centered")),
            "adam" => new AdamSpec(lr, D("beta1"), D("beta2"), D("eps"), B("amsgrad")),
            "adamw" => new AdamWSpec(lr, D("beta1"), D("beta2"), D("eps"), D("weight_decay"), B("amsgrad")),
            "adadelta" => new AdadeltaSpec(lr, D("rho"), D("eps")),
            "adagrad" => new AdagradSpec(lr, D("initial_accumulator_value"), D("eps")),
            _ => throw new ArgumentException(kind),
        };
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            double allowed = Math.Max(AbsoluteFloor, RelativeTolerance * Math.Abs(expected[i]));
            if (diff / allowed > worst) (worst, worstIndex) = (diff / allowed, i);
        }
        Assert.True(worst <= 1, $"{what}: element {worstIndex} expected {(worstIndex >= 0 ? expected[worstIndex] : 0)} got {(worstIndex >= 0 ? actual[worstIndex] : 0)} ({worst:F2}× the tolerance)");
    }
}
