namespace GptPlayground.Tokenizers;

/// <summary>
/// The tokenizer library's one exception type: a model folder has no tokenizer files, a file is not valid
/// JSON, or a file asks for a feature this library does not implement. The message names the file and,
/// where there is one, the JSON position or the unsupported piece
/// ("models/bert/tokenizer.json: model.type \"WordPiece\" is not supported (only \"BPE\")").
/// An underlying parser or I/O error, if any, is the inner exception.
/// </summary>
/// <remarks>Invalid token ids are not reported with this type: they throw <see cref="ArgumentOutOfRangeException"/>.</remarks>
public sealed class TokenizerException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public TokenizerException(string message) : base(message) { }

    /// <summary>Creates the exception with a user-facing message and the underlying error.</summary>
    public TokenizerException(string message, Exception inner) : base(message, inner) { }
}
