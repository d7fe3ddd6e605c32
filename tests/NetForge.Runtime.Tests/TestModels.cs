using System.Text.Json;

namespace NetForge.Runtime.Tests;

/// <summary>Finds the committed test models (tools/fixtures/runtime_models.py) and their numpy-computed outputs.</summary>
internal static class TestModels
{

    private static readonly Lazy<JsonElement> ExpectedJson = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path("expected.json"))).RootElement);

    public static string Path(string name) => System.IO.Path.Combine(NetForge.Tests.Shared.RepoRoot.Path, "tests", "NetForge.Runtime.Tests", "Models", name);

    public static Fixture Expected(string model)
    {
        JsonElement e = ExpectedJson.Value.GetProperty(model);
        var outputs = new Dictionary<string, (long[] Shape, double[] Data)>();
        foreach (JsonProperty o in e.GetProperty("outputs").EnumerateObject())
        {
            outputs[o.Name] = (Longs(o.Value.GetProperty("shape")), Doubles(o.Value.GetProperty("data")));
        }

        return new Fixture(e.GetProperty("input").GetString()!, Longs(e.GetProperty("shape")),
            [.. Doubles(e.GetProperty("data")).Select(d => (float)d)], outputs);
    }

    private static long[] Longs(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetInt64())];

    private static double[] Doubles(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetDouble())];

    internal sealed record Fixture(string Input, long[] Shape, float[] Data, Dictionary<string, (long[] Shape, double[] Data)> Outputs);
}

/// <summary>Tests that read or change process-wide state (live-handle counts, environment variables) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "serial";
}

/// <summary>Tolerances and comparison helpers.</summary>
internal static class Close
{
    /// <summary>float32 ORT vs float64 numpy: the task's 1e-5, as absolute plus relative (logits reach ~10).</summary>
    public const double Absolute = 1e-5, Relative = 1e-5;

    public static void All(double[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (diff > Absolute + Relative * Math.Abs(expected[i]) && diff > worst)
            {
                worst = diff;
                worstIndex = i;
            }
        }

        Assert.True(worstIndex < 0,
            $"largest mismatch {worst:g4} at index {worstIndex}: expected {(worstIndex >= 0 ? expected[worstIndex] : 0)}, got {(worstIndex >= 0 ? actual[worstIndex] : 0)}");
    }
}

/// <summary>The PyTorch-exported models' inputs and torch's outputs (tools/fixtures/foreign_models.py).</summary>
internal static class ForeignModels
{
    private static readonly Lazy<JsonElement> Json = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestModels.Path("foreign_expected.json"))).RootElement);

    /// <summary>3 samples of 1×28×28 floats in 0–1.</summary>
    public static float[] Input => [.. Json.Value.GetProperty("input").EnumerateArray().Select(x => (float)x.GetDouble())];

    public static double[] Expected(string model, string output) =>
        [.. Json.Value.GetProperty(model).GetProperty(output).EnumerateArray().Select(x => x.GetDouble())];
}
