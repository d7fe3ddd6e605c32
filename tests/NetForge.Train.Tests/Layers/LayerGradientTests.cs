using NetForge.Spec.Graph;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// Finite-difference checks of dInput and every parameter gradient for each layer type and option, each
/// inside a tiny network ending in a dense softmax (the fused loss). Smooth activations (tanh) keep the
/// central difference honest; relu's kink at 0 and max-pool ties are checked by hand in the kernel tests.
/// </summary>
public class LayerGradientTests
{
    [Fact]
    public void Dense_with_each_activation()
    {
        foreach (var act in new[] { Activation.Linear, Activation.Sigmoid, Activation.Tanh, Activation.Softmax })
            GradientCheck.Run(new GraphBuilder(1.0, 5).Dense(4, act).Dense(3, Activation.Softmax).Build($"dense_{act}"), batch: 3, seed: 1);
        GradientCheck.Run(new GraphBuilder(1.0, 5).Dense(4, Activation.Tanh, useBias: false).Dense(3, Activation.Softmax, useBias: false).Build("dense_nobias"), 3, 2);
    }

    [Fact]
    public void Dense_relu_away_from_the_kink()
    {
        // Relu is checked on a fixed seed where no pre-activation lies within the step of 0 (a kink makes the difference quotient meaningless).
        GradientCheck.Run(new GraphBuilder(1.0, 6).Dense(5, Activation.Relu).Dense(3, Activation.Softmax).Build("dense_relu"), 4, 3);
    }

    [Theory]
    [InlineData(3, 3, 1, 1, Padding.Same)]
    [InlineData(3, 3, 1, 1, Padding.Valid)]
    [InlineData(3, 3, 2, 2, Padding.Same)]   // stride 2, TF same with the extra pad at bottom/right
    [InlineData(2, 3, 1, 2, Padding.Same)]   // rectangular kernel
    [InlineData(1, 1, 1, 1, Padding.Valid)]
    public void Conv2D(int kh, int kw, int sh, int sw, Padding padding)
    {
        var g = new GraphBuilder(1.0, 2, 6, 5).Conv(3, kh, kw, sh, sw, padding, Activation.Tanh).Flatten().Dense(3, Activation.Softmax).Build($"conv_{kh}x{kw}_s{sh}{sw}_{padding}");
        GradientCheck.Run(g, batch: 2, seed: 4);
    }

    [Fact]
    public void Conv2D_without_bias_and_sigmoid()
    {
        GradientCheck.Run(new GraphBuilder(1.0, 1, 5, 5).Conv(2, 3, 3, 1, 1, Padding.Same, Activation.Sigmoid, useBias: false).Flatten().Dense(3, Activation.Softmax).Build("conv_nobias"), 2, 5);
    }

    [Theory]
    [InlineData(PoolKind.Average, 2, 2, 2, 2, Padding.Valid)]
    [InlineData(PoolKind.Average, 2, 2, 2, 2, Padding.Same)]   // odd input: windows at the edge hold fewer elements
    [InlineData(PoolKind.Average, 3, 2, 1, 2, Padding.Same)]
    [InlineData(PoolKind.Max, 2, 2, 2, 2, Padding.Valid)]
    [InlineData(PoolKind.Max, 3, 3, 2, 2, Padding.Same)]
    [InlineData(PoolKind.Max, 2, 3, 1, 1, Padding.Valid)]
    public void Pooling(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding)
    {
        // Continuous random inputs have no exact ties (ties are the max-pool trap, tested by hand in PoolingTests).
        var g = new GraphBuilder(1.0, 2, 5, 5).Conv(2, 2, 2, 1, 1, Padding.Valid, Activation.Tanh).Pool(kind, ph, pw, sh, sw, padding).Flatten().Dense(3, Activation.Softmax).Build($"{kind}_{ph}x{pw}_{padding}");
        GradientCheck.Run(g, batch: 2, seed: 6);
    }

    [Theory]
    [InlineData(2, 5, 5)]
    [InlineData(3, 4, 7)]   // rectangular plane
    [InlineData(4, 1, 1)]   // a 1x1 plane: the identity
    public void Global_average_pooling(int channels, int h, int w)
    {
        var g = new GraphBuilder(1.0, 2, h, w).Conv(channels, 1, 1, 1, 1, Padding.Valid, Activation.Tanh).GlobalAvgPool().Dense(3, Activation.Softmax).Build($"gap_{channels}x{h}x{w}");
        GradientCheck.Run(g, batch: 3, seed: 11);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void BatchNorm_training_mode(bool center, bool scale)
    {
        GradientCheck.Run(new GraphBuilder(1.0, 4).Dense(5, Activation.Tanh).BatchNorm(0.9, 1e-3, center, scale).Dense(3, Activation.Softmax).Build("bn_dense"), batch: 6, seed: 7);
        GradientCheck.Run(new GraphBuilder(1.0, 2, 4, 3).Conv(3, 2, 2, 1, 1, Padding.Same, Activation.Tanh).BatchNorm(0.99, 1e-3, center, scale).Flatten().Dense(3, Activation.Softmax).Build("bn_conv"), batch: 3, seed: 8);
    }

    [Fact]
    public void Dropout_with_a_fixed_mask()
    {
        GradientCheck.Run(new GraphBuilder(1.0, 8).Dense(10, Activation.Tanh).Dropout(0.4).Dense(3, Activation.Softmax).Build("dropout"), batch: 3, seed: 9, dropoutKey: 1234);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Softmax)]  // a softmax that is not the last layer: full Jacobian backward
    public void Activation_layer(Activation act)
    {
        GradientCheck.Run(new GraphBuilder(1.0, 5).Dense(4).Act(act).Dense(3).Act(Activation.Softmax).Build($"act_{act}"), batch: 3, seed: 10);
    }

    [Fact]
    public void Softmax_cross_entropy_on_raw_logits()
    {
        // Last layer linear (no softmax): the network still trains on its outputs as logits.
        GradientCheck.Run(new GraphBuilder(1.0, 4).Dense(3).Build("logits"), batch: 5, seed: 11);
    }

    [Fact]
    public void Tiny_conv_net_and_tiny_mlp()
    {
        var cnn = new GraphBuilder(0.5, 1, 7, 6)
            .Conv(3, 3, 3, 1, 1, Padding.Same, Activation.Tanh).BatchNorm(0.9)
            .Pool(PoolKind.Max, 2, 2, 2, 2, Padding.Same)
            .Conv(4, 2, 2, 1, 1, Padding.Valid, Activation.Sigmoid).Pool(PoolKind.Average, 2, 2, 1, 1, Padding.Valid)
            .Flatten().Dropout(0.25).Dense(4, Activation.Softmax).Build("tiny_cnn");
        GradientCheck.Run(cnn, batch: 3, seed: 12);
        var mlp = new GraphBuilder(0.5, 6).Dense(7, Activation.Tanh).Dropout(0.3).Dense(5, Activation.Sigmoid).BatchNorm(0.9).Dense(4, Activation.Softmax).Build("tiny_mlp");
        GradientCheck.Run(mlp, batch: 4, seed: 13);
    }
}
