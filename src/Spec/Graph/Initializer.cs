namespace NetForge.Spec.Graph;

public enum InitializerKind
{
    GlorotUniform,
    GlorotNormal,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    /// <summary>Normal(mean, stddev).</summary>
    Normal,
    /// <summary>Uniform(minval, maxval).</summary>
    Uniform,
    Zeros,
    Ones,
    /// <summary>Every element = value.</summary>
    Constant,
}

/// <summary>
/// How a parameter is initialised. Fan-in/fan-out follow Keras: dense (in, out); conv
/// (in_channels·kh·kw, filters·kh·kw). Keras 2 defaults: normal stddev 0.05, uniform ±0.05;
/// he_normal and glorot_normal draw from a truncated normal (±2σ) like Keras.
/// </summary>
public sealed record Initializer(
    InitializerKind Kind,
    double Mean = 0.0,
    double Stddev = 0.05,
    double MinVal = -0.05,
    double MaxVal = 0.05,
    double Value = 0.0)
{
    public static readonly Initializer GlorotUniform = new(InitializerKind.GlorotUniform);
    public static readonly Initializer Zeros = new(InitializerKind.Zeros);
    public static readonly Initializer Ones = new(InitializerKind.Ones);
}
