using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// The Train tests' shorthand over the spec's own <see cref="ModelBuilder"/> (its shape inference, TF-style padding,
/// Keras names and parameter paths): a scale and input shape up front, the model's name at <see cref="Build"/>, and the
/// SGD train settings these tests were recorded with.
/// </summary>
internal sealed class GraphBuilder(double scale, params int[] inputShape)
{
    private readonly List<Action<ModelBuilder>> _steps = [];

    public GraphBuilder Dense(int units, Activation activation = Activation.Linear, bool useBias = true) =>
        Then(b => b.Dense(units, activation, useBias));

    public GraphBuilder Conv(int filters, int kh, int kw, int sh = 1, int sw = 1, Padding padding = Padding.Valid, Activation activation = Activation.Linear, bool useBias = true) =>
        Then(b => b.Conv2D(filters, kh, kw, sh, sw, padding, activation, useBias));

    public GraphBuilder Pool(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding = Padding.Valid) =>
        Then(b => _ = kind == PoolKind.Max ? b.MaxPool2D(ph, pw, sh, sw, padding) : b.AvgPool2D(ph, pw, sh, sw, padding));

    public GraphBuilder Dropout(double rate) => Then(b => b.Dropout(rate));

    public GraphBuilder Flatten() => Then(b => b.Flatten());

    public GraphBuilder GlobalAvgPool() => Then(b => b.GlobalAvgPool2D());

    public GraphBuilder Act(Activation activation) => Then(b => b.Activation(activation));

    public GraphBuilder BatchNorm(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true) =>
        Then(b => b.BatchNorm(momentum, epsilon, center, scale));

    public ModelGraph Build(string name = "test")
    {
        var builder = new ModelBuilder(name, inputShape, scale, "test.yaml");
        foreach (var step in _steps) step(builder);
        return builder.Build(new TrainSpec("mnist", LossKind.CategoricalCrossentropy, new SgdSpec(0.01, 0, false), 32, 1, 0, 1, ["accuracy"], null, CallbacksSpec.Default, null));
    }

    private GraphBuilder Then(Action<ModelBuilder> step)
    {
        _steps.Add(step);
        return this;
    }
}
