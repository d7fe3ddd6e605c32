namespace NetForge.Export;

/// <summary>A graph or option the exporter cannot write, or a model file it could not save.</summary>
public sealed class ExportException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong and, when known, what to do.</summary>
    public ExportException(string message) : base(message) { }

    /// <summary>Creates the exception around the I/O error that caused it.</summary>
    public ExportException(string message, Exception inner) : base(message, inner) { }
}
