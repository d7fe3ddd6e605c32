namespace NetForge.Imaging;

/// <summary>
/// The one exception NetForge.Imaging throws for content that is not a valid image. The message names the file (when known)
/// and the precise cause, e.g. <c>corrupt.png: chunk IDAT at byte 57: CRC mismatch (stored 0x1A2B3C4D, computed 0x5E6F7A8B)</c>.
/// </summary>
public sealed class ImageFormatException : Exception
{
    /// <summary>Creates the exception with a message that already names the file.</summary>
    public ImageFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message that already names the file, keeping the cause.</summary>
    public ImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
