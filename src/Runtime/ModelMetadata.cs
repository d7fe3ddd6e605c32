namespace NetForge.Runtime;

/// <summary>The model-level metadata stored in an ONNX file (read once when the session is created).</summary>
public sealed class ModelMetadata
{
    internal ModelMetadata(string producerName, string graphName, string domain, string description, long version,
        IReadOnlyDictionary<string, string> customMetadata)
    {
        ProducerName = producerName;
        GraphName = graphName;
        Domain = domain;
        Description = description;
        Version = version;
        CustomMetadata = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(
            new SortedDictionary<string, string>(customMetadata.ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary><c>ModelProto.producer_name</c>, e.g. "NetForge".</summary>
    public string ProducerName { get; }

    /// <summary><c>GraphProto.name</c>.</summary>
    public string GraphName { get; }

    /// <summary><c>ModelProto.domain</c>.</summary>
    public string Domain { get; }

    /// <summary><c>ModelProto.doc_string</c>.</summary>
    public string Description { get; }

    /// <summary><c>ModelProto.model_version</c>.</summary>
    public long Version { get; }

    /// <summary><c>ModelProto.metadata_props</c> (key → value), ordered by key.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }
}
