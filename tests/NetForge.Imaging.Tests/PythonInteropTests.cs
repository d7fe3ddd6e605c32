using System.ComponentModel;
using System.Diagnostics;

namespace NetForge.Imaging.Tests;

/// <summary>Our encoder's files must decode with the reference zlib and CRC-32 (Python's zlib module).</summary>
public class PythonInteropTests
{
    // A minimal independent PNG reader: checks every CRC with zlib.crc32, inflates with zlib.decompress (which verifies
    // the Adler-32), undoes the five filters and prints "width height colortype hexpixels".
    private const string Script = """
        import struct, sys, zlib
        def decode(path):
            data = open(path, 'rb').read()
            assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
            pos, idat, ihdr = 8, b'', None
            while True:
                n, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + n]
                (crc,) = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
                assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, 'crc ' + kind.decode()
                if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
                if kind == b'IDAT': idat += body
                pos += 12 + n
                if kind == b'IEND': break
            assert pos == len(data), 'trailing bytes'
            w, h, depth, ct, comp, filt, inter = ihdr
            assert (depth, comp, filt, inter) == (8, 0, 0, 0), ihdr
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
            raw, stride, out, prev = zlib.decompress(idat), w * bpp, bytearray(), bytearray(w * bpp)
            assert len(raw) == h * (stride + 1), 'size'
            for y in range(h):
                f, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for i in range(stride):
                    a = row[i - bpp] if i >= bpp else 0
                    b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = [0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else (b if pb <= pc else c)][f]
                    row[i] = (row[i] + pred) & 0xFF
                out += row
                prev = row
            print(w, h, ct, out.hex(), flush=True)
        for path in sys.argv[1:]:
            decode(path)
        """;

    [Fact]
    public void Encoded_files_decode_with_reference_zlib_in_python()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nf-imaging-py-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Random(21);
            var paths = new List<string>();
            var expected = new List<string>();
            foreach (var (format, colorType) in new[] { (PixelFormat.Gray8, 0), (PixelFormat.GrayAlpha8, 6), (PixelFormat.Rgb8, 2), (PixelFormat.Rgba8, 6) })
            {
                // half noise, half gradient, so several filter types are chosen
                var image = new Image(37, 23, format);
                for (int i = 0; i < image.Pixels.Length; i++)
                {
                    image.Pixels[i] = i < image.Pixels.Length / 2 ? (byte)rng.Next(256) : (byte)(i * 3 / image.Channels);
                }
                string path = Path.Combine(dir, $"{format}.png");
                Png.Write(path, image);
                paths.Add(path);
                // Skia has no gray+alpha pixel type: GrayAlpha8 is written as RGBA
                byte[] written = format == PixelFormat.GrayAlpha8 ? Rgba.Of(image) : image.Pixels;
                expected.Add($"37 23 {colorType} {Convert.ToHexString(written).ToLowerInvariant()}");
            }
            // one python process for all files: starting python3 is the slow part
            Assert.Equal(expected, RunPython(paths).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RunPython(IEnumerable<string> pngPaths)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-I"); // isolated: no user site, no PYTHON* variables
        psi.ArgumentList.Add("-S"); // no site import: only the standard library is needed
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        foreach (var path in pngPaths)
        {
            psi.ArgumentList.Add(path);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "This test needs python3 (standard library only) on PATH to check our PNGs against the reference zlib; "
                + "install python3 and rerun. " + ex.Message, ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "python3 did not finish within 30 s");
            Assert.True(process.ExitCode == 0, $"python3 rejected our PNG: {stderr}");
            return stdout.Result;
        }
    }
}
