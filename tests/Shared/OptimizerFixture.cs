using System.Text.Json;
using NetForge.Spec.Graph;
using Xunit;

namespace NetForge.Tests.Shared;

/// <summary>
/// The PyTorch optimizer trajectories (tools/fixtures/optimizers.py → tests/NetForge.Train.Tests/Fixtures/optimizers/):
/// every optimizer and option, parameters after 1 and 10 steps of g = G[t] + decay·p. Both engines' optimizer tests
/// read them through this class.
/// </summary>
internal static class OptimizerFixture
{
    /// <summary>float32 arithmetic in a different order than torch's kernels: ~1e-7 per op, 10 steps.</summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>Floor for values that pass near zero, where a relative bound means nothing.</summary>
    public const double AbsoluteFloor = 1e-6;

    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoRoot.Combine("tests", "NetForge.Train.Tests", "Fixtures", "optimizers", "optimizers.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);

    /// <summary>The keras2-dialect optimizer spec of a fixture case.</summary>
    public static OptimizerSpec SpecOf(string kind, JsonElement hp)
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

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>Every element within <see cref="RelativeTolerance"/> (or <see cref="AbsoluteFloor"/>) of PyTorch's.</summary>
    public static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what)
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
