using System.Text;

namespace NetForge.Imaging.Tests;

public class ImageFileTests
{
    private static string TempFile(byte[] content, string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "nf-imagefile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public void Sniffs_content_not_extension()
    {
        var image = new Image(3, 2, PixelFormat.Rgb8, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
        string pngNamedPgm = TempFile(Png.Encode(image), "really-a-png.pgm");
        string pgmNamedPng = TempFile(Encoding.ASCII.GetBytes("P2 2 1 255 7 8"), "really-a-pgm.png");
        try
        {
            Assert.Equal(Rgba.Of(image), ImageFile.Load(pngNamedPgm).Pixels);
            var gray = ImageFile.Load(pgmNamedPng);
            Assert.Equal(PixelFormat.Gray8, gray.Format);
            Assert.Equal(new byte[] { 7, 8 }, gray.Pixels);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(pngNamedPgm)!, true);
            Directory.Delete(Path.GetDirectoryName(pgmNamedPng)!, true);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'6', (byte)'\n' }, "photo.jpg: unsupported image format (looks like a Netpbm PBM/PPM/PAM file; only PGM is supported); supported: PNG, JPEG, BMP, GIF (first frame), WebP, PGM (P2 plain or P5 raw)")]
    [InlineData(new byte[] { (byte)'I', (byte)'I', (byte)'*', 0, 8, 0 }, "photo.jpg: unsupported image format (looks like TIFF); supported: PNG, JPEG, BMP, GIF (first frame), WebP, PGM (P2 plain or P5 raw)")]
    [InlineData(new byte[] { 1, 2, 3 }, "photo.jpg: unsupported image format; supported: PNG, JPEG, BMP, GIF (first frame), WebP, PGM (P2 plain or P5 raw)")]
    [InlineData(new byte[0], "photo.jpg: unsupported image format (looks like an empty file); supported: PNG, JPEG, BMP, GIF (first frame), WebP, PGM (P2 plain or P5 raw)")]
    public void Unknown_content_lists_the_supported_formats(byte[] content, string message)
    {
        string path = TempFile(content, "photo.jpg");
        try
        {
            Assert.Equal(message, Assert.Throws<ImageFormatException>(() => ImageFile.Load(path)).Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "photo.jpg: not a readable JPEG (")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "photo.jpg: not a readable GIF (")]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 1, 2 }, "photo.jpg: not a readable BMP (")]
    public void A_cut_jpeg_gif_or_bmp_header_is_named_with_its_format(byte[] content, string start)
    {
        string path = TempFile(content, "photo.jpg");
        try
        {
            Assert.StartsWith(start, Assert.Throws<ImageFormatException>(() => ImageFile.Load(path)).Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Fact]
    public void A_file_cut_inside_the_png_signature_is_reported_as_a_truncated_png()
    {
        var ex = Assert.Throws<ImageFormatException>(() => ImageFile.Decode(Png.Signature[..5], "cut.png"));
        Assert.Equal("cut.png: truncated: the file ends inside the PNG signature (5 of 8 bytes)", ex.Message);
    }

    [Fact]
    public void Png_errors_name_the_file_without_its_folder()
    {
        var bytes = Fixtures.Bytes("ct0-d8.png");
        var idat = PngBuilder.Chunks(bytes).First(c => c.Type == "IDAT");
        bytes[idat.Offset + 8 + idat.Length] ^= 1; // IDAT CRC
        string path = TempFile(bytes, "corrupt.png");
        try
        {
            var ex = Assert.Throws<ImageFormatException>(() => ImageFile.Load(path));
            Assert.StartsWith("corrupt.png: PNG of ", ex.Message);
            Assert.DoesNotContain(Path.GetDirectoryName(path)!, ex.Message);
            Assert.Throws<FileNotFoundException>(() => ImageFile.Load(path + ".missing"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }
}
