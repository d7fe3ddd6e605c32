using Google.Protobuf;
using NetForge.Export.Onnx;

namespace NetForge.Export.Tests;

public sealed class SerializationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netforge-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ParseOfTheWrittenBytes_EqualsTheOriginal()
    {
        var model = OnnxExporterTests.Export(TestGraph.Cnn(), new ExportOptions { LayerOutputs = true, InputDType = InputDType.UInt8 });
        var parsed = ModelProto.Parser.ParseFrom(model.ToByteArray());
        Assert.Equal(model, parsed);
        Assert.Equal(model.ToByteArray(), parsed.ToByteArray());
    }

    [Fact]
    public void UnknownFields_SurviveAParseWriteRoundTrip()
    {
        var model = OnnxExporterTests.Export(TestGraph.Mlp());
        // field 25 of ModelProto (upstream: functions) and a made-up field 999, both undeclared in our onnx.proto subset
        var extra = new MemoryStream();
        var output = new CodedOutputStream(extra);
        output.WriteTag(25, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFromUtf8("a function we do not model"));
        output.WriteTag(999, WireFormat.WireType.Varint);
        output.WriteInt64(123456789);
        output.Flush();
        byte[] withUnknown = [.. model.ToByteArray(), .. extra.ToArray()];

        var parsed = ModelProto.Parser.ParseFrom(withUnknown);
        Assert.NotEqual(model, parsed); // the unknown fields are part of the message
        Assert.Equal(withUnknown, parsed.ToByteArray());

        string path = Path.Combine(_dir, "unknown.onnx");
        OnnxExporter.Write(parsed, path);
        Assert.Equal(withUnknown, File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_ThenRead_GivesTheSameModel()
    {
        var model = OnnxExporterTests.Export(TestGraph.Mlp());
        string path = Path.Combine(_dir, "sub", "mlp.onnx");
        OnnxExporter.Write(model, path);
        Assert.Equal(model, OnnxExporter.Read(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Read_OfAMissingOrCorruptFile_IsAnExportExceptionNamingIt()
    {
        string missing = Path.Combine(_dir, "missing.onnx");
        Assert.Contains(missing, Assert.Throws<ExportException>(() => OnnxExporter.Read(missing)).Message);
        string corrupt = Path.Combine(_dir, "corrupt.onnx");
        byte[] bytes = OnnxExporterTests.Export(TestGraph.Mlp()).ToByteArray();
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]); // truncated inside an initializer
        Assert.Contains(corrupt, Assert.Throws<ExportException>(() => OnnxExporter.Read(corrupt)).Message);
    }

    [Fact]
    public void FailingWrite_LeavesTheOldFileIntact_AndNoTempFile()
    {
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(path, "old model");
        var ex = Assert.Throws<ExportException>(() => OnnxExporter.WriteAtomic(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Contains("disk full", ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Equal("old model", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void WriteOverADirectory_IsAnExportException_AndLeavesNoTempFile()
    {
        string path = Path.Combine(_dir, "taken");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "x");
        Assert.Throws<ExportException>(() => OnnxExporter.Write(OnnxExporterTests.Export(TestGraph.Mlp()), path));
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Equal("x", File.ReadAllText(Path.Combine(path, "keep.txt")));
    }

    [Fact]
    public void WriteIntoAReadOnlyFolder_IsAnExportException_AndLeavesTheOldFile()
    {
        if (OperatingSystem.IsWindows()) return; // Unix permissions only
        string folder = Path.Combine(_dir, "ro");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "model.onnx");
        File.WriteAllText(path, "old model");
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (CanCreateFileIn(folder))
            {
                // privileged user (root ignores permissions): use a folder that cannot exist instead, under a regular file
                string impossible = Path.Combine(path, "model.onnx");
                Assert.Throws<ExportException>(() => OnnxExporter.Write(OnnxExporterTests.Export(TestGraph.Mlp()), impossible));
            }
            else
            {
                var ex = Assert.Throws<ExportException>(() => OnnxExporter.Write(OnnxExporterTests.Export(TestGraph.Mlp()), path));
                Assert.Contains("cannot write", ex.Message);
            }
            Assert.Equal("old model", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanCreateFileIn(string folder)
    {
        string probe = Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
