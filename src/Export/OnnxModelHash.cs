using System.Security.Cryptography;
using Google.Protobuf;
using NetForge.Export.Onnx;

namespace NetForge.Export;

/// <summary>Content hash of an ONNX model that ignores one metadata entry (so a stored certificate does not change it).</summary>
public static class OnnxModelHash
{
    /// <summary>
    /// SHA-256 (lower-case hex) of <paramref name="model"/> serialised without the metadata_props entries whose key is
    /// <paramref name="excludeKey"/>. The model itself is not modified. Protobuf serialisation of the same message is
    /// deterministic here (no map fields), so a parse/write round trip keeps the hash.
    /// </summary>
    public static string Compute(ModelProto model, string excludeKey = "parity_certificate")
    {
        ArgumentNullException.ThrowIfNull(model);
        var copy = model;
        if (model.MetadataProps.Any(p => p.Key == excludeKey))
        {
            copy = model.Clone();
            var kept = copy.MetadataProps.Where(p => p.Key != excludeKey).ToList();
            copy.MetadataProps.Clear();
            copy.MetadataProps.AddRange(kept);
        }
        return Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()));
    }
}
