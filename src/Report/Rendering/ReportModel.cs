namespace NetForge.Report;

/// <summary>
/// Everything a training report shows, as plain immutable data. <see cref="HtmlReport.Render"/> turns it into one
/// self-contained HTML file; nothing here knows about the engine, so a report can be rebuilt from a run folder alone.
/// Every string is user data: the renderer escapes all of it for HTML and SVG.
/// </summary>
public sealed record ReportModel
{
    /// <summary>The run name, shown as the page title (e.g. <c>cnn</c>).</summary>
    public required string Title { get; init; }

    /// <summary>The run folder, shown in the footer; null when unknown.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>The NetForge version that produced the run (e.g. <c>0.1.0</c>).</summary>
    public string NetForgeVersion { get; init; } = "";

    /// <summary>When the report was generated; printed in UTC in the footer.</summary>
    public required DateTimeOffset Generated { get; init; }

    /// <summary>The resolved spec (YAML text), shown verbatim (escaped) in a <c>&lt;pre&gt;</c>.</summary>
    public string SpecYaml { get; init; } = "";

    /// <summary>One row per layer, in order (the <c>netforge summary</c> table).</summary>
    public IReadOnlyList<SummaryRow> Summary { get; init; } = [];

    /// <summary>Total parameter count (trainable and not).</summary>
    public long TotalParameters { get; init; }

    /// <summary>Trainable parameter count.</summary>
    public long TrainableParameters { get; init; }

    /// <summary>The training history, one point per epoch, in order; any metric may be NaN (e.g. no validation).</summary>
    public IReadOnlyList<EpochPoint> Epochs { get; init; } = [];

    /// <summary>What the validation curves are called: <c>validation</c>, or <c>test set as validation</c>.</summary>
    public string ValidationLabel { get; init; } = "validation";

    /// <summary>Test-set metrics and confusion matrix; null when the run has none (e.g. stopped on a NaN loss).</summary>
    public TestResults? Test { get; init; }

    /// <summary>Misclassified test samples; the report shows them most confident first.</summary>
    public IReadOnlyList<Mistake> Mistakes { get; init; } = [];

    /// <summary>The parity certificate, when the model was exported and checked against ONNX Runtime.</summary>
    public ParityView? Parity { get; init; }

    /// <summary>How the run ended: <c>completed</c>, <c>early stopped</c>, <c>non-finite loss</c>...</summary>
    public string Status { get; init; } = "completed";
}

/// <summary>One layer of the model summary.</summary>
/// <param name="Index">0-based layer index (as in parameter paths <c>layers.{index}.weight</c>).</param>
/// <param name="Name">The layer name (user data).</param>
/// <param name="Type">The layer type, e.g. <c>Conv2D</c>.</param>
/// <param name="OutputShape">The per-sample output shape, already formatted, e.g. <c>[32, 26, 26]</c>.</param>
/// <param name="Parameters">The layer's parameter count.</param>
public sealed record SummaryRow(int Index, string Name, string Type, string OutputShape, long Parameters);

/// <summary>One epoch of the history (1-based epoch, like Keras's display). Any metric may be NaN.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="Accuracy">Training accuracy as a fraction (0–1).</param>
/// <param name="ValLoss">Validation loss, NaN without validation.</param>
/// <param name="ValAccuracy">Validation accuracy as a fraction, NaN without validation.</param>
/// <param name="Lr">Learning rate used in this epoch.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
/// <param name="SamplesPerSecond">Training throughput of the epoch.</param>
public sealed record EpochPoint(
    int Epoch, double Loss, double Accuracy, double ValLoss, double ValAccuracy, double Lr, double Seconds, double SamplesPerSecond);

/// <summary>Test-set evaluation.</summary>
/// <param name="Loss">Mean test loss.</param>
/// <param name="Accuracy">Test accuracy as a fraction (0–1).</param>
/// <param name="Labels">Class names in class order (user data).</param>
/// <param name="Confusion">Row-major counts, <c>Labels.Count</c>² entries: row = true class, column = predicted class.</param>
public sealed record TestResults(double Loss, double Accuracy, IReadOnlyList<string> Labels, IReadOnlyList<long> Confusion);

/// <summary>A misclassified test sample.</summary>
/// <param name="Index">Index of the sample in the test set.</param>
/// <param name="TrueLabel">Its true class name.</param>
/// <param name="PredictedLabel">The predicted class name.</param>
/// <param name="PredictedProbability">Softmax probability of the predicted class (0–1).</param>
/// <param name="TrueProbability">Softmax probability of the true class (0–1).</param>
/// <param name="ImageDataUri">
/// The thumbnail as <c>data:image/png;base64,...</c> (supplied by the caller). Anything that is not a base64
/// <c>data:image/</c> URI is not shown, so the report never refers to an outside resource.
/// </param>
public sealed record Mistake(
    int Index, string TrueLabel, string PredictedLabel, double PredictedProbability, double TrueProbability, string ImageDataUri)
{
    /// <summary>For table data: the misclassified row (shown instead of a thumbnail); null for images.</summary>
    public MistakeRow? Row { get; init; }
}

/// <summary>A misclassified table row: where it is (<c>file:line</c>) and its feature values, by column name.</summary>
public sealed record MistakeRow(string Source, IReadOnlyList<(string Name, string Value)> Features);

/// <summary>What the report shows of a parity certificate.</summary>
/// <param name="ModelFile">The ONNX file the certificate is about.</param>
/// <param name="Fields">Key/value lines shown as given (hashes, versions, tolerance, worst sample...).</param>
/// <param name="Batches">Differences per ONNX Runtime batch size.</param>
/// <param name="Passed">The verdict.</param>
public sealed record ParityView(
    string ModelFile, IReadOnlyList<(string Key, string Value)> Fields, IReadOnlyList<ParityBatchRow> Batches, bool Passed);

/// <summary>Engine vs ONNX Runtime differences at one batch size.</summary>
/// <param name="BatchSize">The ONNX Runtime batch size.</param>
/// <param name="MaxAbsDiffProbabilities">Largest absolute difference of softmax probabilities.</param>
/// <param name="MaxAbsDiffLogits">Largest absolute difference of logits.</param>
/// <param name="ArgmaxDisagreements">Samples whose predicted class differs.</param>
public sealed record ParityBatchRow(int BatchSize, double MaxAbsDiffProbabilities, double MaxAbsDiffLogits, int ArgmaxDisagreements);
