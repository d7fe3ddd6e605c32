using System.Diagnostics;
using NetForge.Imaging;

namespace NetForge.Report.Tests;

/// <summary>
/// Renders HTML the way a person sees it: headless Chromium (Debian's <c>chromium</c> package; CI installs it) takes a
/// screenshot at device scale 1, which <see cref="Png"/> decodes. Set <c>NETFORGE_CHROMIUM</c> to use another binary.
/// </summary>
internal static class Chromium
{
    private static readonly string[] Candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static string Executable { get; } = Find();

    private static string Find()
    {
        string? configured = Environment.GetEnvironmentVariable("NETFORGE_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return configured;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            foreach (string name in Candidates)
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        }
        return "";
    }

    /// <summary>Writes <paramref name="html"/> to a temp folder, screenshots it at <paramref name="width"/>×<paramref name="height"/> and returns the decoded RGB(A) image.</summary>
    public static Image Screenshot(string html, int width, int height)
    {
        Assert.True(Executable.Length > 0,
            "headless Chromium is needed for the report screenshot tests: install it (apt-get install chromium; .ci/run does) or set NETFORGE_CHROMIUM");
        string dir = Path.Combine(Path.GetTempPath(), "netforge-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string page = Path.Combine(dir, "page.html");
            File.WriteAllText(page, html);
            string shot = Path.Combine(dir, "shot.png");
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                "--disable-extensions", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + Path.Combine(dir, "profile"), $"--window-size={width},{height}", "--screenshot=" + shot,
                new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish a screenshot in 90 s");
            }
            Assert.True(File.Exists(shot), $"Chromium wrote no screenshot (exit {process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
            return Png.Read(shot);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The RGB of pixel (x, y).</summary>
    public static (int R, int G, int B) Pixel(Image image, int x, int y)
    {
        Assert.True(image.Format is PixelFormat.Rgb8 or PixelFormat.Rgba8, $"screenshot format {image.Format}");
        int i = (y * image.Width + x) * image.Channels;
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    /// <summary>"#0072B2" → (0, 114, 178).</summary>
    public static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    public static bool Near((int R, int G, int B) a, (int R, int G, int B) b, int tolerance) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    /// <summary>Pixels within <paramref name="tolerance"/> of <paramref name="color"/>, with their bounding box.</summary>
    public static (int Count, int MinX, int MinY, int MaxX, int MaxY) Find(Image image, (int R, int G, int B) color, int tolerance)
    {
        int count = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                if (!Near(Pixel(image, x, y), color, tolerance)) continue;
                count++;
                (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
            }
        }
        return (count, minX, minY, maxX, maxY);
    }
}
