namespace GptPlayground.Notebooks;

/// <summary>
/// A notebook file that cannot be read, or a notebook that cannot be written without losing something.
/// The message names the line (1-based, when there is one) and what was expected.
/// </summary>
public sealed class NotebookFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="line">1-based line in the file, or null when the problem is not on a line (writing, size, encoding).</param>
    /// <param name="reason">What is wrong and what was expected.</param>
    public NotebookFormatException(int? line, string reason)
        : base(line is { } l ? $"line {l}: {reason}" : reason)
    {
        Line = line;
        Reason = reason;
    }

    /// <summary>1-based line of the problem, or null.</summary>
    public int? Line { get; }

    /// <summary>The message without the line prefix.</summary>
    public string Reason { get; }
}
