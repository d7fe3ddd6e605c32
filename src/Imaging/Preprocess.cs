using System.Globalization;

namespace NetForge.Imaging;

/// <summary>How <see cref="Preprocess.ToModelInput"/> fits a picture into the model's input size.</summary>
public enum Fit
{
    /// <summary>
    /// If the picture already has the target size, use its pixels unchanged (only converted to gray and, if chosen, inverted);
    /// otherwise <see cref="Digit"/>.
    /// </summary>
    Auto,

    /// <summary>Resize the whole picture to the target size, ignoring its aspect ratio.</summary>
    Stretch,

    /// <summary>MNIST's own normalisation: crop to the ink, scale the longer side to 20/28 of the target, centre on the centre of mass.</summary>
    Digit,
}

/// <summary>Whether <see cref="Preprocess.ToModelInput"/> turns dark-on-light into light-on-dark.</summary>
public enum Invert
{
    /// <summary>Invert when the picture has a light background (<see cref="Preprocess.HasLightBackground"/>).</summary>
    Auto,

    /// <summary>Always invert (v → 255 − v).</summary>
    Always,

    /// <summary>Never invert: the picture is already light ink on a dark background, like MNIST.</summary>
    Never,
}

/// <summary>
/// A picture prepared for a model: <paramref name="Pixels"/> holds width × height gray bytes, row-major, white ink on a black
/// background like MNIST.
/// </summary>
/// <param name="Pixels">width × height gray bytes, row-major; 0 = background, 255 = full ink.</param>
/// <param name="Inverted">Whether the gray picture was inverted (v → 255 − v).</param>
/// <param name="Applied">The fit actually performed: <see cref="Fit.Stretch"/> (including "used as is") or <see cref="Fit.Digit"/>; never <see cref="Fit.Auto"/>.</param>
/// <param name="Description">One short line saying what was done, for the user, e.g. "converted 100x60 RGB to gray; inverted (light background); levels 5..227 stretched to 0..255; digit fit: ink 30x44 at (55,6) scaled to 14x20, centred by centre of mass at (4,7) in 28x28".</param>
public sealed record ModelInput(byte[] Pixels, bool Inverted, Fit Applied, string Description);

/// <summary>
/// Turns a picture into the input of an MNIST-style model. All functions are deterministic and use integer-exact rounding
/// (halves round up) where stated.
/// <list type="bullet">
/// <item><see cref="ToGray"/>: each pixel is first composited over white (a transparent background reads as paper), then
/// converted with ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B, rounded to the nearest integer.</item>
/// <item><see cref="Resize"/>: separable, axis by axis. Shrinking uses an area-average (box) filter with exact coverage
/// weights: output pixel i covers the source interval [i·old/new, (i+1)·old/new) and averages every source pixel by the
/// fraction of it inside that interval (so 56 → 28 averages 2×2 blocks exactly). Enlarging uses bilinear interpolation with
/// pixel centres aligned (source x = (i + 0.5)·old/new − 0.5, clamped to the edge), so corners keep their values. An equal
/// size copies. The result is rounded once at the end.</item>
/// <item><see cref="HasLightBackground"/>: the mean of the border pixels (first and last row and column, each counted
/// once) is above 127.</item>
/// <item><see cref="ToModelInput"/>: gray → optional inversion → fit (see <see cref="Fit"/>). The Digit fit follows
/// MNIST. First levels: with B the median of the border pixels and P the brightest pixel, every pixel v becomes
/// round(max(0, v − B) · 255 / (P − B)) (nothing changes when B = 0 and P = 255), so a photographed page (gray paper, ink that is not black) gets MNIST's black
/// background and white strokes; if P − B ≤ <see cref="InkThreshold"/> there is no ink. Then crop to the bounding box of
/// the ink (pixels above <see cref="InkThreshold"/>), scale with <see cref="Resize"/>
/// so the box fits in round(20/28 · width) × round(20/28 · height) keeping its aspect ratio (sides rounded, at least 1 px;
/// the longer side becomes 20 px for a 28×28 target), and paste it into a black target so that its intensity-weighted centre of mass lands on the target's
/// centre (offset rounded, then clamped so the digit stays inside). A picture without ink is stretched instead and the
/// description says "no ink found".</item>
/// </list>
/// </summary>
public static class Preprocess
{
    /// <summary>
    /// After inversion and levels, a pixel brighter than this counts as ink for the Digit fit's bounding box; a picture whose
    /// brightest pixel is at most this much above its border median has no ink.
    /// </summary>
    public const int InkThreshold = 32;

