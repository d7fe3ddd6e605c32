using System.Globalization;
using System.Xml.Linq;

namespace NetForge.Report.Tests;

public class HtmlReportTests
{
    private const string Hostile = "<script>alert(\"x\")</script> & 'q' ]]> <img src=x onerror=alert(1)>";

    private static readonly string[] AllSections =
    [
        HtmlReport.Sections.Headline, HtmlReport.Sections.Curves, HtmlReport.Sections.Confusion, HtmlReport.Sections.Mistakes,
        HtmlReport.Sections.Epochs, HtmlReport.Sections.Layers, HtmlReport.Sections.Parity, HtmlReport.Sections.Spec,
    ];

    private static bool Has(XDocument page, string id) => Parsed.ById(page, id) is not null;

    [Fact]
    public void Full_report_has_every_section_and_parses_as_XML()
    {
        string html = HtmlReport.Render(SampleModels.Full());
        Assert.StartsWith("<!DOCTYPE html>", html);
        var page = Parsed.Page(html);
        foreach (string id in AllSections) Assert.True(Has(page, id), $"section {id} missing");
        foreach (string id in new[] { ReportCharts.LossId, ReportCharts.AccuracyId, ReportCharts.LearningRateId, ReportCharts.ConfusionId })
            Assert.Equal("svg", Parsed.ById(page, id)!.Name.LocalName);
        Assert.Equal(4, Parsed.SvgFragments(html).Count);
        Assert.Equal("cnn · NetForge report", page.Descendants("title").First().Value);
    }

    [Fact]
    public void Sections_without_data_are_left_out()
    {
        string html = HtmlReport.Render(SampleModels.Minimal());
        var page = Parsed.Page(html);
        Assert.False(Has(page, ReportCharts.LearningRateId)); // constant learning rate
        Assert.False(Has(page, HtmlReport.Sections.Parity));
        Assert.False(Has(page, HtmlReport.Sections.Mistakes));
        Assert.False(Has(page, HtmlReport.Sections.Confusion));
        Assert.True(Has(page, ReportCharts.LossId));
        Assert.True(Has(page, HtmlReport.Sections.Layers));
        Assert.True(Has(page, HtmlReport.Sections.Spec));
        Assert.Contains("not checked", html); // parity card
        Assert.DoesNotContain("NaN", html);
    }

    [Fact]
    public void A_run_without_epochs_or_validation_still_renders()
    {
        var noEpochs = SampleModels.Minimal() with { Epochs = [] };
        var page = Parsed.Page(HtmlReport.Render(noEpochs));
        Assert.False(Has(page, ReportCharts.LossId));
        Assert.False(Has(page, HtmlReport.Sections.Epochs));
        Assert.Contains("No epochs recorded", page.Root!.Value);

        var noValidation = SampleModels.Full() with
        {
            Epochs = [.. SampleModels.Epochs().Select(e => e with { ValLoss = double.NaN, ValAccuracy = double.NaN })],
        };
        string html = HtmlReport.Render(noValidation);
        var loss = Parsed.ById(Parsed.Page(html), ReportCharts.LossId)!;
        Assert.Single(loss.Descendants("g"), g => g.Attribute("data-series") is not null);
        Assert.DoesNotContain("NaN", html);
        Assert.Contains("No validation was recorded.", html);
        Assert.DoesNotContain("Dashed:", html);
    }

    [Fact]
    public void Report_charts_are_the_ReportCharts_objects_so_Map_predicts_the_points()
    {
        var model = SampleModels.Full();
        var page = Parsed.Page(HtmlReport.Render(model));
        var chart = ReportCharts.Accuracy(model);
        var svg = Parsed.ById(page, ReportCharts.AccuracyId)!;
        var validation = svg.Descendants("g").Single(g => (string?)g.Attribute("data-series") == "1");
        Assert.Equal(model.ValidationLabel, (string?)validation.Attribute("data-name"));
        var markers = validation.Elements("circle").ToList();
        Assert.Equal(model.Epochs.Count, markers.Count);
        for (int i = 0; i < markers.Count; i++)
        {
            var (x, y) = chart.Map(model.Epochs[i].Epoch, model.Epochs[i].ValAccuracy);
            Assert.Equal(x, Parsed.Num(markers[i], "cx"), 0.006);
            Assert.Equal(y, Parsed.Num(markers[i], "cy"), 0.006);
            Assert.Equal(ReportCharts.ValidationColor, (string?)markers[i].Attribute("fill"));
        }
        var lr = ReportCharts.LearningRate(model)!;
        Assert.True(lr.LogY);
        Assert.Equal(lr.Width.ToString(CultureInfo.InvariantCulture), (string?)Parsed.ById(page, ReportCharts.LearningRateId)!.Attribute("width"));
    }

