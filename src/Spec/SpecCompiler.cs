using System.Text;
using NetForge.Spec.Graph;
using NetForge.Spec.Validation;
using NetForge.Spec.Yaml;

namespace NetForge.Spec;

/// <summary>Result of checking a spec: the graph when valid, and every diagnostic found.</summary>
/// <param name="Graph">The compiled graph; null when there is any diagnostic.</param>
/// <param name="Diagnostics">Every problem found, in file order.</param>
public sealed record SpecCheckResult(ModelGraph? Graph, IReadOnlyList<SpecDiagnostic> Diagnostics)
{
    /// <summary>True when the spec compiled without any diagnostic.</summary>
    public bool Ok => Graph is not null && Diagnostics.Count == 0;
}

/// <summary>Entry points of the spec language: YAML text → validated, shape-inferred <see cref="ModelGraph"/>.</summary>
public static partial class SpecCompiler
{
    /// <summary>
    /// Checks a spec and reports every problem at once, each at its file:line:column. Never throws
    /// for bad input: hostile YAML (tags, aliases, deep nesting, huge documents) becomes diagnostics.
    /// </summary>
    /// <param name="yamlText">The spec's text.</param>
    /// <param name="fileName">The name diagnostics show (and <see cref="ModelGraph.SourcePath"/>).</param>
    public static SpecCheckResult Check(string yamlText, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(fileName);
        if (yamlText.Length > 0 && yamlText[0] == '\uFEFF') yamlText = yamlText[1..];
        var diags = new DiagnosticBag(fileName, yamlText);
        ModelGraph? graph = null;
        try
        {
            var root = SafeYamlReader.Read(yamlText, diags);
            if (root is not null) graph = GraphBuilder.Build(root, diags);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug of ours must still surface as a diagnostic, never as a stack trace.
            diags.Add(1, 1, null, "internal error while checking the spec: " + ex.GetType().Name + ": " + ex.Message);
        }

        var list = diags.ToList();
        return new SpecCheckResult(list.Count == 0 ? graph : null, list);
    }

    /// <summary>Compiles a spec; throws <see cref="SpecException"/> (only that type) carrying every diagnostic.</summary>
    public static ModelGraph Compile(string yamlText, string fileName)
    {
        var result = Check(yamlText, fileName);
        if (!result.Ok)
        {
            throw new SpecException(result.Diagnostics.Count > 0
                ? result.Diagnostics
                : [new SpecDiagnostic(new SourceLocation(fileName, 1, 1), null, "spec did not compile")]);
        }

        return result.Graph!;
    }

    /// <summary>
    /// Reads and compiles a spec file. A missing, unreadable, oversized or non-UTF-8 file is a
    /// <see cref="SpecException"/> at <c>path:1:1</c> (same wording as <c>netforge check</c>).
    /// </summary>
    public static ModelGraph Load(string path) => Compile(ReadText(path), path);

    /// <summary>
    /// Reads a spec file as strict UTF-8 (a leading BOM is dropped): the one reader of spec files (the CLI, run folders).
    /// A missing, unreadable, oversized or non-UTF-8 file is a <see cref="SpecException"/> at <c>path:1:1</c>.
    /// </summary>
    public static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw Fail(path, "is a folder", "a YAML spec file", null);
            if (!info.Exists) throw Fail(path, "file not found", null, null);
            if (info.Length > SafeYamlReader.MaxBytes)
            {
                throw Fail(path, "spec is too large", $"at most {SafeYamlReader.MaxBytes} bytes", $"{info.Length} bytes");
            }

            var bytes = File.ReadAllBytes(path);
            int bom = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, bom, bytes.Length - bom);
        }
        catch (SpecException)
        {
            throw;
        }
        catch (DecoderFallbackException)
        {
            throw Fail(path, "not valid UTF-8 text", null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw Fail(path, "cannot read the spec: " + ex.Message, null, null);
        }
    }

    /// <summary>
    /// Writes the graph back as a spec with every default filled in (dialect, names, strides, pads
    /// policy, initializers, optimizer hyper-parameters, callbacks). Compiling the text gives an equal
    /// graph, and resolving that graph gives the same text.
    /// </summary>
    public static string ToResolvedYaml(ModelGraph graph) => ResolvedYamlWriter.Write(graph);

    private static SpecException Fail(string path, string message, string? expected, string? got) =>
        new([new SpecDiagnostic(new SourceLocation(path, 1, 1), null, message, expected, got)]);
}
