using NetForge.Spec.Graph;
using NetForge.Spec.Validation;

namespace NetForge.Spec;

/// <summary>
/// Output shapes, explicit pads and parameters of each layer (Keras <c>compute_output_shape</c> and
/// <c>build</c>). Shapes are per sample, channels-first. Conv and pool sizes follow TensorFlow:
/// valid: floor((in − k)/s) + 1; same: ceil(in/s) with total pad max((out − 1)·s + k − in, 0),
/// top/left = total/2 and the odd extra at the bottom/right.
/// </summary>
public static class ShapeInference
{
    /// <summary>Output size and pads (before, after) of one spatial axis.</summary>
    /// <returns>Output size, or 0 when the window does not fit a valid-padded input.</returns>
    public static (int Out, int PadBefore, int PadAfter) Window(int input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid) return (input < kernel ? 0 : (input - kernel) / stride + 1, 0, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((int)Math.Min((long)(output - 1) * stride + kernel - input, int.MaxValue), 0);
        return (output, total / 2, total - total / 2);
    }

    internal static LayerNode? Infer(LayerConfig c, Shape input, DiagnosticBag diags)
    {
        string prefix = $"layers.{c.Index}.";
        var at = diags.At(c.Item);
        switch (c.Type)
        {
            case "dense":
                if (input.Rank != 1)
                {
                    diags.Add(at, c.Label, "dense needs a flat input", "[features]", input.ToString(), "add a flatten layer before it");
                    return null;
                }

                return new DenseNode(c.Units, c.Activation, c.UseBias)
                {
                    Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = new Shape(c.Units),
                    Parameters = WeightAndBias(prefix, [c.Units, input[0]], c.Units, c.UseBias, c),
                };

            case "conv2d":
            {
                if (!NeedsImage(c, input, diags)) return null;
                var stride = c.Stride ?? (1, 1);
                if (Windows(c, "kernel", c.Kernel, stride, input, diags) is not { } w) return null;
                return new Conv2DNode(c.Filters, c.Kernel.H, c.Kernel.W, stride.H, stride.W, c.Padding,
                    w.Top, w.Left, w.Bottom, w.Right, c.Activation, c.UseBias)
                {
                    Index = c.Index, Name = c.Name, Location = at, InputShape = input,
                    OutputShape = new Shape(c.Filters, w.H, w.W),
                    Parameters = WeightAndBias(prefix, [c.Filters, input[0], c.Kernel.H, c.Kernel.W], c.Filters, c.UseBias, c),
                };
            }

            case "maxpool2d" or "avgpool2d":
            {
                if (!NeedsImage(c, input, diags)) return null;
                var stride = c.Stride ?? c.Pool;
                if (Windows(c, "pool", c.Pool, stride, input, diags) is not { } w) return null;
                return new Pool2DNode(c.Type == "maxpool2d" ? PoolKind.Max : PoolKind.Average, c.Pool.H, c.Pool.W, stride.H, stride.W,
                    c.Padding, w.Top, w.Left, w.Bottom, w.Right)
                {
                    Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = new Shape(input[0], w.H, w.W),
                };
            }

            case "dropout":
                return new DropoutNode(c.Rate) { Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = input };

            case "activation":
                return new ActivationNode(c.Activation) { Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = input };

            case "flatten":
                if (input.Size > int.MaxValue)
                {
                    diags.Add(at, c.Label, "flatten output is too large", $"at most {int.MaxValue} elements", $"{input.Size}");
                    return null;
                }

                return new FlattenNode { Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = new Shape((int)input.Size) };

            default: // batchnorm
            {
                int ch = input[0];
                var ps = new List<ParamSpec>();
                if (c.Scale) ps.Add(new ParamSpec(prefix + "gamma", "gamma", new Shape(ch), c.Initializer));
                if (c.Center) ps.Add(new ParamSpec(prefix + "beta", "beta", new Shape(ch), c.BiasInitializer));
                ps.Add(new ParamSpec(prefix + "moving_mean", "moving_mean", new Shape(ch), Initializer.Zeros, Trainable: false));
                ps.Add(new ParamSpec(prefix + "moving_variance", "moving_variance", new Shape(ch), Initializer.Ones, Trainable: false));
                return new BatchNormNode(c.Momentum, c.Epsilon, c.Center, c.Scale)
                {
                    Index = c.Index, Name = c.Name, Location = at, InputShape = input, OutputShape = input, Parameters = ps,
                };
            }
        }
    }

    private static List<ParamSpec> WeightAndBias(string prefix, int[] weightShape, int outputs, bool useBias, LayerConfig c)
    {
        var ps = new List<ParamSpec> { new(prefix + "weight", "weight", new Shape(weightShape), c.Initializer) };
        if (useBias) ps.Add(new ParamSpec(prefix + "bias", "bias", new Shape(outputs), c.BiasInitializer));
        return ps;
    }

    private static bool NeedsImage(LayerConfig c, Shape input, DiagnosticBag diags)
    {
        if (input.Rank == 3) return true;
        diags.Add(diags.At(c.Item), c.Label, $"{c.Type} needs an image input", "[channels, height, width]", input.ToString(),
            c.Index == 0 ? "give input.shape as [channels, height, width], e.g. [1, 28, 28]" : "image layers must come before flatten");
        return false;
    }

    private static (int H, int W, int Top, int Left, int Bottom, int Right)? Windows(
        LayerConfig c, string key, (int H, int W) k, (int H, int W) s, Shape input, DiagnosticBag diags)
    {
        var (h, top, bottom) = Window(input[1], k.H, s.H, c.Padding);
        var (w, left, right) = Window(input[2], k.W, s.W, c.Padding);
        if (h == 0 || w == 0)
        {
            diags.Add(c.Where(key, diags), c.Label, $"{key} is larger than its input", $"{key} <= [{input[1]}, {input[2]}]",
                $"[{k.H}, {k.W}]", "use padding: same, a smaller " + key + ", or fewer pooling layers before it");
            return null;
        }

        if ((long)input[0] * h * w > int.MaxValue || (long)(c.Type == "conv2d" ? c.Filters : input[0]) * h * w > int.MaxValue)
        {
            diags.Add(c.Where(key, diags), c.Label, "output is too large", $"at most {int.MaxValue} elements", $"{(long)c.Filters * h * w}");
            return null;
        }

        return (h, w, top, left, bottom, right);
    }
}
