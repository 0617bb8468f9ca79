namespace GptPlayground.Tokenizers;

/// <summary>
/// The ids of a tokenizer's special tokens and whether <see cref="ITokenizer.Encode"/> prepends BOS.
/// </summary>
/// <param name="Bos">Beginning-of-sequence id, or null when the model has none.</param>
/// <param name="Eos">End-of-sequence ids; generation stops at any of them. Empty when none is known;
/// several for models with more than one end token (e.g. Llama 3's <c>[128001, 128008, 128009]</c>).</param>
/// <param name="Pad">Padding id, or null when none is configured.</param>
/// <param name="Unk">Unknown-token id, or null when the vocabulary has none (byte-level vocabularies need none).</param>
/// <param name="AddBosToken">Whether <see cref="ITokenizer.Encode"/> prepends <paramref name="Bos"/> when asked to
/// add special tokens (Llama: true; GPT-2: false). Has no effect while <paramref name="Bos"/> is null.</param>
/// <remarks>
/// <see cref="TokenizerLoader"/> fills this from the model folder; per field the first source that has a value wins:
/// <c>generation_config.json</c>, <c>config.json</c>, <c>genai_config.json</c> (ids), then the token names in
/// <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c>, then <c>tokenizer.json</c>'s post-processor (BOS only).
/// </remarks>
public sealed record SpecialTokenIds(int? Bos, IReadOnlyList<int> Eos, int? Pad, int? Unk, bool AddBosToken)
{
    /// <summary>No special tokens at all; BOS is not added.</summary>
    public static SpecialTokenIds None { get; } = new(null, [], null, null, false);
}
