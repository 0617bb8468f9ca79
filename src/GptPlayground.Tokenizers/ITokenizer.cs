namespace GptPlayground.Tokenizers;

/// <summary>
/// Turns text into token ids and back, the way the model's Hugging Face tokenizer does.
/// Instances are immutable apart from an internal cache and are safe to share between threads.
/// Get one from <see cref="TokenizerLoader.Load(string)"/>.
/// </summary>
/// <example>
/// <code>
/// var tokenizer = TokenizerLoader.Load("models/gpt2");
/// int[] ids = tokenizer.Encode("Hello world");          // [15496, 995]
/// string text = tokenizer.Decode(ids);                    // "Hello world"
/// var stream = tokenizer.CreateStreamingDecoder();
/// foreach (var id in ids) Console.Write(stream.Append(id));
/// Console.Write(stream.Flush());
/// </code>
/// </example>
public interface ITokenizer
{
    /// <summary>Number of ids: the largest id in the vocabulary or the added tokens, plus one.
    /// Every id in <c>[0, VocabSize)</c> is accepted; an id no token uses decodes to nothing.</summary>
    int VocabSize { get; }

    /// <summary>BOS / EOS / PAD / UNK ids and whether <see cref="Encode"/> prepends BOS.</summary>
    SpecialTokenIds Special { get; }

    /// <summary>
    /// Encodes <paramref name="text"/>. Added and special tokens written literally in the text
    /// ("&lt;|endoftext|&gt;", "&lt;s&gt;") become single tokens, longest match first.
    /// </summary>
    /// <param name="text">Any string; an empty one gives no tokens (or only BOS).</param>
    /// <param name="addSpecialTokens">Prepend BOS when <see cref="SpecialTokenIds.AddBosToken"/> says so (default true).</param>
    /// <returns>A new array of token ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    int[] Encode(string text, bool addSpecialTokens = true);

    /// <summary>
    /// Decodes <paramref name="ids"/> to text. Byte sequences that are not valid UTF-8 (a sequence cut
    /// short, a stray byte) become U+FFFD. SentencePiece-style tokenizers drop the leading space that
    /// encoding added ("▁Hello" decodes to "Hello").
    /// </summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Leave out special tokens (BOS, EOS, ...) (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside <c>[0, VocabSize)</c>.</exception>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>The raw UTF-8 bytes one token stands for ("Ġthe" → <c>20 74 68 65</c>, "&lt;0xE2&gt;" → <c>E2</c>).
    /// A single token may hold part of a character. Special tokens give their text ("&lt;s&gt;").</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside <c>[0, VocabSize)</c>.</exception>
    ReadOnlySpan<byte> TokenBytes(int id);

    /// <summary>
    /// A human-readable form of one token for a token view: its bytes as text ("Ġthe" → " the",
    /// "&lt;0x0A&gt;" → "\n"), with bytes that are not a whole UTF-8 character written as <c>\xE2</c>;
    /// special tokens as their text ("&lt;|endoftext|&gt;"). Unlike <see cref="Decode"/> the leading space is kept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside <c>[0, VocabSize)</c>.</exception>
    string TokenToDisplay(int id);

    /// <summary>Whether <paramref name="id"/> is a special token (one that <c>skipSpecialTokens</c> leaves out).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside <c>[0, VocabSize)</c>.</exception>
    bool IsSpecialToken(int id);

    /// <summary>
    /// Starts decoding a stream of generated tokens one at a time. The concatenation of everything
    /// <see cref="StreamingDecoder.Append"/> and <see cref="StreamingDecoder.Flush"/> return equals
    /// <see cref="Decode"/> of all the ids, and no piece ever ends inside a character.
    /// </summary>
    /// <param name="skipSpecialTokens">Leave out special tokens (default false).</param>
    StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false);
}
