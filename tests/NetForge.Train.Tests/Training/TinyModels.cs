using NetForge.Train.Training;
using NetForge.Data;
using NetForge.Spec.Graph;

namespace NetForge.Train.Tests.Training;

/// <summary>Hand-built graphs and synthetic data small enough to train in milliseconds.</summary>
internal static class TinyModels
{
    /// <summary>The trainer's weights, the flat parameter view.</summary>
    public static float[] Weights(this Trainer trainer)
    {
        var w = new float[trainer.Engine.Graph.ParameterCount];
        trainer.Engine.ReadParameters(w);
        return w;
    }

    /// <summary>The own engine's optimizer state, every section back to back.</summary>
    public static float[] OptimizerState(this Trainer trainer) => ((NetForgeEngine)trainer.Engine).Optimizer.State.ToArray();

    public const int Features = 16, Hidden = 12, Classes = 3;

    /// <summary>16 → dense 12 relu → dropout 0.25 → dense 3 softmax, with the given train block.</summary>
    public static ModelGraph Mlp(TrainSpec train)
    {
        var loc = SourceLocation.None;
        DenseNode Dense(int index, int inputs, int units, Activation act) => new(units, act, UseBias: true)
        {
            Index = index,
            Name = index == 0 ? "dense" : $"dense_{index}",
            Location = loc,
            InputShape = new Shape(inputs),
            OutputShape = new Shape(units),
            Parameters =
            [
                new ParamSpec($"layers.{index}.weight", "weight", new Shape(units, inputs), Initializer.GlorotUniform),
                new ParamSpec($"layers.{index}.bias", "bias", new Shape(units), Initializer.Zeros),
            ],
        };
        var layers = new LayerNode[]
        {
            Dense(0, Features, Hidden, Activation.Relu),
            new DropoutNode(0.25) { Index = 1, Name = "dropout", Location = loc, InputShape = new Shape(Hidden), OutputShape = new Shape(Hidden) },
            Dense(2, Hidden, Classes, Activation.Softmax),
        };
        return new ModelGraph("tiny", null, "keras2", new InputSpec(new Shape(Features), 1.0 / 255, loc), ["a", "b", "c"], layers, train, "tiny.yaml");
    }

    public static TrainSpec Train(OptimizerSpec optimizer, int epochs = 3, int batch = 32, double validationSplit = 0,
        CallbacksSpec? callbacks = null, ScheduleSpec? schedule = null, double? clipNorm = null, int seed = 1234) =>
        new("mnist", LossKind.CategoricalCrossentropy, optimizer, batch, epochs, validationSplit, seed, ["accuracy"],
            schedule, callbacks ?? CallbacksSpec.Default, clipNorm);

    public static TrainSpec Adam(int epochs = 3, CallbacksSpec? callbacks = null) =>
        Train(new AdamSpec(0.01, 0.9, 0.999, 1e-7, false), epochs, callbacks: callbacks);

    /// <summary>
    /// A learnable synthetic set: the class is which third of the features holds the most "ink";
    /// pixel values 0–255 from a fixed seed.
    /// </summary>
    public static ImageSet Data(int count, int seed)
    {
        var rng = new System.Random(seed);
        var pixels = new byte[count * Features];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(Classes);
            labels[i] = (byte)label;
            for (int j = 0; j < Features; j++)
            {
                bool hot = j * Classes / Features == label;
                pixels[i * Features + j] = (byte)(hot ? rng.Next(120, 256) : rng.Next(0, 140));
            }
        }
        return new ImageSet(pixels, labels, 1, Features);
    }
}
