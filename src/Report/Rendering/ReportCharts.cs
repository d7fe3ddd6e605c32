namespace NetForge.Report;

/// <summary>
/// The charts of the reports, built from the model alone. <see cref="HtmlReport"/> renders exactly these objects, so a
/// test can rebuild a chart from the same model and use <see cref="LineChart.Map"/> to find where a point is drawn
/// inside the <c>&lt;svg&gt;</c> with the chart's <see cref="LineChart.Id"/>.
/// </summary>
public static class ReportCharts
{
    /// <summary>Width of each report chart in px.</summary>
    public const int Width = 520;

    /// <summary>Height of each report chart in px.</summary>
    public const int Height = 300;

    /// <summary>Colour of the training curves.</summary>
    public const string TrainColor = LineChart.Blue;

    /// <summary>Colour of the validation curves (drawn dashed).</summary>
    public const string ValidationColor = LineChart.Vermillion;

    /// <summary><c>id</c> of the loss chart's <c>&lt;svg&gt;</c>.</summary>
    public const string LossId = "chart-loss";

    /// <summary><c>id</c> of the accuracy chart's <c>&lt;svg&gt;</c>.</summary>
    public const string AccuracyId = "chart-accuracy";

    /// <summary><c>id</c> of the learning-rate chart's <c>&lt;svg&gt;</c>.</summary>
    public const string LearningRateId = "chart-lr";

    /// <summary><c>id</c> of the confusion matrix's <c>&lt;svg&gt;</c>.</summary>
    public const string ConfusionId = "confusion-heatmap";

    /// <summary>Training and validation loss per epoch (a curve with no finite value is left out).</summary>
    public static LineChart Loss(ReportModel model) =>
        TrainVersusValidation(model, "Loss", "loss", e => e.Loss, e => e.ValLoss, percent: false, LossId);

    /// <summary>Training and validation accuracy per epoch, y ticks in percent (data in fractions).</summary>
    public static LineChart Accuracy(ReportModel model) =>
        TrainVersusValidation(model, "Accuracy", "accuracy", e => e.Accuracy, e => e.ValAccuracy, percent: true, AccuracyId);

    /// <summary>
    /// The learning rate per epoch on a log axis, or null when it does not vary (fewer than two distinct finite
    /// values). A linear axis is used if some rate is not positive.
    /// </summary>
    public static LineChart? LearningRate(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!LearningRateVaries(model.Epochs)) return null;
        var points = model.Epochs.Select(e => ((double)e.Epoch, e.Lr)).ToList();
        bool positive = points.All(p => !double.IsFinite(p.Lr) || p.Lr > 0);
        return new LineChart("Learning rate", "epoch", "learning rate",
            [new ChartSeries("learning rate", points, LineChart.Green)], Width, Height, logY: positive, id: LearningRateId);
    }

    /// <summary>True when the finite learning rates of <paramref name="epochs"/> are not all (relatively) equal.</summary>
    public static bool LearningRateVaries(IReadOnlyList<EpochPoint> epochs)
    {
        var rates = epochs.Select(e => e.Lr).Where(double.IsFinite).ToArray();
        if (rates.Length < 2) return false;
        double min = rates.Min(), max = rates.Max();
        return max - min > 1e-9 * Math.Max(Math.Abs(min), Math.Abs(max));
    }

    /// <summary>Colour of run <paramref name="index"/> in a comparison: the palette, cycled.</summary>
    public static string RunColor(int index) => LineChart.Palette[index % LineChart.Palette.Count];

    /// <summary>Runs beyond the palette's length get dashed lines, so colours repeat with a different line.</summary>
    public static bool RunDashed(int index) => index / LineChart.Palette.Count % 2 == 1;

    /// <summary>
    /// The comparison charts: validation accuracy, validation loss and training loss, one series per run (in run
    /// order, named by <see cref="ReportModel.Title"/>, coloured by <see cref="RunColor"/>).
    /// </summary>
    public static IReadOnlyList<LineChart> Comparison(IReadOnlyList<ReportModel> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        List<ChartSeries> Series(Func<EpochPoint, double> metric) =>
            [.. runs.Select((r, i) => new ChartSeries(r.Title, [.. r.Epochs.Select(e => ((double)e.Epoch, metric(e)))], RunColor(i), RunDashed(i)))];
        return
        [
            new LineChart("Validation accuracy", "epoch", "accuracy", Series(e => e.ValAccuracy), Width, Height, yPercent: true, id: "compare-val-accuracy"),
            new LineChart("Validation loss", "epoch", "loss", Series(e => e.ValLoss), Width, Height, id: "compare-val-loss"),
            new LineChart("Training loss", "epoch", "loss", Series(e => e.Loss), Width, Height, id: "compare-train-loss"),
        ];
    }

    private static LineChart TrainVersusValidation(ReportModel model, string title, string yLabel,
        Func<EpochPoint, double> train, Func<EpochPoint, double> validation, bool percent, string id)
    {
        ArgumentNullException.ThrowIfNull(model);
        var series = new List<ChartSeries>();
        var trainPoints = model.Epochs.Select(e => ((double)e.Epoch, train(e))).ToList();
        var validationPoints = model.Epochs.Select(e => ((double)e.Epoch, validation(e))).ToList();
        if (trainPoints.Any(p => double.IsFinite(p.Item2))) series.Add(new ChartSeries("train", trainPoints, TrainColor));
        if (validationPoints.Any(p => double.IsFinite(p.Item2)))
            series.Add(new ChartSeries(model.ValidationLabel, validationPoints, ValidationColor, Dashed: true));
        return new LineChart(title, "epoch", yLabel, series, Width, Height, yPercent: percent, id: id);
    }
}
