namespace Exchange.Journal;

/// <summary>
/// A stored journal payload cannot be read: it is truncated, corrupt, of another kind, or written in a format
/// version this build does not know. Never retried: the bytes will not get better.
/// </summary>
public sealed class JournalFormatException : Exception
{
    public JournalFormatException(string message) : base(message) { }

    public JournalFormatException(string message, Exception innerException) : base(message, innerException) { }
}
