using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>A dataset a spec can train on: its classes, per-sample input and default labels.</summary>
/// <param name="Name">The spec keyword (<c>mnist</c>).</param>
/// <param name="NumClasses">Number of classes; the network's output size.</param>
/// <param name="ImageShape">One sample as an image, channels-first: [1, 28, 28].</param>
/// <param name="DefaultLabels">Class names used when a spec gives no <c>labels:</c>.</param>
/// <param name="Description">One line for help texts.</param>
public sealed record DatasetInfo(string Name, int NumClasses, Shape ImageShape, IReadOnlyList<string> DefaultLabels, string Description)
{
    /// <summary>Elements per sample (784 for 28x28 grayscale); a spec's input shape must hold exactly this many.</summary>
    public long InputSize => ImageShape.Size;
}

/// <summary>The registry of datasets a spec may name in <c>train.dataset</c>.</summary>
public static class Datasets
{
    /// <summary>MNIST handwritten digits: 10 classes, 28x28 grayscale, pixels 0–255.</summary>
    public static readonly DatasetInfo Mnist = new(
        "mnist", 10, new Shape(1, 28, 28), [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        "MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale, 10 classes");

    /// <summary>Every dataset, by name.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist];

    /// <summary>The dataset keywords (<c>mnist</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>Looks a dataset up by its spec keyword.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DatasetInfo? info)
    {
        info = All.FirstOrDefault(d => d.Name == name);
        return info is not null;
    }

    /// <summary>Looks a dataset up by its spec keyword; throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    public static DatasetInfo Get(string name) =>
        TryGet(name, out var info) ? info : throw new KeyNotFoundException($"unknown dataset '{name}', expected one of {string.Join(", ", Names)}");
}
