namespace NetForge.Imaging.Tests;

public class PreprocessTests
{
    [Theory]
    [InlineData(255, 0, 0, 76)]     // 76.245
    [InlineData(0, 255, 0, 150)]    // 149.685
    [InlineData(0, 0, 255, 29)]     // 29.07
    [InlineData(0, 0, 250, 29)]     // 28.5 exactly: halves round up
    [InlineData(10, 20, 30, 18)]    // 18.15
    [InlineData(255, 255, 255, 255)]
    [InlineData(0, 0, 0, 0)]
    public void Rgb_to_gray_is_bt601_luma_rounded(byte r, byte g, byte b, byte expected)
    {
        Assert.Equal(new[] { expected }, Preprocess.ToGray(new Image(1, 1, PixelFormat.Rgb8, [r, g, b])));
        Assert.Equal(new[] { expected }, Preprocess.ToGray(new Image(1, 1, PixelFormat.Rgba8, [r, g, b, 255])));
    }

    [Fact]
    public void Alpha_is_composited_over_white_first()
    {
        // transparent reads as paper whatever its color; half-transparent black is mid gray
        var rgba = new Image(4, 1, PixelFormat.Rgba8, [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128, 255, 0, 0, 51]);
        // red at alpha 51: R' = 255, G' = B' = 204 → 0.299·255 + 0.587·204 + 0.114·204 = 219.249
        Assert.Equal(new byte[] { 255, 0, 127, 219 }, Preprocess.ToGray(rgba));
        var ga = new Image(3, 1, PixelFormat.GrayAlpha8, [0, 51, 100, 128, 9, 0]);
        // 0·0.2 + 255·0.8 = 204; 100·128/255 + 255·127/255 = 177.196 → 177; alpha 0 → 255
        Assert.Equal(new byte[] { 204, 177, 255 }, Preprocess.ToGray(ga));
        var gray = new Image(2, 1, PixelFormat.Gray8, [3, 250]);
        Assert.Equal(new byte[] { 3, 250 }, Preprocess.ToGray(gray));
        Assert.NotSame(gray.Pixels, Preprocess.ToGray(gray));
    }

    [Fact]
    public void Luma_with_alpha_agrees_with_the_two_step_definition_everywhere()
    {
        var rng = new Random(4);
        for (int i = 0; i < 20000; i++)
        {
            int r = rng.Next(256), g = rng.Next(256), b = rng.Next(256), a = rng.Next(256);
            double over(int c) => ((c * a) + (255.0 * (255 - a))) / 255.0;
            double y = (0.299 * over(r)) + (0.587 * over(g)) + (0.114 * over(b));
            byte got = Preprocess.Luma(r, g, b, a);
            Assert.True(Math.Abs(got - y) <= 0.5 + 1e-9, $"({r},{g},{b},{a}): {got} vs {y}");
        }
    }

