namespace NetForge.Data;

/// <summary>
/// The one exception type NetForge.Data throws for bad or missing data. The message names the file
/// and the field or byte offset, e.g.
/// <c>t10k-images-idx3-ubyte: truncated at byte 7840000: expected 7840016 bytes for 10000 images of 28x28</c>.
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>Creates the exception with a message that already names the file.</summary>
    public DataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message that already names the file, keeping the cause.</summary>
    public DataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
