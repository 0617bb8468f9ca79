namespace GptPlayground.Decoding;

/// <summary>
/// The decoding chain of one sequence: processors in order, then exactly one selector. The chain is itself
/// a processor (apply every stage) and chooses a token (<see cref="Choose"/>: process, then select); the engine's decode
/// loop runs one chain per sequence.
/// </summary>
/// <remarks>
/// Order (<see cref="For"/>; the same as transformers' <c>_get_logits_processor</c> for the settings both have):
/// <list type="number">
/// <item>repetition_penalty (<see cref="RepetitionPenaltyProcessor"/>)</item>
/// <item>no_repeat_ngram_size (<see cref="NoRepeatNGramProcessor"/>)</item>
/// <item>presence_penalty, frequency_penalty (<see cref="PresenceFrequencyPenaltyProcessor"/>, OpenAI semantics)</item>
/// <item>min_new_tokens (<see cref="MinNewTokensProcessor"/>)</item>
/// <item>only when sampling: temperature, top_k, top_p, min_p, typical_p</item>
/// <item>selector: <see cref="GreedySelector"/> (do_sample=false) or <see cref="RandomSelector"/> (do_sample=true)</item>
/// </list>
/// The scores after the last processor are kept in <see cref="LastScores"/>: the distribution the token was drawn from.
/// </remarks>
public sealed class SamplerChain : ILogitsProcessor
{
    readonly ILogitsProcessor[] processors;
    readonly int promptLength;
    float[] last = [];

    /// <summary>A chain of <paramref name="processors"/> ending in <paramref name="selector"/>.</summary>
    /// <param name="processors">Applied in the given order.</param>
    /// <param name="selector">Picks the token.</param>
    /// <param name="promptLength">Prompt tokens at the start of every sequence passed to <see cref="Choose"/>.</param>
    public SamplerChain(IEnumerable<ILogitsProcessor> processors, ITokenSelector selector, int promptLength)
    {
        this.processors = processors.ToArray();
        Selector = selector;
        this.promptLength = promptLength;
    }

    /// <summary>The processors, in order.</summary>
    public IReadOnlyList<ILogitsProcessor> Processors => processors;

    /// <summary>The selector at the end.</summary>
    public ITokenSelector Selector { get; }

    /// <summary>Processed scores of the last <see cref="Choose"/> ([vocab]; filtered tokens -inf).</summary>
    public ReadOnlySpan<float> LastScores => last;

    /// <summary>
    /// The processors of <paramref name="settings"/> (resolved: see <see cref="DecodingSettings.Resolve"/>) in the
    /// documented order; the sampling warpers only when <c>do_sample</c> is true. No-op stages are left out.
    /// </summary>
    /// <param name="settings">Resolved settings.</param>
    /// <param name="eosTokenIds">The model's end-of-sequence ids (for min_new_tokens).</param>
    /// <param name="includeWarpers">Include temperature/top-k/top-p/min-p/typical-p (sampling).</param>
    public static List<ILogitsProcessor> ProcessorsFor(DecodingSettings settings, IReadOnlyList<int> eosTokenIds, bool includeWarpers)
    {
        var s = settings;
        var list = new List<ILogitsProcessor>();
        if (s.RepetitionPenalty is { } rp && rp != 1) list.Add(new RepetitionPenaltyProcessor((float)rp));
        if (s.NoRepeatNgramSize is > 0 and var n) list.Add(new NoRepeatNGramProcessor(n));
        if ((s.PresencePenalty ?? 0) != 0 || (s.FrequencyPenalty ?? 0) != 0)
            list.Add(new PresenceFrequencyPenaltyProcessor((float)(s.PresencePenalty ?? 0), (float)(s.FrequencyPenalty ?? 0)));
        if (s.MinNewTokens is > 0 and var min && eosTokenIds.Count > 0) list.Add(new MinNewTokensProcessor(min, eosTokenIds));
        if (!includeWarpers) return list;
        if (s.Temperature is { } t && t != 1) list.Add(new TemperatureProcessor((float)t));
        if (s.TopK is > 0 and var k) list.Add(new TopKProcessor(k));
        if (s.TopP is { } p && p < 1) list.Add(new TopPProcessor(p));
        if (s.MinP is { } mp && mp > 0) list.Add(new MinPProcessor(mp));
        if (s.TypicalP is { } tp && tp < 1) list.Add(new TypicalPProcessor(tp));
        return list;
    }

    /// <summary>
    /// The chain for one sequence: <see cref="ProcessorsFor"/> then the greedy selector, or with
    /// <c>do_sample</c> the warpers and a random draw from stream <paramref name="stream"/> of the settings' seed.
    /// </summary>
    /// <param name="settings">Resolved settings (a sampling chain needs a seed).</param>
    /// <param name="eosTokenIds">The model's end-of-sequence ids.</param>
    /// <param name="promptLength">Prompt tokens of the sequence.</param>
    /// <param name="stream">The sequence's index in the request: its independent random stream.</param>
    public static SamplerChain For(DecodingSettings settings, IReadOnlyList<int> eosTokenIds, int promptLength, int stream)
    {
        bool sample = settings.DoSample == true;
        ITokenSelector selector = sample
            ? new RandomSelector(Xoshiro256.ForStream(settings.Seed ?? throw new ArgumentException("sampling needs a seed: resolve the settings first"), stream))
            : GreedySelector.Instance;
        return new SamplerChain(ProcessorsFor(settings, eosTokenIds, sample), selector, promptLength);
    }

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        foreach (var p in processors) p.Process(scores, state);
    }

    /// <summary>Processes a copy of <paramref name="logits"/> (kept in <see cref="LastScores"/>) and selects the next token.</summary>
    /// <param name="logits">Raw logits, [vocab].</param>
    /// <param name="sequence">The sequence so far: prompt then generated tokens (no padding).</param>
    public int Choose(ReadOnlySpan<float> logits, IReadOnlyList<int> sequence)
    {
        if (last.Length != logits.Length) last = new float[logits.Length];
        logits.CopyTo(last);
        Process(last, new DecodingState(sequence, promptLength));
        return Selector.Select(last);
    }
}