    [Fact]
    public void Shrinking_by_two_averages_2x2_blocks_exactly()
    {
        var rng = new Random(7);
        var src = new byte[56 * 56];
        rng.NextBytes(src);
        var dst = Preprocess.Resize(src, 56, 56, 28, 28);
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                int sum = src[(2 * y * 56) + (2 * x)] + src[(2 * y * 56) + (2 * x) + 1] + src[(((2 * y) + 1) * 56) + (2 * x)] + src[(((2 * y) + 1) * 56) + (2 * x) + 1];
                Assert.Equal((sum + 2) / 4, dst[(y * 28) + x]); // round half up
            }
        }
        Assert.Equal(new byte[] { 3, 8 }, Preprocess.Resize([1, 4, 7, 8, 2, 5, 8, 9], 4, 2, 2, 1)); // (1+4+2+5)/4, (7+8+8+9)/4
    }

    [Fact]
    public void Shrinking_by_a_fraction_uses_exact_coverage_weights()
    {
        // 3 → 2: output 0 covers [0, 1.5): (30 + 60/2) / 1.5 = 40; output 1: (60/2 + 90) / 1.5 = 80
        Assert.Equal(new byte[] { 40, 80 }, Preprocess.Resize([30, 60, 90], 3, 1, 2, 1));
        Assert.Equal(new byte[] { 40, 80 }, Preprocess.Resize([30, 60, 90], 1, 3, 1, 2));
        // to one pixel: the plain mean
        Assert.Equal(new byte[] { 60 }, Preprocess.Resize([30, 60, 90], 3, 1, 1, 1));
    }

    [Fact]
    public void Same_size_is_the_identity()
    {
        var src = new byte[33 * 7];
        new Random(9).NextBytes(src);
        Assert.Equal(src, Preprocess.Resize(src, 33, 7, 33, 7));
    }

    [Fact]
    public void Enlarging_is_bilinear_with_corners_kept()
    {
        // 1D: centres at (i + 0.5)/2 − 0.5 = −0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, Preprocess.Resize([0, 100], 2, 1, 4, 1));
        byte[] src = [10, 200, 60, 120];
        var big = Preprocess.Resize(src, 2, 2, 5, 7);
        Assert.Equal(10, big[0]);
        Assert.Equal(200, big[4]);
        Assert.Equal(60, big[6 * 5]);
        Assert.Equal(120, big[(6 * 5) + 4]);
        // centre of a 2x2 → 3x3: the mean of all four
        Assert.Equal(98, Preprocess.Resize(src, 2, 2, 3, 3)[4]); // (10+200+60+120)/4 = 97.5 → 98
    }

    [Fact]
    public void Resize_keeps_a_constant_image_constant_in_every_direction()
    {
        var src = Enumerable.Repeat((byte)77, 13 * 9).ToArray();
        Assert.All(Preprocess.Resize(src, 13, 9, 5, 20), v => Assert.Equal(77, v));
        Assert.All(Preprocess.Resize(src, 13, 9, 29, 4), v => Assert.Equal(77, v));
        Assert.Throws<ArgumentException>(() => Preprocess.Resize(src, 13, 8, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocess.Resize(src, 13, 9, 0, 5));
    }

    [Fact]
    public void Light_background_is_the_border_mean_above_127()
    {
        var paper = Enumerable.Repeat((byte)255, 25).ToArray();
        paper[12] = 0;
        Assert.True(Preprocess.HasLightBackground(paper, 5, 5));
        Assert.False(Preprocess.HasLightBackground(paper.Select(v => (byte)(255 - v)).ToArray(), 5, 5));
        // border of 3x3 is 8 pixels: seven at 128 and one at 127 → mean 127.875 > 127; all at 127 → not light
        var edge = Enumerable.Repeat((byte)128, 9).ToArray();
        edge[0] = 127;
        edge[4] = 0; // the centre does not count
        Assert.True(Preprocess.HasLightBackground(edge, 3, 3));
        Assert.False(Preprocess.HasLightBackground(Enumerable.Repeat((byte)127, 9).ToArray(), 3, 3));
        Assert.True(Preprocess.HasLightBackground([200], 1, 1));
    }

    private static Image Mnistish(bool lightBackground)
    {
        var px = new byte[28 * 28];
        for (int y = 8; y < 20; y++)
        {
            for (int x = 12; x < 16; x++)
            {
                px[(y * 28) + x] = (byte)(150 + x + y);
            }
        }
        if (lightBackground)
        {
            for (int i = 0; i < px.Length; i++)
            {
                px[i] = (byte)(255 - px[i]);
            }
        }
        return new Image(28, 28, PixelFormat.Gray8, px);
    }

    [Fact]
    public void Auto_leaves_a_28x28_image_unchanged_apart_from_inversion()
    {
        var dark = Mnistish(lightBackground: false);
        var input = Preprocess.ToModelInput(dark, 28, 28);
        Assert.Equal(dark.Pixels, input.Pixels);
        Assert.False(input.Inverted);
        Assert.Equal(Fit.Stretch, input.Applied);
        Assert.Contains("used as is", input.Description);

        var light = Preprocess.ToModelInput(Mnistish(lightBackground: true), 28, 28);
        Assert.True(light.Inverted);
        Assert.Equal(dark.Pixels, light.Pixels);
        Assert.Contains("inverted (light background)", light.Description);

        Assert.Equal(dark.Pixels.Select(v => (byte)(255 - v)), Preprocess.ToModelInput(dark, 28, 28, invert: Invert.Always).Pixels);
        Assert.Equal(dark.Pixels.Select(v => (byte)(255 - v)), Preprocess.ToModelInput(Mnistish(true), 28, 28, invert: Invert.Never).Pixels);
    }

    /// <summary>A thick "7" (dark ink on white paper): top bar 30×8 and a stem 8×44, in a 100×60 RGB photo.</summary>
    private static Image Seven()
    {
        var image = new Image(100, 60, PixelFormat.Rgb8);
        Array.Fill(image.Pixels, (byte)250);
        void Ink(int x0, int y0, int w, int h)
        {
            for (int y = y0; y < y0 + h; y++)
            {
                for (int x = x0; x < x0 + w; x++)
                {
                    int o = ((y * 100) + x) * 3;
                    image.Pixels[o] = 20;
                    image.Pixels[o + 1] = 30;
                    image.Pixels[o + 2] = 40;
                }
            }
        }
        Ink(55, 6, 30, 8);
        Ink(77, 6, 8, 44);
        return image;
    }

    private static (int W, int H, double Cx, double Cy) InkStats(byte[] px, int width, int height)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int v = px[(y * width) + x];
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
                if (v > Preprocess.InkThreshold)
                {
                    (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
                }
            }
        }
        return (x1 - x0 + 1, y1 - y0 + 1, mx / mass, my / mass);
    }

    [Fact]
    public void Digit_fit_scales_the_longer_side_to_20_and_centres_the_mass()
    {
        var input = Preprocess.ToModelInput(Seven(), 28, 28);
        Assert.Equal(Fit.Digit, input.Applied);
        Assert.True(input.Inverted);
        Assert.Equal(28 * 28, input.Pixels.Length);
        var (w, h, cx, cy) = InkStats(input.Pixels, 28, 28);
        Assert.Equal(20, h);                       // 44 tall → 20
        Assert.InRange(w, 13, 14);                 // 30 wide → 30·20/44 = 13.6
        Assert.InRange(cx, 13.0, 15.0);            // within 1 px of the centre (14, 14)
        Assert.InRange(cy, 13.0, 15.0);
        // luma(20,30,40) = 28.15 → 28, inverted 227; paper 250 → 5; levels stretch 5..227 to 0..255 and the box filter
        // keeps full strokes full
        Assert.Equal(255, input.Pixels.Max());
        Assert.Equal(0, input.Pixels[0]);
        Assert.Equal("converted 100x60 RGB to gray; inverted (light background); levels 5..227 stretched to 0..255; digit fit: ink 30x44 at (55,6) scaled to 14x20, centred by centre of mass at (4,7) in 28x28", input.Description);
        // the stem is to the right of the bar's middle, so the mass centre pulls the box left of the geometric centre
        int firstInkColumn = Enumerable.Range(0, 28).First(x => Enumerable.Range(0, 28).Any(y => input.Pixels[(y * 28) + x] > 32));
        Assert.True(firstInkColumn < (28 - w) / 2, $"box starts at column {firstInkColumn}, geometric centring would give {(28 - w) / 2}");
    }

    [Fact]
    public void Digit_fit_enlarges_a_small_digit_and_handles_wide_ones()
    {
        var small = new Image(40, 40, PixelFormat.Gray8);
        for (int y = 10; y < 18; y++)
        {
            for (int x = 20; x < 25; x++)
            {
                small.Pixels[(y * 40) + x] = 255;
            }
        }
        var input = Preprocess.ToModelInput(small, 28, 28);
        Assert.False(input.Inverted);
        var (w, h, cx, cy) = InkStats(input.Pixels, 28, 28);
        Assert.Equal((13, 20), (w, h)); // 5x8 → 12.5 → 13 x 20
        Assert.InRange(cx, 13.0, 15.0);
        Assert.InRange(cy, 13.0, 15.0);

        var wide = new Image(90, 10, PixelFormat.Gray8);
        Array.Fill(wide.Pixels, (byte)200, 3 * 90, 4 * 90); // rows 3..6 fully inked
        var (ww, wh, _, wcy) = InkStats(Preprocess.ToModelInput(wide, 28, 28, Fit.Digit, Invert.Never).Pixels, 28, 28);
        Assert.Equal(20, ww);
        Assert.Equal(1, wh);
        Assert.InRange(wcy, 13.0, 15.0);
    }

    [Fact]
    public void Digit_fit_copes_with_a_photographed_page()
    {
        // gray paper (180..200, noisy) and a pencil "1" at 90: inverted the paper is 55..75, far above the ink threshold,
        // so without levels the whole picture would be "ink"
        var rng = new Random(5);
        var photo = new Image(120, 90, PixelFormat.Gray8);
        for (int i = 0; i < photo.Pixels.Length; i++)
        {
            photo.Pixels[i] = (byte)(180 + rng.Next(21));
        }
        for (int y = 15; y < 75; y++)
        {
            for (int x = 50; x < 62; x++)
            {
                photo.Pixels[(y * 120) + x] = (byte)(85 + rng.Next(11));
            }
        }
        var input = Preprocess.ToModelInput(photo, 28, 28);
        Assert.True(input.Inverted);
        Assert.Equal(Fit.Digit, input.Applied);
        Assert.Contains("digit fit: ink 12x60 at (50,15)", input.Description);
        var (w, h, cx, cy) = InkStats(input.Pixels, 28, 28);
        Assert.Equal(20, h);
        Assert.InRange(w, 4, 5); // 12·20/60 = 4
        Assert.InRange(cx, 13.0, 15.0);
        Assert.InRange(cy, 13.0, 15.0);
        Assert.True(input.Pixels.Count(v => v > 200) >= 4 * 18, "strokes come out near white");
        Assert.Equal(0, input.Pixels[0]);
    }

    [Fact]
    public void Levels_are_left_alone_for_an_mnist_like_picture()
    {
        var small = new Image(40, 40, PixelFormat.Gray8);
        for (int y = 10; y < 30; y++)
        {
            for (int x = 15; x < 25; x++)
            {
                small.Pixels[(y * 40) + x] = (byte)(x == 15 ? 128 : 255);
            }
        }
        var input = Preprocess.ToModelInput(small, 28, 28);
        Assert.DoesNotContain("levels", input.Description);
        Assert.Equal("40x40 gray; digit fit: ink 10x20 at (15,10) scaled to 10x20, centred by centre of mass at (9,4) in 28x28", input.Description);
        // same size: the crop is pasted unchanged
        Assert.Equal(128, input.Pixels[(4 * 28) + 9]);
        Assert.Equal(255, input.Pixels[(4 * 28) + 10]);
    }

    [Fact]
    public void An_image_without_ink_does_not_crash()
    {
        var blank = new Image(50, 30, PixelFormat.Rgba8);
        Array.Fill(blank.Pixels, (byte)255);
        var input = Preprocess.ToModelInput(blank, 28, 28);
        Assert.True(input.Inverted);
        Assert.All(input.Pixels, v => Assert.Equal(0, v));
        Assert.Contains("no ink found", input.Description);
        // faint noise on paper is not ink either
        var noisy = new Image(30, 30, PixelFormat.Gray8);
        new Random(2).NextBytes(noisy.Pixels);
        for (int i = 0; i < noisy.Pixels.Length; i++)
        {
            noisy.Pixels[i] = (byte)(200 + (noisy.Pixels[i] % 30));
        }
        var faint = Preprocess.ToModelInput(noisy, 28, 28, Fit.Digit);
        Assert.Contains("no ink found (brightest pixel 55 is within 32 of the background", faint.Description);
        Assert.Equal(Fit.Stretch, input.Applied);
        var transparent = new Image(28, 28, PixelFormat.GrayAlpha8); // fully transparent reads as white paper
        Assert.All(Preprocess.ToModelInput(transparent, 28, 28, Fit.Digit).Pixels, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Stretch_resizes_the_whole_picture()
    {
        var image = new Image(56, 28, PixelFormat.Gray8);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)(i % 56 < 28 ? 0 : 100);
        }
        var input = Preprocess.ToModelInput(image, 28, 28, Fit.Stretch, Invert.Never);
        Assert.Equal(Fit.Stretch, input.Applied);
        for (int y = 0; y < 28; y++)
        {
            Assert.Equal(0, input.Pixels[(y * 28) + 13]);
            Assert.Equal(100, input.Pixels[(y * 28) + 14]);
        }
        Assert.Contains("stretched to 28x28", input.Description);
    }
}
