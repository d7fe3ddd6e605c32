using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NetForge.Report;

/// <summary>
/// Renders a <see cref="ReportModel"/> as ONE self-contained HTML page: inline CSS and SVG, no scripts, no fonts or
/// other resources from anywhere (thumbnails are <c>data:</c> URIs), printable. Every string from the model is
/// escaped. The page is also well-formed XML (void elements are self-closed, only XML's five entities are used), so
/// the whole document, and each <c>&lt;svg&gt;</c> in it, parses with an XML parser.
/// </summary>
public static partial class HtmlReport
{
    /// <summary>Section ids, in page order (a section without data is left out).</summary>
    public static class Sections
    {
        /// <summary>Headline cards (always present).</summary>
        public const string Headline = "headline";

        /// <summary>Loss and accuracy curves, plus the learning rate when it varies.</summary>
        public const string Curves = "curves";

        /// <summary>Confusion matrix (needs <see cref="ReportModel.Test"/>).</summary>
        public const string Confusion = "confusion";

        /// <summary>Most confident mistakes (needs <see cref="ReportModel.Mistakes"/>).</summary>
        public const string Mistakes = "mistakes";

        /// <summary>Per-epoch metrics and timing.</summary>
        public const string Epochs = "epochs";

        /// <summary>Layer summary.</summary>
        public const string Layers = "layers";

        /// <summary>Parity certificate (needs <see cref="ReportModel.Parity"/>).</summary>
        public const string Parity = "parity";

        /// <summary>Resolved spec.</summary>
        public const string Spec = "spec";

        /// <summary>Comparison table of final metrics (comparison page only).</summary>
        public const string Final = "final-metrics";
    }

    /// <summary>Displayed size of a mistake thumbnail in CSS px (a 28×28 digit at 3×, pixelated).</summary>
    public const int ThumbnailSize = 84;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The report of one run.</summary>
    /// <exception cref="ArgumentException">The confusion matrix does not have labels² counts.</exception>
    public static string Render(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder(64 * 1024);
        Head(sb, model.Title + " · NetForge report");

        // Header.
        sb.Append("<header>\n<p class=\"eyebrow\">NetForge training report</p>\n<h1>").Append(E(model.Title)).Append(' ')
          .Append(StatusBadge(model.Status)).Append("</h1>\n");
        sb.Append("<p class=\"meta\">").Append(Meta(model)).Append("</p>\n</header>\n");

        Headline(sb, model);
        Curves(sb, model);
        if (model.Test is { } test) Confusion(sb, test);
        if (model.Mistakes.Count > 0) Mistakes(sb, model.Mistakes);
        EpochTable(sb, model);
        Layers(sb, model);
        if (model.Parity is { } parity) Parity(sb, parity);

        sb.Append("<section id=\"").Append(Sections.Spec).Append("\">\n<h2>Resolved spec</h2>\n<pre class=\"spec\">")
          .Append(E(model.SpecYaml)).Append("</pre>\n</section>\n");
        Footer(sb, model);
        return sb.ToString();
    }

