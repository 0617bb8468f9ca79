namespace GptPlayground.Decoding;

/// <summary>
/// One step of the decoding chain, with the semantics of a Hugging Face transformers <c>LogitsProcessor</c>:
/// scores in, scores out. A processor rewrites the next-token scores of one sequence in place; a token it
/// filters out gets <see cref="float.NegativeInfinity"/> (probability 0).
/// </summary>
/// <remarks>
/// Processors are stateless: everything they need (the tokens so far, how many were generated) is in the
/// <see cref="DecodingState"/>, so one instance serves every sequence and beam and nothing needs resetting
/// or cloning when beams are reordered. The order of the chain is documented on <see cref="SamplerChain"/>.
/// </remarks>
public interface ILogitsProcessor
{
    /// <summary>Rewrites <paramref name="scores"/> ([vocab]) in place.</summary>
    /// <param name="scores">Logits or log-probabilities of the next token; filtered tokens become -inf.</param>
    /// <param name="state">The sequence being decoded.</param>
    void Process(Span<float> scores, DecodingState state);
}

/// <summary>
/// The last stage of a chain: picks one token from the processed scores.
/// </summary>
public interface ITokenSelector
{
    /// <summary>The chosen token id.</summary>
    /// <param name="scores">Processed scores ([vocab]); -inf tokens are never chosen.</param>
    int Select(ReadOnlySpan<float> scores);
}

/// <summary>What a processor may look at: the tokens of one sequence so far (prompt then generated, no padding).</summary>
/// <param name="Tokens">Prompt tokens followed by the generated ones.</param>
/// <param name="PromptLength">How many of <paramref name="Tokens"/> are the prompt.</param>
public readonly record struct DecodingState(IReadOnlyList<int> Tokens, int PromptLength)
{
    /// <summary>Tokens generated so far.</summary>
    public int Generated => Tokens.Count - PromptLength;
}