    /// <summary>
    /// Converts <paramref name="image"/> to width × height gray bytes: alpha composited over white, then BT.601 luma
    /// (0.299, 0.587, 0.114), computed exactly in integers and rounded half up.
    /// </summary>
    public static byte[] ToGray(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var src = image.Pixels;
        int n = image.Width * image.Height;
        var gray = new byte[n];
        switch (image.Format)
        {
            case PixelFormat.Gray8:
                src.CopyTo(gray, 0);
                break;
            case PixelFormat.GrayAlpha8:
                for (int i = 0; i < n; i++)
                {
                    int g = src[2 * i], a = src[(2 * i) + 1];
                    // g·a/255 + 255·(255−a)/255, rounded half up
                    gray[i] = (byte)(((g * a) + (255 * (255 - a)) + 127) / 255);
                }
                break;
            case PixelFormat.Rgb8:
                for (int i = 0; i < n; i++)
                {
                    gray[i] = Luma(src[3 * i], src[(3 * i) + 1], src[(3 * i) + 2], 255);
                }
                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    gray[i] = Luma(src[4 * i], src[(4 * i) + 1], src[(4 * i) + 2], src[(4 * i) + 3]);
                }
                break;
        }
        return gray;
    }

    /// <summary>
    /// Converts <paramref name="image"/> to channels-first planes: 1 channel is <see cref="ToGray"/>; 3 channels are the red,
    /// green and blue planes (width × height bytes each) with alpha composited over white, as <see cref="ToGray"/> does, and
    /// a gray picture copied into all three. This is how training data from image folders and pictures given to
    /// <c>predict</c> become model input, so both see the same bytes.
    /// </summary>
    public static byte[] ToPlanes(Image image, int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (channels == 1) return ToGray(image);
        if (channels != 3) throw new ArgumentOutOfRangeException(nameof(channels), channels, "expected 1 (gray) or 3 (RGB)");
        var src = image.Pixels;
        int n = image.Width * image.Height;
        var planes = new byte[3 * n];
        int step = image.Channels;
        for (int i = 0; i < n; i++)
        {
            int r, g, b, a;
            switch (image.Format)
            {
                case PixelFormat.Gray8: r = g = b = src[i]; a = 255; break;
                case PixelFormat.GrayAlpha8: r = g = b = src[2 * i]; a = src[(2 * i) + 1]; break;
                default:
                    (r, g, b) = (src[step * i], src[(step * i) + 1], src[(step * i) + 2]);
                    a = image.Format == PixelFormat.Rgba8 ? src[(4 * i) + 3] : 255;
                    break;
            }

            planes[i] = OverWhite(r, a);
            planes[n + i] = OverWhite(g, a);
            planes[(2 * n) + i] = OverWhite(b, a);
        }

        return planes;
    }

    /// <summary>
    /// The inverse of <see cref="ToPlanes"/> for opaque pictures: 1 channel-first plane → <see cref="PixelFormat.Gray8"/>,
    /// 3 (red, green, blue planes) → interleaved <see cref="PixelFormat.Rgb8"/>; width × height each.
    /// </summary>
    public static Image FromPlanes(ReadOnlySpan<byte> planes, int channels, int width, int height)
    {
        int n = width * height;
        if (planes.Length != channels * n) throw new ArgumentException($"expected {channels} planes of {width}x{height}, got {planes.Length} bytes", nameof(planes));
        if (channels == 1) return new Image(width, height, PixelFormat.Gray8, planes.ToArray());
        if (channels != 3) throw new ArgumentOutOfRangeException(nameof(channels), channels, "expected 1 (gray) or 3 (RGB)");
        var rgb = new byte[3 * n];
        for (int i = 0; i < n; i++)
        {
            rgb[3 * i] = planes[i];
            rgb[(3 * i) + 1] = planes[n + i];
            rgb[(3 * i) + 2] = planes[(2 * n) + i];
        }

        return new Image(width, height, PixelFormat.Rgb8, rgb);
    }

    /// <summary>
    /// <see cref="Resize"/> on each of <paramref name="channels"/> planes of width × height bytes (channels-first), giving
    /// channels planes of newWidth × newHeight.
    /// </summary>
    public static byte[] ResizePlanes(ReadOnlySpan<byte> planes, int channels, int width, int height, int newWidth, int newHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        int n = width * height, m = newWidth * newHeight;
        if (planes.Length != channels * n) throw new ArgumentException($"expected {channels} planes of {width}x{height}, got {planes.Length} bytes", nameof(planes));
        if (width == newWidth && height == newHeight) return planes.ToArray();
        var result = new byte[channels * m];
        for (int c = 0; c < channels; c++) Resize(planes.Slice(c * n, n), width, height, newWidth, newHeight).CopyTo(result, c * m);
        return result;
    }

    // v·a/255 + 255·(255−a)/255, rounded half up
    private static byte OverWhite(int v, int a) => (byte)(((v * a) + (255 * (255 - a)) + 127) / 255);

    /// <summary>
    /// BT.601 luma of (r, g, b) composited with alpha <paramref name="a"/> over white:
    /// round((a·(299r + 587g + 114b) + 255·1000·(255 − a)) / 255000), exactly.
    /// </summary>
    internal static byte Luma(int r, int g, int b, int a)
    {
        long num = ((long)a * ((299 * r) + (587 * g) + (114 * b))) + (255L * 1000 * (255 - a));
        return (byte)((num + 127500) / 255000);
    }

    /// <summary>
    /// Resizes a gray image (<paramref name="gray"/> holds width × height bytes, row-major) to newWidth × newHeight: box
    /// (area-average) filter with exact coverage weights on an axis that shrinks, bilinear on an axis that grows, copy on
    /// an axis that keeps its size; rounded half up once at the end.
    /// </summary>
    public static byte[] Resize(ReadOnlySpan<byte> gray, int width, int height, int newWidth, int newHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newHeight);
        if (gray.Length != (long)width * height)
        {
            throw new ArgumentException(Inv($"a {width}x{height} gray image needs {(long)width * height} bytes, got {gray.Length}"), nameof(gray));
        }
        var wx = Weights(width, newWidth);
        var wy = Weights(height, newHeight);

        // horizontal pass: height × newWidth
        var tmp = new double[height * newWidth];
        for (int y = 0; y < height; y++)
        {
            var row = gray.Slice(y * width, width);
            for (int x = 0; x < newWidth; x++)
            {
                double sum = 0;
                foreach (var (index, weight) in wx[x])
                {
                    sum += row[index] * weight;
                }
                tmp[(y * newWidth) + x] = sum;
            }
        }

        // vertical pass: newHeight × newWidth
        var result = new byte[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++)
        {
            for (int x = 0; x < newWidth; x++)
            {
                double sum = 0;
                foreach (var (index, weight) in wy[y])
                {
                    sum += tmp[(index * newWidth) + x] * weight;
                }
                result[(y * newWidth) + x] = (byte)Math.Clamp(Math.Floor(sum + 0.5 + 1e-9), 0, 255);
            }
        }
        return result;
    }

    /// <summary>Per output index, the source indices and weights (summing to 1) along one axis.</summary>
    private static (int Index, double Weight)[][] Weights(int from, int to)
    {
        var table = new (int, double)[to][];
        if (to == from)
        {
            for (int i = 0; i < to; i++)
            {
                table[i] = [(i, 1.0)];
            }
        }
        else if (to < from)
        {
            // Work in units of 1/to of a source pixel: output i covers [i·from, (i+1)·from), source j covers [j·to, (j+1)·to).
            for (int i = 0; i < to; i++)
            {
                long lo = (long)i * from, hi = (long)(i + 1) * from;
                var list = new List<(int, double)>();
                for (long j = lo / to; j * to < hi; j++)
                {
                    long overlap = Math.Min(hi, (j + 1) * to) - Math.Max(lo, j * to);
                    if (overlap > 0)
                    {
                        list.Add(((int)j, (double)overlap / from));
                    }
                }
                table[i] = [.. list];
            }
        }
        else
        {
            double scale = (double)from / to;
            for (int i = 0; i < to; i++)
            {
                double s = Math.Clamp(((i + 0.5) * scale) - 0.5, 0, from - 1);
                int j = (int)Math.Floor(s);
                double f = s - j;
                table[i] = j + 1 < from && f > 0 ? [(j, 1 - f), (j + 1, f)] : [(j, 1.0)];
            }
        }
        return table;
    }

    /// <summary>
    /// True when the mean of the border pixels (first and last row, first and last column, each pixel counted once) is
    /// above 127: the picture is most likely dark ink on light paper.
    /// </summary>
    public static bool HasLightBackground(ReadOnlySpan<byte> gray, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (gray.Length != (long)width * height)
        {
            throw new ArgumentException(Inv($"a {width}x{height} gray image needs {(long)width * height} bytes, got {gray.Length}"), nameof(gray));
        }
        long sum = 0;
        long count = 0;
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x == 0 || x == width - 1)
                {
                    sum += gray[(y * width) + x];
                    count++;
                }
            }
        }
        return sum > 127 * count;
    }

    /// <summary>
    /// Prepares <paramref name="image"/> as a width × height MNIST-style input (white ink on black): converts it to gray
    /// (<see cref="ToGray"/>), inverts it when <paramref name="invert"/> says so (Auto: when
    /// <see cref="HasLightBackground"/>), then fits it (see <see cref="Fit"/> and the class remarks). Never fails on a
    /// picture without ink: it is stretched (inverted if chosen, no levels) and the description says "no ink found".
    /// </summary>
    public static ModelInput ToModelInput(Image image, int width, int height, Fit fit = Fit.Auto, Invert invert = Invert.Auto)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int w = image.Width, h = image.Height;
        var gray = ToGray(image);
        bool inverted = invert switch
        {
            Invert.Always => true,
            Invert.Never => false,
            _ => HasLightBackground(gray, w, h),
        };
        if (inverted)
        {
            for (int i = 0; i < gray.Length; i++)
            {
                gray[i] = (byte)(255 - gray[i]);
            }
        }
        string start = (image.Format == PixelFormat.Gray8 ? Inv($"{w}x{h} gray") : Inv($"converted {w}x{h} {image.Kind} to gray")) + (inverted
            ? invert == Invert.Always ? "; inverted" : "; inverted (light background)"
            : string.Empty);

        if (fit == Fit.Auto && w == width && h == height)
        {
            return new ModelInput(gray, inverted, Fit.Stretch, start + Inv($"; already {width}x{height}: pixels used as is"));
        }
        if (fit == Fit.Stretch)
        {
            return new ModelInput(Resize(gray, w, h, width, height), inverted, Fit.Stretch, start + Inv($"; stretched to {width}x{height}"));
        }

        // Digit fit, step 1: levels. A photographed page is not black after inversion (gray paper, shadows) and its ink is
        // not white, so the border median becomes 0 and the brightest pixel 255, like MNIST's bilevel originals.
        int background = BorderMedian(gray, w, h);
        int peak = gray.Max();
        if (peak - background <= InkThreshold)
        {
            return new ModelInput(
                Resize(gray, w, h, width, height), inverted, Fit.Stretch,
                start + Inv($"; no ink found (brightest pixel {peak} is within {InkThreshold} of the background {background}): stretched to {width}x{height}"));
        }
        string levels = string.Empty;
        if (background > 0 || peak < 255)
        {
            int range = peak - background;
            for (int i = 0; i < gray.Length; i++)
            {
                int v = Math.Max(0, gray[i] - background);
                gray[i] = (byte)Math.Min(255, ((v * 255) + (range / 2)) / range);
            }
            levels = Inv($"; levels {background}..{peak} stretched to 0..255");
        }

        // Step 2: bounding box of the ink.
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (gray[(y * w) + x] > InkThreshold)
                {
                    x0 = Math.Min(x0, x);
                    x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y);
                    y1 = Math.Max(y1, y);
                }
            }
        }
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        var crop = new byte[cw * ch];
        for (int y = 0; y < ch; y++)
        {
            gray.AsSpan(((y0 + y) * w) + x0, cw).CopyTo(crop.AsSpan(y * cw));
        }

        // Scale so the box fits in 20/28 of the target, keeping the aspect ratio.
        double boxW = Math.Max(1, Math.Round(width * 20.0 / 28.0, MidpointRounding.AwayFromZero));
        double boxH = Math.Max(1, Math.Round(height * 20.0 / 28.0, MidpointRounding.AwayFromZero));
        double s = Math.Min(boxW / cw, boxH / ch);
        int sw = Math.Clamp((int)Math.Round(cw * s, MidpointRounding.AwayFromZero), 1, width);
        int sh = Math.Clamp((int)Math.Round(ch * s, MidpointRounding.AwayFromZero), 1, height);
        var scaled = Resize(crop, cw, ch, sw, sh);

        // Centre of mass (pixel centres at i + 0.5) moved to the target centre, offset rounded and clamped inside.
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < sh; y++)
        {
            for (int x = 0; x < sw; x++)
            {
                double v = scaled[(y * sw) + x];
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
            }
        }
        double cx = mass > 0 ? mx / mass : sw / 2.0;
        double cy = mass > 0 ? my / mass : sh / 2.0;
        int ox = Math.Clamp((int)Math.Round((width / 2.0) - cx, MidpointRounding.AwayFromZero), 0, width - sw);
        int oy = Math.Clamp((int)Math.Round((height / 2.0) - cy, MidpointRounding.AwayFromZero), 0, height - sh);
        var target = new byte[width * height];
        for (int y = 0; y < sh; y++)
        {
            scaled.AsSpan(y * sw, sw).CopyTo(target.AsSpan(((oy + y) * width) + ox));
        }
        return new ModelInput(
            target, inverted, Fit.Digit,
            start + levels + Inv($"; digit fit: ink {cw}x{ch} at ({x0},{y0}) scaled to {sw}x{sh}, centred by centre of mass at ({ox},{oy}) in {width}x{height}"));
    }

    /// <summary>The median (lower middle for an even count) of the border pixels, each counted once.</summary>
    private static int BorderMedian(byte[] gray, int width, int height)
    {
        Span<int> histogram = stackalloc int[256];
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x == 0 || x == width - 1)
                {
                    histogram[gray[(y * width) + x]]++;
                    count++;
                }
            }
        }
        int seen = 0;
        for (int v = 0; v < 256; v++)
        {
            seen += histogram[v];
            if (2 * seen >= count)
            {
                return v;
            }
        }
        return 255;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
