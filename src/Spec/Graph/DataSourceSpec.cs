namespace NetForge.Spec.Graph;

/// <summary>
/// Where a spec's data comes from (<c>train.dataset</c>). The spec only names it: the files are read, and their shapes and
/// classes compared with the network, by NetForge.Data when a command needs the data (<c>check</c>, <c>train</c>, ...).
/// </summary>
public abstract record DataSourceSpec
{
    /// <summary>The spec keyword: <c>mnist</c>, <c>idx</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Where <c>train.dataset</c> is in the spec (messages about the data point here).</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary><c>dataset: mnist</c>: MNIST from NetForge's verified cache (or <c>--data DIR</c>).</summary>
public sealed record MnistSourceSpec : DataSourceSpec
{
    public static readonly MnistSourceSpec Instance = new();

    public override string Kind => "mnist";
}

/// <summary>
/// <c>dataset: {idx: FOLDER}</c> or <c>dataset: {idx: {train_images: F, train_labels: F, test_images: F, test_labels: F}}</c>:
/// IDX files (the MNIST format, raw or .gz) of any image size and class count: Fashion-MNIST, KMNIST, EMNIST-style sets.
/// A folder holds <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c> (each raw or with <c>.gz</c>). Paths are absolute: the compiler resolves a relative one
/// against the spec file's folder.
/// </summary>
public sealed record IdxSourceSpec(string? Folder, string? TrainImages, string? TrainLabels, string? TestImages, string? TestLabels) : DataSourceSpec
{
    public override string Kind => "idx";

    /// <summary>The four file keys of the explicit form, in order.</summary>
    public static readonly string[] FileKeys = ["train_images", "train_labels", "test_images", "test_labels"];

    /// <summary>Something to show the user: the folder, or the training images' file.</summary>
    public string Describe() => Folder ?? TrainImages ?? "";
}

/// <summary>How image-folder pictures become samples: one gray channel or three (RGB).</summary>
public enum ColorMode
{
    Gray,
    Rgb,
}

/// <summary>
/// <c>dataset: {images: {train: FOLDER, test: FOLDER | test_split: F, color: gray | rgb, size: [H, W], skip_bad_files: B}}</c>:
/// pictures (PNG, JPEG, BMP, GIF's first frame) in one sub-folder per class, class names sorted by code point as Keras's
/// <c>image_dataset_from_directory</c> does. Without <see cref="Height"/>/<see cref="Width"/> every picture must have one
/// size; with them each is resized (area averaging when shrinking, bilinear when enlarging). Paths are absolute.
/// </summary>
/// <param name="Train">The training folder: one sub-folder per class.</param>
/// <param name="Test">The test folder with the same class sub-folders, or null with <paramref name="TestSplit"/>.</param>
/// <param name="TestSplit">Without a test folder: the fraction of the pictures held out as the test set (after a shuffle by the spec's seed).</param>
/// <param name="Color">Gray (1 channel) or RGB (3 channels, planar); pictures of the other kind are converted.</param>
/// <param name="Height">Resize height, or null to require one size.</param>
/// <param name="Width">Resize width, or null.</param>
/// <param name="SkipBadFiles">Skip (and count) pictures that cannot be decoded instead of stopping at the first.</param>
/// <param name="LabelsFromFolders">True when the spec gave no labels: the class folders' names become the labels.</param>
public sealed record ImageFolderSourceSpec(
    string Train, string? Test, double TestSplit, ColorMode Color, int? Height, int? Width, bool SkipBadFiles, bool LabelsFromFolders) : DataSourceSpec
{
    public override string Kind => "images";

    /// <summary>The keys of <c>images:</c>.</summary>
    public static readonly string[] Keys = ["train", "test", "test_split", "color", "size", "skip_bad_files"];

    /// <summary>1 for gray, 3 for RGB.</summary>
    public int Channels => Color == ColorMode.Gray ? 1 : 3;
}

/// <summary>
/// <c>dataset: {csv: {train: FILE, test: FILE | test_split: F, label: COLUMN, features: [COLUMNS], skip_bad_rows: B}}</c>:
/// a CSV table with a header row, one sample per row, for MLPs (input.shape [features]). The label column holds class
/// names (any text: the classes are the distinct names, sorted by code point, unless the spec lists labels) or class
/// indices (integers 0..N-1); the feature columns are numbers. Paths are absolute.
/// </summary>
/// <param name="Train">The training table.</param>
/// <param name="Test">The test table with the same columns, or null with <paramref name="TestSplit"/>.</param>
/// <param name="TestSplit">Without a test table: the fraction of the rows held out as the test set (after a shuffle by the spec's seed).</param>
/// <param name="Label">The label column's header name.</param>
/// <param name="Features">The feature columns' names in input order, or null for every column but the label, in file order.</param>
/// <param name="SkipBadRows">Skip (and count) rows with a missing or non-numeric value instead of stopping at the first.</param>
/// <param name="LabelsFromData">True when the spec gave no labels: the label column's class names become the labels.</param>
public sealed record CsvSourceSpec(
    string Train, string? Test, double TestSplit, string Label, IReadOnlyList<string>? Features, bool SkipBadRows, bool LabelsFromData) : DataSourceSpec
{
    public override string Kind => "csv";

    /// <summary>The keys of <c>csv:</c>.</summary>
    public static readonly string[] Keys = ["train", "test", "test_split", "label", "features", "skip_bad_rows"];

    /// <inheritdoc />
    public bool Equals(CsvSourceSpec? other) =>
        other is not null && Train == other.Train && Test == other.Test && TestSplit.Equals(other.TestSplit) && Label == other.Label
        && SkipBadRows == other.SkipBadRows && LabelsFromData == other.LabelsFromData && Location == other.Location
        && (Features is null ? other.Features is null : other.Features is not null && Features.SequenceEqual(other.Features, StringComparer.Ordinal));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Train, Test, TestSplit, Label, SkipBadRows, LabelsFromData, Features?.Count);
}
