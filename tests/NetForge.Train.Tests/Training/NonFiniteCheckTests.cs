using NetForge.Spec.Graph;
using NetForge.Engine.Tensors;
using NetForge.Train.Training;

namespace NetForge.Train.Tests.Training;

/// <summary>
/// The per-step finite check of gradients and weights (<see cref="Engine.Tensors.ParameterStore.FirstNonFinite"/>): one vectorised sum
/// over the whole buffer, then a search for the first offending parameter only when that sum is not finite.
/// </summary>
public class NonFiniteCheckTests
{
    private static ParameterStore Store() => new(
    [
        new ParamSpec("layers.0.weight", "weight", new Shape(4, 3), Initializer.GlorotUniform),
        new ParamSpec("layers.0.bias", "bias", new Shape(4), Initializer.Zeros),
        new ParamSpec("layers.2.weight", "weight", new Shape(2, 4), Initializer.GlorotUniform),
    ]);

    [Fact]
    public void Finite_buffers_pass()
    {
        var store = Store();
        for (int i = 0; i < store.Count; i++) store.Grads[i] = i * 0.5f - 3f;
        Assert.Null(store.FirstNonFinite(store.Grads));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void The_first_parameter_holding_a_non_finite_value_is_named(float bad)
    {
        var store = Store();
        store.Grad("layers.2.weight")[5] = bad;
        Assert.Equal("layers.2.weight", store.FirstNonFinite(store.Grads)?.Path);

        store.Grad("layers.0.bias")[0] = bad;   // an earlier slice wins
        Assert.Equal("layers.0.bias", store.FirstNonFinite(store.Grads)?.Path);
    }

    [Fact]
    public void Opposite_infinities_that_sum_to_nan_are_caught()
    {
        var store = Store();
        store.Grad("layers.0.weight")[0] = float.PositiveInfinity;
        store.Grad("layers.0.weight")[1] = float.NegativeInfinity;
        Assert.Equal("layers.0.weight", store.FirstNonFinite(store.Grads)?.Path);
    }

    [Fact]
    public void Finite_values_whose_sum_overflows_are_not_a_false_alarm()
    {
        // Trap: the fast check sums the buffer; 3e38 + 3e38 overflows float to +Inf although every value is finite.
        var store = Store();
        store.Grads.AsSpan().Fill(3e38f);
        Assert.Null(store.FirstNonFinite(store.Grads));
    }
}
