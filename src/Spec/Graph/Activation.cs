namespace NetForge.Spec.Graph;

/// <summary>Elementwise (or, for softmax, per-sample) activation applied after a layer.</summary>
public enum Activation
{
    Linear,
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
}

public enum Padding
{
    Valid,
    Same,
}
