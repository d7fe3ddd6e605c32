namespace NetForge.Report.Tests;

public class RunReportTests
{
    [Theory]
    [InlineData("Completed", "completed")]
    [InlineData("EarlyStopped", "early stopped")]
    [InlineData("NonFiniteLoss", "non finite loss")]
    public void Status_names_read_as_words(string status, string words) => Assert.Equal(words, RunReport.Words(status));

    [Fact]
    public void A_folder_that_is_not_a_run_is_a_clear_error()
    {
        string dir = Path.Combine(Path.GetTempPath(), "netforge-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var e = Assert.Throws<ReportException>(() => RunReport.Build(dir, test: null));
            Assert.Contains("is not a run folder: spec.resolved.yaml is missing", e.Message, StringComparison.Ordinal);
            var missing = Assert.Throws<ReportException>(() => RunReport.Build(Path.Combine(dir, "nope"), test: null));
            Assert.Contains("not found", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_run_folder_without_checkpoints_or_history_still_reports_its_spec()
    {
        string dir = Path.Combine(Path.GetTempPath(), "netforge-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "spec.resolved.yaml"),
                "name: tiny\ninput: {shape: [784]}\nlayers:\n  - dense: {units: 10, activation: softmax}\ntrain:\n  dataset: mnist\n");
            var result = RunReport.Build(dir, test: null);
            Assert.Equal("tiny", result.Model.Title);
            Assert.Equal("not trained yet", result.Model.Status);
            Assert.Null(result.Model.Test);
            Assert.Equal(7850, result.Model.TotalParameters);
            string html = HtmlReport.Render(result.Model);
            Assert.Contains("tiny", html, StringComparison.Ordinal);
            Assert.True(File.Exists(RunReport.Write(dir, result.Model)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