    /// <summary>
    /// Several runs side by side (<c>netforge report --compare</c>): validation accuracy, validation loss and training
    /// loss curves with one colour per run, and a table of final metrics.
    /// </summary>
    public static string RenderComparison(IReadOnlyList<ReportModel> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("nothing to compare: no runs", nameof(runs));
        var sb = new StringBuilder(64 * 1024);
        Head(sb, "Comparison of " + runs.Count.ToString(Inv) + " runs · NetForge report");
        sb.Append("<header>\n<p class=\"eyebrow\">NetForge run comparison</p>\n<h1>")
          .Append(string.Join(" · ", runs.Select(r => E(r.Title)))).Append("</h1>\n<p class=\"meta\">")
          .Append(runs.Count.ToString(Inv)).Append(" runs · generated ").Append(E(When(runs.Max(r => r.Generated)))).Append("</p>\n</header>\n");

        sb.Append("<section id=\"").Append(Sections.Curves).Append("\">\n<h2>Curves</h2>\n<div class=\"charts\">\n");
        foreach (var chart in ReportCharts.Comparison(runs)) sb.Append("<figure class=\"chart-box\">").Append(chart.Render()).Append("</figure>\n");
        sb.Append("</div>\n</section>\n");

        double bestAccuracy = runs.Select(r => r.Test?.Accuracy ?? double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        sb.Append("<section id=\"").Append(Sections.Final).Append("\">\n<h2>Final metrics</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>")
          .Append("<th>run</th><th>status</th><th class=\"num\">test accuracy</th><th class=\"num\">test loss</th><th class=\"num\">best val. accuracy</th>")
          .Append("<th class=\"num\">epochs</th><th class=\"num\">parameters</th><th class=\"num\">s/epoch</th><th class=\"num\">samples/s</th><th>parity</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            double accuracy = r.Test?.Accuracy ?? double.NaN;
            bool best = double.IsFinite(accuracy) && accuracy == bestAccuracy && runs.Count > 1;
            sb.Append("<tr").Append(best ? " class=\"best\"" : "").Append("><td><span class=\"swatch\" style=\"background:")
              .Append(E(ReportCharts.RunColor(i))).Append("\"></span>").Append(E(r.Title));
            if (r.RunDirectory is { } dir) sb.Append("<br/><span class=\"muted\">").Append(E(dir)).Append("</span>");
            sb.Append("</td><td>").Append(E(r.Status)).Append("</td><td class=\"num\">").Append(Fmt.Percent(accuracy)).Append(best ? " ★" : "")
              .Append("</td><td class=\"num\">").Append(Fmt.Fixed(r.Test?.Loss ?? double.NaN, 4))
              .Append("</td><td class=\"num\">").Append(BestValidation(r) is { } bv ? Fmt.Percent(bv.Accuracy) + " <span class=\"muted\">@" + bv.Epoch.ToString(Inv) + "</span>" : Fmt.Missing)
              .Append("</td><td class=\"num\">").Append(r.Epochs.Count.ToString(Inv))
              .Append("</td><td class=\"num\">").Append(Fmt.Count(r.TotalParameters))
              .Append("</td><td class=\"num\">").Append(Fmt.Seconds(Fmt.Median(r.Epochs.Select(e => e.Seconds))))
              .Append("</td><td class=\"num\">").Append(Fmt.Rate(Fmt.Median(r.Epochs.Select(e => e.SamplesPerSecond))))
              .Append("</td><td>").Append(r.Parity is { } p ? ParityBadge(p.Passed) : "<span class=\"muted\">not checked</span>").Append("</td></tr>\n");
        }
        sb.Append("</tbody>\n</table></div>\n<p class=\"note\">s/epoch and samples/s are medians over epochs; ★ marks the best test accuracy.</p>\n</section>\n");
        sb.Append("<footer>NetForge ").Append(E(runs[0].NetForgeVersion)).Append(" · self-contained report: no scripts, no network</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Head(StringBuilder sb, string title)
    {
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
          .Append("<meta name=\"generator\" content=\"NetForge\"/>\n<title>").Append(E(title)).Append("</title>\n<style>\n")
          .Append(Css).Append("</style>\n</head>\n<body>\n");
    }

    private static void Headline(StringBuilder sb, ReportModel model)
    {
        var test = model.Test;
        var best = BestValidation(model);
        double seconds = model.Epochs.Select(e => e.Seconds).Where(double.IsFinite).Sum();
        sb.Append("<section id=\"").Append(Sections.Headline).Append("\" class=\"cards\">\n");
        Card(sb, "test accuracy", test is null ? Fmt.Missing : Fmt.Percent(test.Accuracy),
            best is { } b ? "best " + E(model.ValidationLabel) + " " + Fmt.Percent(b.Accuracy) + " at epoch " + b.Epoch.ToString(Inv) : test is null ? "no test evaluation" : "");
        Card(sb, "test loss", test is null ? Fmt.Missing : Fmt.Fixed(test.Loss, 4),
            model.Epochs.Count > 0 ? "final train loss " + Fmt.Fixed(model.Epochs[^1].Loss, 4) : "");
        Card(sb, "epochs", model.Epochs.Count.ToString(Inv), E(model.Status) + (seconds > 0 ? " · " + Fmt.Seconds(seconds) : ""));
        Card(sb, "parameters", Fmt.Count(model.TotalParameters), Fmt.Count(model.TrainableParameters) + " trainable");
        Card(sb, "samples/s", Fmt.Rate(Fmt.Median(model.Epochs.Select(e => e.SamplesPerSecond))),
            "median; " + Fmt.Seconds(Fmt.Median(model.Epochs.Select(e => e.Seconds))) + " per epoch");
        if (model.Parity is { } parity)
            Card(sb, "ONNX parity", parity.Passed ? "pass" : "fail", E(parity.ModelFile), parity.Passed ? "card-pass" : "card-fail");
        else
            Card(sb, "ONNX parity", "not checked", "no parity certificate", "card-muted");
        sb.Append("</section>\n");
    }

    private static void Card(StringBuilder sb, string label, string value, string sub, string? extraClass = null)
    {
        sb.Append("<div class=\"card").Append(extraClass is null ? "" : " " + extraClass).Append("\"><div class=\"card-label\">").Append(label)
          .Append("</div><div class=\"card-value\">").Append(value).Append("</div><div class=\"card-sub\">").Append(sub).Append("</div></div>\n");
    }

    private static void Curves(StringBuilder sb, ReportModel model)
    {
        sb.Append("<section id=\"").Append(Sections.Curves).Append("\">\n<h2>Training curves</h2>\n");
        if (model.Epochs.Count == 0)
        {
            sb.Append("<p class=\"note\">No epochs recorded.</p>\n</section>\n");
            return;
        }
        sb.Append("<div class=\"charts\">\n");
        sb.Append("<figure class=\"chart-box\">").Append(ReportCharts.Loss(model).Render()).Append("</figure>\n");
        sb.Append("<figure class=\"chart-box\">").Append(ReportCharts.Accuracy(model).Render()).Append("</figure>\n");
        if (ReportCharts.LearningRate(model) is { } lr) sb.Append("<figure class=\"chart-box\">").Append(lr.Render()).Append("</figure>\n");
        bool validation = model.Epochs.Any(e => double.IsFinite(e.ValLoss) || double.IsFinite(e.ValAccuracy));
        sb.Append("</div>\n<p class=\"note\">Solid: training (running mean over the epoch). ")
          .Append(validation ? "Dashed: " + E(model.ValidationLabel) + " (evaluated after the epoch)." : "No validation was recorded.")
          .Append("</p>\n</section>\n");
    }

    private static void Confusion(StringBuilder sb, TestResults test)
    {
        var map = new HeatMap(test.Labels, test.Confusion, id: ReportCharts.ConfusionId);
        long total = test.Confusion.Sum(), errors = 0;
        var pairs = new List<(int True, int Predicted, long Count)>();
        int n = test.Labels.Count;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (r != c && map.Count(r, c) > 0) { errors += map.Count(r, c); pairs.Add((r, c, map.Count(r, c))); }

        sb.Append("<section id=\"").Append(Sections.Confusion).Append("\">\n<h2>Confusion matrix</h2>\n<p class=\"note\">Test set, ")
          .Append(Fmt.Count(total)).Append(" samples, ").Append(Fmt.Count(errors)).Append(" errors. Rows: true class; columns: predicted class. ")
          .Append("Blue: correct (diagonal); orange: errors, shaded relative to the largest confusion.</p>\n<div class=\"heatmap-row\">\n<figure class=\"chart-box\">")
          .Append(map.Render()).Append("</figure>\n");
        if (pairs.Count > 0)
        {
            sb.Append("<div class=\"confused\"><h3>Most confused</h3>\n<table class=\"compact\"><thead><tr><th>true</th><th></th><th>predicted</th><th class=\"num\">count</th></tr></thead><tbody>\n");
            foreach (var (t, p, count) in pairs.OrderByDescending(x => x.Count).ThenBy(x => x.True).ThenBy(x => x.Predicted).Take(8))
                sb.Append("<tr><td>").Append(E(test.Labels[t])).Append("</td><td>→</td><td>").Append(E(test.Labels[p]))
                  .Append("</td><td class=\"num\">").Append(Fmt.Count(count)).Append("</td></tr>\n");
            sb.Append("</tbody></table></div>\n");
        }
        sb.Append("</div>\n</section>\n");
    }

    private static void Mistakes(StringBuilder sb, IReadOnlyList<Mistake> mistakes)
    {
        if (mistakes.All(m => m.Row is not null))
        {
            MistakenRows(sb, mistakes);
            return;
        }

        sb.Append("<section id=\"").Append(Sections.Mistakes).Append("\">\n<h2>Most confident mistakes</h2>\n<p class=\"note\">")
          .Append(mistakes.Count.ToString(Inv)).Append(" misclassified test images, most confident first. Caption: true class → predicted class (probability of the prediction).</p>\n<div class=\"mistakes\">\n");
        foreach (var m in mistakes.OrderByDescending(m => m.PredictedProbability))
        {
            string caption = "true " + m.TrueLabel + " → predicted " + m.PredictedLabel + " (" + Fmt.Percent(m.PredictedProbability, 1) + ")";
            sb.Append("<figure class=\"mistake\">");
            if (IsImageDataUri(m.ImageDataUri))
                sb.Append("<img class=\"thumb\" src=\"").Append(E(m.ImageDataUri)).Append("\" width=\"").Append(ThumbnailSize).Append("\" height=\"")
                  .Append(ThumbnailSize).Append("\" alt=\"").Append(E("test image " + m.Index.ToString(Inv) + ": " + caption)).Append("\"/>");
            else
                sb.Append("<div class=\"thumb missing\">no image</div>");
            sb.Append("<figcaption>").Append(E(caption)).Append("<br/><span class=\"muted\">#").Append(m.Index.ToString(Inv))
              .Append(" · p(true) ").Append(Fmt.Percent(m.TrueProbability, 1)).Append("</span></figcaption></figure>\n");
        }
        sb.Append("</div>\n</section>\n");
    }

    /// <summary>Table data: the misclassified rows with their feature values, most confident first.</summary>
    private static void MistakenRows(StringBuilder sb, IReadOnlyList<Mistake> mistakes)
    {
        var names = mistakes[0].Row!.Features.Select(f => f.Name).ToList();
        sb.Append("<section id=\"").Append(Sections.Mistakes).Append("\">\n<h2>Most confident mistakes</h2>\n<p class=\"note\">")
          .Append(mistakes.Count.ToString(Inv)).Append(" misclassified test rows, most confident first, with the values the model read.</p>\n<div class=\"table-wrap\"><table>\n<thead><tr>")
          .Append("<th>row</th><th>true</th><th>predicted</th><th class=\"num\">p(predicted)</th><th class=\"num\">p(true)</th>");
        foreach (string n in names) sb.Append("<th class=\"num\">").Append(E(n)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var m in mistakes.OrderByDescending(m => m.PredictedProbability))
        {
            sb.Append("<tr><td>").Append(E(m.Row!.Source)).Append("</td><td>").Append(E(m.TrueLabel)).Append("</td><td>").Append(E(m.PredictedLabel))
              .Append("</td><td class=\"num\">").Append(Fmt.Percent(m.PredictedProbability, 1)).Append("</td><td class=\"num\">").Append(Fmt.Percent(m.TrueProbability, 1)).Append("</td>");
            foreach (var (_, value) in m.Row.Features) sb.Append("<td class=\"num\">").Append(E(value)).Append("</td>");
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody></table></div>\n</section>\n");
    }

    private static void EpochTable(StringBuilder sb, ReportModel model)
    {
        if (model.Epochs.Count == 0) return;
        var best = BestValidation(model);
        sb.Append("<section id=\"").Append(Sections.Epochs).Append("\">\n<h2>Per epoch</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>")
          .Append("<th class=\"num\">epoch</th><th class=\"num\">loss</th><th class=\"num\">accuracy</th><th class=\"num\">val. loss</th><th class=\"num\">val. accuracy</th>")
          .Append("<th class=\"num\">learning rate</th><th class=\"num\">time</th><th class=\"num\">samples/s</th></tr></thead>\n<tbody>\n");
        foreach (var e in model.Epochs)
        {
            bool isBest = best is { } b && b.Epoch == e.Epoch;
            sb.Append("<tr").Append(isBest ? " class=\"best\"" : "").Append("><td class=\"num\">").Append(e.Epoch.ToString(Inv)).Append(isBest ? " ★" : "")
              .Append("</td><td class=\"num\">").Append(Fmt.Fixed(e.Loss, 4))
              .Append("</td><td class=\"num\">").Append(Fmt.Percent(e.Accuracy))
              .Append("</td><td class=\"num\">").Append(Fmt.Fixed(e.ValLoss, 4))
              .Append("</td><td class=\"num\">").Append(Fmt.Percent(e.ValAccuracy))
              .Append("</td><td class=\"num\">").Append(Svg.Shortest(e.Lr))
              .Append("</td><td class=\"num\">").Append(Fmt.Seconds(e.Seconds))
              .Append("</td><td class=\"num\">").Append(Fmt.Rate(e.SamplesPerSecond)).Append("</td></tr>\n");
        }
        sb.Append("</tbody>\n</table></div>\n<p class=\"note\">Validation columns: ").Append(E(model.ValidationLabel))
          .Append(best is null ? "." : "; ★ marks the best validation accuracy.").Append("</p>\n</section>\n");
    }

    private static void Layers(StringBuilder sb, ReportModel model)
    {
        sb.Append("<section id=\"").Append(Sections.Layers).Append("\">\n<h2>Model</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>")
          .Append("<th class=\"num\">#</th><th>layer</th><th>type</th><th>output shape</th><th class=\"num\">parameters</th></tr></thead>\n<tbody>\n");
        foreach (var row in model.Summary)
            sb.Append("<tr><td class=\"num\">").Append(row.Index.ToString(Inv)).Append("</td><td>").Append(E(row.Name)).Append("</td><td>")
              .Append(E(row.Type)).Append("</td><td class=\"mono\">").Append(E(row.OutputShape)).Append("</td><td class=\"num\">")
              .Append(Fmt.Count(row.Parameters)).Append("</td></tr>\n");
        sb.Append("</tbody>\n<tfoot>\n<tr><td></td><td colspan=\"3\">total parameters</td><td class=\"num\">").Append(Fmt.Count(model.TotalParameters)).Append("</td></tr>\n")
          .Append("<tr><td></td><td colspan=\"3\">trainable</td><td class=\"num\">").Append(Fmt.Count(model.TrainableParameters)).Append("</td></tr>\n")
          .Append("<tr><td></td><td colspan=\"3\">non-trainable</td><td class=\"num\">").Append(Fmt.Count(model.TotalParameters - model.TrainableParameters)).Append("</td></tr>\n")
          .Append("</tfoot>\n</table></div>\n</section>\n");
    }

    private static void Parity(StringBuilder sb, ParityView parity)
    {
        sb.Append("<section id=\"").Append(Sections.Parity).Append("\">\n<h2>ONNX parity certificate ").Append(ParityBadge(parity.Passed))
          .Append("</h2>\n<p class=\"note\">The engine and ONNX Runtime were run on the same inputs; <span class=\"mono\">")
          .Append(E(parity.ModelFile)).Append("</span> ").Append(parity.Passed ? "agrees within the tolerance." : "does NOT agree within the tolerance.")
          .Append("</p>\n<div class=\"parity\">\n<table class=\"compact kv\"><tbody>\n");
        foreach (var (key, value) in parity.Fields)
            sb.Append("<tr><th>").Append(E(key)).Append("</th><td class=\"mono\">").Append(E(value)).Append("</td></tr>\n");
        sb.Append("</tbody></table>\n");
        if (parity.Batches.Count > 0)
        {
            sb.Append("<table class=\"compact\"><thead><tr><th class=\"num\">batch size</th><th class=\"num\">max |Δ| probabilities</th>")
              .Append("<th class=\"num\">max |Δ| logits</th><th class=\"num\">argmax disagreements</th></tr></thead><tbody>\n");
            foreach (var b in parity.Batches)
                sb.Append("<tr><td class=\"num\">").Append(b.BatchSize.ToString(Inv)).Append("</td><td class=\"num\">").Append(Fmt.Small(b.MaxAbsDiffProbabilities))
                  .Append("</td><td class=\"num\">").Append(Fmt.Small(b.MaxAbsDiffLogits)).Append("</td><td class=\"num")
                  .Append(b.ArgmaxDisagreements > 0 ? " bad" : "").Append("\">").Append(b.ArgmaxDisagreements.ToString(Inv)).Append("</td></tr>\n");
            sb.Append("</tbody></table>\n");
        }
        sb.Append("</div>\n</section>\n");
    }

    private static void Footer(StringBuilder sb, ReportModel model)
    {
        sb.Append("<footer>Generated by NetForge ").Append(E(model.NetForgeVersion)).Append(" on ").Append(E(When(model.Generated)))
          .Append(" · self-contained: no scripts, no network</footer>\n</body>\n</html>\n");
    }

    private static string Meta(ReportModel model)
    {
        var parts = new List<string>();
        if (model.RunDirectory is { Length: > 0 } dir) parts.Add("<span class=\"mono\">" + E(dir) + "</span>");
        if (model.Test is { } test) parts.Add(Fmt.Count(test.Confusion.Sum()) + " test samples, " + test.Labels.Count.ToString(Inv) + " classes");
        parts.Add("generated " + E(When(model.Generated)));
        return string.Join(" · ", parts);
    }

    private static string StatusBadge(string status)
    {
        bool ok = status.Equals("completed", StringComparison.OrdinalIgnoreCase) || status.Equals("early stopped", StringComparison.OrdinalIgnoreCase);
        return "<span class=\"badge " + (ok ? "badge-ok" : "badge-warn") + "\">" + E(status) + "</span>";
    }

    private static string ParityBadge(bool passed) =>
        passed ? "<span class=\"badge badge-ok\">PASS</span>" : "<span class=\"badge badge-bad\">FAIL</span>";

    /// <summary>The epoch with the highest finite validation accuracy (first on ties), or null.</summary>
    private static (int Epoch, double Accuracy)? BestValidation(ReportModel model)
    {
        (int, double)? best = null;
        foreach (var e in model.Epochs)
            if (double.IsFinite(e.ValAccuracy) && (best is null || e.ValAccuracy > best.Value.Item2)) best = (e.Epoch, e.ValAccuracy);
        return best;
    }

    private static string When(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", Inv);

    private static string E(string? text) => Svg.Escape(text);

    /// <summary>Only base64 <c>data:image/...</c> URIs are embedded: nothing can make the page load from elsewhere.</summary>
    internal static bool IsImageDataUri(string? uri) => uri is not null && DataUri().IsMatch(uri);

    [GeneratedRegex(@"^data:image/(png|gif|jpeg|webp|bmp);base64,[A-Za-z0-9+/]+={0,2}$")]
    private static partial Regex DataUri();

    /// <summary>The page's style sheet: system fonts, light theme, print rules.</summary>
    internal const string Css = """
        :root { color-scheme: light; --ink: #1a1a1a; --muted: #666; --line: #e3e3e3; --soft: #f6f7f9; --ok: #1b7f3b; --warn: #a15c00; --bad: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1120px; padding: 28px 24px 40px; color: var(--ink); background: #fff;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 26px; margin: 2px 0 4px; font-weight: 650; }
        h2 { font-size: 18px; margin: 0 0 10px; font-weight: 620; }
        h3 { font-size: 14px; margin: 0 0 6px; font-weight: 620; }
        section { margin: 0 0 30px; break-inside: avoid-page; }
        .eyebrow { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
        .meta, .note, .muted { color: var(--muted); }
        .meta { margin: 0 0 18px; } .note { font-size: 12.5px; margin: 6px 0 10px; }
        .mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
        .badge { display: inline-block; vertical-align: middle; font-size: 12px; font-weight: 600; padding: 2px 9px; border-radius: 10px; margin-left: 6px; }
        .badge-ok { background: #e3f4e8; color: var(--ok); } .badge-warn { background: #fff1dc; color: var(--warn); } .badge-bad { background: #fde7e5; color: var(--bad); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--soft); }
        .card-label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
        .card-value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; }
        .card-sub { font-size: 12px; color: var(--muted); }
        .card-pass .card-value { color: var(--ok); } .card-fail .card-value { color: var(--bad); } .card-muted .card-value { color: var(--muted); font-size: 20px; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        .chart-box { border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; max-width: 100%; background: #fff; line-height: 0; }
        .chart-box svg { display: block; }
        .heatmap-row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid #cfcfcf; }
        tfoot td { font-weight: 600; border-bottom: none; }
        .num { text-align: right; white-space: nowrap; }
        tr.best td { background: #eef5fc; font-weight: 600; }
        td.bad { color: var(--bad); font-weight: 600; }
        .table-wrap { overflow-x: auto; }
        table.kv th { color: var(--muted); font-weight: 500; white-space: nowrap; }
        table.kv td { word-break: break-all; }
        .parity { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        .mistakes { display: grid; grid-template-columns: repeat(auto-fill, minmax(124px, 1fr)); gap: 12px; }
        .mistake { text-align: center; font-size: 12px; }
        .thumb { display: block; margin: 0 auto 4px; width: 84px; height: 84px; image-rendering: pixelated; border: 1px solid var(--line); }
        .thumb.missing { line-height: 84px; color: var(--muted); background: var(--soft); }
        .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
        pre.spec { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; overflow-x: auto; white-space: pre; margin: 0; }
        footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11px; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          .chart-box, .table-wrap { overflow: visible; }
          pre.spec { white-space: pre-wrap; }
          h2 { break-after: avoid; }
        }

        """;
}
