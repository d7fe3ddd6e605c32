using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>
/// The table that maps spec words to IR values: activations, initializers and the keras2 optimizer defaults.
/// Layer kinds are defined one per file in <c>src/Spec/Layers</c> (<see cref="Layers.LayerKinds"/>).
/// </summary>
internal static class Registry
{
    public const string Dialect = "keras2";

    /// <summary>Keys every layer may carry.</summary>
    public static readonly string[] CommonLayerKeys = ["name", "initializer", "bias_initializer"];

    public static readonly string[] Paddings = ["valid", "same"];

    public static readonly (string Name, Activation Value)[] Activations =
    [
        ("linear", Activation.Linear), ("relu", Activation.Relu), ("sigmoid", Activation.Sigmoid),
        ("tanh", Activation.Tanh), ("softmax", Activation.Softmax),
    ];

    public static readonly string[] ActivationNames = [.. Activations.Select(a => a.Name)];

    public static Activation ActivationOf(string name) => Activations.First(a => a.Name == name).Value;

    public static string NameOf(Activation a) => Activations.First(x => x.Value == a).Name;

    /// <summary>Initializer names with the keys their map form accepts.</summary>
    public static readonly (string Name, InitializerKind Kind, string[] Keys)[] Initializers =
    [
        ("glorot_uniform", InitializerKind.GlorotUniform, []),
        ("glorot_normal", InitializerKind.GlorotNormal, []),
        ("he_normal", InitializerKind.HeNormal, []),
        ("he_uniform", InitializerKind.HeUniform, []),
        ("lecun_normal", InitializerKind.LecunNormal, []),
        ("lecun_uniform", InitializerKind.LecunUniform, []),
        ("normal", InitializerKind.Normal, ["mean", "stddev"]),
        ("uniform", InitializerKind.Uniform, ["minval", "maxval"]),
        ("zeros", InitializerKind.Zeros, []),
        ("ones", InitializerKind.Ones, []),
        ("constant", InitializerKind.Constant, ["value"]),
    ];

    public static readonly string[] InitializerNames = [.. Initializers.Select(i => i.Name)];

    public static string NameOf(InitializerKind kind) => Initializers.First(i => i.Kind == kind).Name;

    /// <summary>How an optimizer hyper-parameter is checked.</summary>
    public enum ParamKind
    {
        /// <summary>A number &gt; 0.</summary>
        Positive,
        /// <summary>A number in [0, 1).</summary>
        Unit,
        /// <summary>A number &gt;= 0.</summary>
        NonNegative,
        Bool,
    }

    public sealed record OptimizerParam(string Key, ParamKind Kind, double Default);

    /// <summary>
    /// An optimizer with its keras2 defaults (Keras 2.2.4; adamw from tf.keras 2.11), in the order
    /// ToResolvedYaml prints them. <c>Create</c> builds the IR record from the resolved values in that
    /// order; <c>Values</c> is its inverse.
    /// </summary>
    public sealed record OptimizerDef(string Name, OptimizerParam[] Params, Func<double[], OptimizerSpec> Create, Func<OptimizerSpec, double[]> Values);

    private static bool B(double v) => v != 0;

    private static double D(bool b) => b ? 1 : 0;

    public static readonly OptimizerDef[] Optimizers =
    [
        new("sgd",
            [new("learning_rate", ParamKind.Positive, 0.01), new("momentum", ParamKind.Unit, 0.0), new("nesterov", ParamKind.Bool, 0)],
            v => new SgdSpec(v[0], v[1], B(v[2])),
            o => o is SgdSpec s ? [s.LearningRate, s.Momentum, D(s.Nesterov)] : throw new ArgumentException("not sgd")),
        new("rmsprop",
            [new("learning_rate", ParamKind.Positive, 0.001), new("rho", ParamKind.Unit, 0.9), new("momentum", ParamKind.Unit, 0.0),
             new("epsilon", ParamKind.Positive, 1e-7), new("centered", ParamKind.Bool, 0)],
            v => new RmsPropSpec(v[0], v[1], v[2], v[3], B(v[4])),
            o => o is RmsPropSpec s ? [s.LearningRate, s.Rho, s.Momentum, s.Epsilon, D(s.Centered)] : throw new ArgumentException("not rmsprop")),
        new("adam",
            [new("learning_rate", ParamKind.Positive, 0.001), new("beta_1", ParamKind.Unit, 0.9), new("beta_2", ParamKind.Unit, 0.999),
             new("epsilon", ParamKind.Positive, 1e-7), new("amsgrad", ParamKind.Bool, 0)],
            v => new AdamSpec(v[0], v[1], v[2], v[3], B(v[4])),
            o => o is AdamSpec s ? [s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, D(s.Amsgrad)] : throw new ArgumentException("not adam")),
        new("adamw",
            [new("learning_rate", ParamKind.Positive, 0.001), new("beta_1", ParamKind.Unit, 0.9), new("beta_2", ParamKind.Unit, 0.999),
             new("epsilon", ParamKind.Positive, 1e-7), new("weight_decay", ParamKind.NonNegative, 0.004), new("amsgrad", ParamKind.Bool, 0)],
            v => new AdamWSpec(v[0], v[1], v[2], v[3], v[4], B(v[5])),
            o => o is AdamWSpec s ? [s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay, D(s.Amsgrad)] : throw new ArgumentException("not adamw")),
        new("adadelta",
            [new("learning_rate", ParamKind.Positive, 1.0), new("rho", ParamKind.Unit, 0.95), new("epsilon", ParamKind.Positive, 1e-7)],
            v => new AdadeltaSpec(v[0], v[1], v[2]),
            o => o is AdadeltaSpec s ? [s.LearningRate, s.Rho, s.Epsilon] : throw new ArgumentException("not adadelta")),
        new("adagrad",
            [new("learning_rate", ParamKind.Positive, 0.01), new("initial_accumulator_value", ParamKind.NonNegative, 0.1),
             new("epsilon", ParamKind.Positive, 1e-7)],
            v => new AdagradSpec(v[0], v[1], v[2]),
            o => o is AdagradSpec s ? [s.LearningRate, s.InitialAccumulatorValue, s.Epsilon] : throw new ArgumentException("not adagrad")),
    ];

    public static readonly string[] OptimizerNames = [.. Optimizers.Select(o => o.Name)];

    public static readonly string[] Losses = ["categorical_crossentropy"];

    public static readonly string[] Metrics = ["accuracy"];

    public static readonly string[] Monitors = ["val_loss", "val_accuracy", "loss", "accuracy"];

    public static readonly string[] Schedules = ["step", "exponential", "cosine"];
}