    [Fact]
    public void Headline_cards_show_the_key_numbers()
    {
        var model = SampleModels.Full();
        var page = Parsed.Page(HtmlReport.Render(model));
        var cards = Parsed.ById(page, HtmlReport.Sections.Headline)!.Elements("div")
            .ToDictionary(c => c.Elements().First().Value, c => c.Elements().ElementAt(1).Value);
        Assert.Equal(model.Test!.Accuracy.ToString("P2", CultureInfo.InvariantCulture).Replace(" ", ""), cards["test accuracy"]);
        Assert.Equal("0.0312", cards["test loss"]);
        Assert.Equal("12", cards["epochs"]);
        Assert.Equal("54,410", cards["parameters"]);
        Assert.Equal("pass", cards["ONNX parity"]);
        Assert.Matches(@"^\d{1,3}(,\d{3})*$", cards["samples/s"]);
    }

    [Fact]
    public void Confusion_section_prints_the_counts_and_the_most_confused_pairs()
    {
        var model = SampleModels.Full();
        var page = Parsed.Page(HtmlReport.Render(model));
        var svg = Parsed.ById(page, ReportCharts.ConfusionId)!;
        var counts = svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "count").Select(t => long.Parse(t.Value, CultureInfo.InvariantCulture));
        Assert.Equal(model.Test!.Confusion, counts);
        var section = Parsed.ById(page, HtmlReport.Sections.Confusion)!;
        var firstPair = section.Descendants("tbody").First().Elements("tr").First().Elements("td").Select(td => td.Value).ToArray();
        Assert.Equal(["4", "→", "9", "9"], firstPair);
    }

    [Fact]
    public void Mistakes_are_pixelated_thumbnails_with_captions_most_confident_first()
    {
        var model = SampleModels.Full() with { Mistakes = [.. SampleModels.Full().Mistakes.Reverse()] };
        string html = HtmlReport.Render(model);
        var section = Parsed.ById(Parsed.Page(html), HtmlReport.Sections.Mistakes)!;
        var captions = section.Descendants("figcaption").Select(f => f.Nodes().OfType<XText>().First().Value).ToList();
        Assert.Equal("true 4 → predicted 9 (97.3%)", captions[0]);
        Assert.Equal(4, captions.Count);
        var images = section.Descendants("img").ToList();
        Assert.Equal(4, images.Count);
        Assert.All(images, i => Assert.StartsWith("data:image/png;base64,", (string?)i.Attribute("src")));
        Assert.Equal(HtmlReport.ThumbnailSize.ToString(CultureInfo.InvariantCulture), (string?)images[0].Attribute("width"));
        Assert.Contains("image-rendering: pixelated", html);
    }

    [Fact]
    public void Images_that_are_not_data_URIs_are_never_embedded()
    {
        var model = SampleModels.Full() with
        {
            Mistakes =
            [
                new Mistake(1, "1", "7", 0.9, 0.1, "https://example.invalid/x.png"),
                new Mistake(2, "2", "3", 0.8, 0.1, "javascript:alert(1)"),
                new Mistake(3, "3", "5", 0.7, 0.1, "data:image/png;base64,AAAA\" onerror=\"alert(1)"),
                new Mistake(4, "4", "9", 0.6, 0.1, "data:text/html;base64,PHNjcmlwdD4="),
            ],
        };
        string html = HtmlReport.Render(model);
        var section = Parsed.ById(Parsed.Page(html), HtmlReport.Sections.Mistakes)!;
        Assert.Empty(section.Descendants("img"));
        Assert.Equal(4, section.Descendants("figure").Count());
        Assert.DoesNotContain("example.invalid", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.True(HtmlReport.IsImageDataUri(SampleModels.DigitPng(3)));
    }

    [Fact]
    public void Hostile_user_text_is_escaped_everywhere()
    {
        var full = SampleModels.Full();
        var model = full with
        {
            Title = Hostile,
            RunDirectory = Hostile,
            NetForgeVersion = Hostile,
            SpecYaml = "name: x\n# " + Hostile + "\n<![CDATA[ ]]> &amp; </pre>",
            Summary = [new SummaryRow(0, Hostile, Hostile, Hostile, 10)],
            ValidationLabel = Hostile,
            Status = Hostile,
            Test = full.Test! with { Labels = [.. Enumerable.Range(0, 10).Select(i => Hostile + i.ToString(CultureInfo.InvariantCulture))] },
            Mistakes = [new Mistake(1, Hostile, Hostile, 0.9, 0.1, SampleModels.DigitPng(1))],
            Parity = full.Parity! with { ModelFile = Hostile, Fields = [(Hostile, Hostile)] },
        };
        string html = HtmlReport.Render(model);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("</pre> ", html);
        var page = Parsed.Page(html);
        foreach (var svg in Parsed.SvgFragments(html)) Assert.Equal("svg", svg.Name.LocalName);
        // The text survives escaping intact.
        Assert.Contains(Hostile, page.Descendants("h1").Single().Value);
        Assert.Contains(Hostile, page.Descendants("pre").Single().Value);
        Assert.Contains("<![CDATA[ ]]> &amp; </pre>", page.Descendants("pre").Single().Value);
        Assert.Equal(Hostile, page.Descendants("title").First().Value.Split(" · ")[0]);
        Assert.Contains(Parsed.ById(page, ReportCharts.ConfusionId)!.Descendants("text"), t => t.Value == Hostile + "7");
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        string html = HtmlReport.Render(SampleModels.Full());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@font-face", html);
        Assert.DoesNotContain(" on", Parsed.Page(html).Descendants().SelectMany(e => e.Attributes()).Select(a => " " + a.Name.LocalName).Where(n => n.StartsWith(" on", StringComparison.Ordinal)));
        var page = Parsed.Page(html);
        Assert.All(page.Descendants("img"), i => Assert.StartsWith("data:image/", (string?)i.Attribute("src")));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(HtmlReport.Render(SampleModels.Full()), HtmlReport.Render(SampleModels.Full()));
    }

    [Fact]
    public void Parity_section_shows_the_verdict_and_batch_table()
    {
        var failed = SampleModels.Full() with
        {
            Parity = new ParityView("model.onnx", [("verdict", "fail")], [new ParityBatchRow(1, 0.25, 3.5, 12), new ParityBatchRow(64, 2.5e-7, 1e-6, 0)], Passed: false),
        };
        var page = Parsed.Page(HtmlReport.Render(failed));
        var section = Parsed.ById(page, HtmlReport.Sections.Parity)!;
        Assert.Contains("FAIL", section.Element("h2")!.Value);
        var rows = section.Descendants("table").Last().Descendants("tbody").Single().Elements("tr")
            .Select(r => r.Elements("td").Select(td => td.Value).ToArray()).ToList();
        Assert.Equal(["1", "0.25", "3.5", "12"], rows[0]);
        Assert.Equal(["64", "2.5e-7", "1e-6", "0"], rows[1]);
    }

    [Fact]
    public void Epoch_table_has_one_row_per_epoch_and_marks_the_best_validation_accuracy()
    {
        var model = SampleModels.Full();
        var section = Parsed.ById(Parsed.Page(HtmlReport.Render(model)), HtmlReport.Sections.Epochs)!;
        var rows = section.Descendants("tbody").Single().Elements("tr").ToList();
        Assert.Equal(model.Epochs.Count, rows.Count);
        int best = model.Epochs.MaxBy(e => e.ValAccuracy)!.Epoch;
        var marked = Assert.Single(rows, r => (string?)r.Attribute("class") == "best");
        Assert.Equal(best + " ★", marked.Elements("td").First().Value);
        Assert.Equal("0.001", rows[0].Elements("td").ElementAt(5).Value);
        Assert.Equal("0.0005", rows[^1].Elements("td").ElementAt(5).Value);
    }

    [Fact]
    public void Comparison_has_one_series_per_run_and_a_final_metrics_row_per_run()
    {
        var runs = new[]
        {
            SampleModels.Full(title: "mlp") with { Epochs = SampleModels.Epochs(8, offset: 0.05), TotalParameters = 101_770 },
            SampleModels.Full(title: "cnn"),
            SampleModels.Minimal() with { Title = "cnn-<bn>" },
        };
        string html = HtmlReport.RenderComparison(runs);
        var page = Parsed.Page(html);
        var svgs = Parsed.SvgFragments(html);
        Assert.Equal(3, svgs.Count);
        foreach (var svg in svgs)
        {
            var series = svg.Descendants("g").Where(g => g.Attribute("data-series") is not null).ToList();
            Assert.Equal(["mlp", "cnn", "cnn-<bn>"], series.Select(g => (string?)g.Attribute("data-name")));
            Assert.Equal(runs.Select((_, i) => ReportCharts.RunColor(i)), series.Select(g => (string?)g.Elements("circle").First().Attribute("fill")));
            Assert.Equal(3, svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "legend").Elements("text").Count());
        }
        Assert.Equal(3, runs.Select((_, i) => ReportCharts.RunColor(i)).Distinct().Count());
        var table = Parsed.ById(page, HtmlReport.Sections.Final)!;
        var rows = table.Descendants("tbody").Single().Elements("tr").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal("8", rows[0].Elements("td").ElementAt(5).Value);
        Assert.Equal("101,770", rows[0].Elements("td").ElementAt(6).Value);
        Assert.Equal("—", rows[2].Elements("td").ElementAt(2).Value); // no test results
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("NaN", html);

        var charts = ReportCharts.Comparison(runs);
        Assert.Equal(["Validation accuracy", "Validation loss", "Training loss"], charts.Select(c => c.Title));
        Assert.All(charts, c => Assert.Equal(3, c.Series.Count));
    }

    [Fact]
    public void Comparison_of_nothing_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => HtmlReport.RenderComparison([]));
    }

    [Fact]
    public void Learning_rate_chart_appears_only_when_the_rate_varies()
    {
        Assert.False(ReportCharts.LearningRateVaries(SampleModels.Epochs(lrDecay: false)));
        Assert.True(ReportCharts.LearningRateVaries(SampleModels.Epochs(lrDecay: true)));
        Assert.False(ReportCharts.LearningRateVaries([.. SampleModels.Epochs(1)]));
        Assert.False(ReportCharts.LearningRateVaries([.. SampleModels.Epochs(lrDecay: false).Select((e, i) => i == 3 ? e with { Lr = double.NaN } : e)]));
        Assert.Null(ReportCharts.LearningRate(SampleModels.Minimal()));
    }

    [Fact]
    public void Sample_report_is_written_for_a_look_and_is_small()
    {
        string withoutThumbnails = HtmlReport.Render(SampleModels.Full(thumbnails: false));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(withoutThumbnails), 10_000, 200_000);

        string html = HtmlReport.Render(SampleModels.Full());
        string path = Path.Combine(AppContext.BaseDirectory, "sample-report.html");
        File.WriteAllText(path, html);
        string comparison = HtmlReport.RenderComparison([
            SampleModels.Full(title: "mlp") with
            {
                Epochs = SampleModels.Epochs(8, offset: 0.05),
                TotalParameters = 101_770,
                Test = SampleModels.Full().Test! with { Accuracy = 0.9812, Loss = 0.0634 },
            },
            SampleModels.Full(title: "cnn"),
        ]);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "sample-comparison.html"), comparison);
        Assert.Equal(html, File.ReadAllText(path));
        Assert.InRange(new FileInfo(path).Length, 10_000, 250_000);
    }
}
