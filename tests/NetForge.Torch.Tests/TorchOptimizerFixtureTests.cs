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
    public static TheoryData<string> CaseNames() => OptimizerFixture.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_pytorch_after_1_and_10_steps(string name)
    {
        TorchSharpRuntime.EnsureAvailable();
        var root = OptimizerFixture.Root;
        var c = OptimizerFixture.Case(name);
        var hp = c.GetProperty("hp");
        float decay = (float)root.GetProperty("decay").GetDouble();
        var shapes = root.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToList();
        var init = OptimizerFixture.Floats(root.GetProperty("init"));
        var grads = root.GetProperty("grads").EnumerateArray().Select(OptimizerFixture.Floats).ToList();

        var trainable = new List<(ParamSpec, int, Parameter)>();
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            var spec = new ParamSpec($"layers.{i}.weight", "weight", new Shape(shapes[i]), Initializer.Zeros);
            var values = init.AsSpan(offset, (int)spec.Size).ToArray();
            trainable.Add((spec, offset, new Parameter(torch.tensor(values, shapes[i].Select(d => (long)d).ToArray()))));
            offset += (int)spec.Size;
        }

        using var optimizer = new TorchOptimizer(OptimizerFixture.SpecOf(c.GetProperty("optimizer").GetString()!, hp), trainable, offset);
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
            if (t == 0) OptimizerFixture.AssertClose(OptimizerFixture.Floats(c.GetProperty("after_1")), Flat(trainable, offset), name + " after 1 step");
        }
        OptimizerFixture.AssertClose(OptimizerFixture.Floats(c.GetProperty("after_10")), Flat(trainable, offset), name + " after 10 steps");
        Assert.Equal(10, optimizer.Steps);
    }

    private static float[] Flat(List<(ParamSpec Spec, int Offset, Parameter P)> ps, int count)
    {
        var flat = new float[count];
        foreach (var (spec, at, p) in ps) p.data<float>().CopyTo(flat.AsSpan(at, (int)spec.Size));
        return flat;
    }
}
