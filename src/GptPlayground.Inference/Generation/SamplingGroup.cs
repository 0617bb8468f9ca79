using GptPlayground.Decoding;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Greedy or sampled sequences of one request: a row per sequence (a prompt repeated num_return_sequences times),
/// each with its own decoding chain (and random stream), streaming text decoder and stop-string matcher. A row
/// stops at EOS, a stop string, max_new_tokens or the context length, and then leaves the batch.
/// </summary>
internal sealed class SamplingGroup : SequenceGroup
{
    readonly int[][] rows;
    readonly int[] promptOf;
    readonly SamplerChain[] chains;
    readonly Tokenizers.StreamingDecoder?[] decoders;
    readonly StopMatcher[] stops;
    readonly List<int>[] history;          // prompt + generated tokens of each sequence
    readonly int[] generated;
    readonly int maxNewTokens, topLogprobs;
    readonly bool stopAtEos;
    readonly HashSet<int> eos;
    readonly Func<int, string> display;
    List<int> live;                        // sequence of each current row, in row order

    /// <param name="model">The model.</param>
    /// <param name="rows">The prompt of each sequence.</param>
    /// <param name="promptOf">The request's prompt index of each sequence.</param>
    /// <param name="chains">The decoding chain of each sequence.</param>
    /// <param name="maxNewTokens">Tokens each sequence may generate.</param>
    /// <param name="topLogprobs">Alternatives reported per step.</param>
    /// <param name="stopAtEos">Whether an end-of-sequence id ends a sequence.</param>
    /// <param name="stop">Stop strings.</param>
    /// <param name="sink">Where steps go.</param>
    /// <param name="stats">The request's timings.</param>
    /// <param name="cancellation">Leaves the batch when cancelled.</param>
    public SamplingGroup(LanguageModel model, int[][] rows, int[] promptOf, SamplerChain[] chains, int maxNewTokens, int topLogprobs,
        bool stopAtEos, IReadOnlyList<string> stop, IStepSink sink, GenerationStats stats, CancellationToken cancellation)
        : base(model, sink, stats, cancellation)
    {
        this.rows = rows;
        this.promptOf = promptOf;
        this.chains = chains;
        this.maxNewTokens = maxNewTokens;
        this.topLogprobs = topLogprobs;
        this.stopAtEos = stopAtEos;
        decoders = rows.Select(_ => model.Tokenizer?.CreateStreamingDecoder(skipSpecialTokens: true)).ToArray();
        stops = rows.Select(_ => new StopMatcher(stop)).ToArray();
        history = rows.Select(r => new List<int>(r)).ToArray();
        generated = new int[rows.Length];
        eos = [.. model.EosTokenIds];
        display = TextGenerator.Display(model);
        live = Enumerable.Range(0, rows.Length).ToList();
    }

    public override IReadOnlyList<int[]> Prompts => rows;

    public override int ProjectedLength =>
        Math.Min(rows.Max(r => r.Length) + maxNewTokens, Model.ContextLength ?? int.MaxValue);

    public override IReadOnlyList<RowStep> Advance(Generator generator, int offset)
    {
        var next = new List<RowStep>(live.Count);
        var stillLive = new List<int>(live.Count);
        for (int r = 0; r < live.Count; r++)
        {
            int s = live[r];
            var logits = generator.GetLogits(offset + r);
            int token = chains[s].Choose(logits, history[s]);
            float logSumExp = Logprobs.LogSumExp(logits);
            var top = Logprobs.Top(logits, topLogprobs, logSumExp, display);
            var processed = Logprobs.Processed(chains[s].LastScores, token, topLogprobs, display);
            history[s].Add(token);
            var (text, finish) = Finish(s, token);
            Emit(new GenerationStep(s, generated[s] - 1, token, text, logits[token] - logSumExp, top, finish)
            {
                Prompt = promptOf[s],
                ProcessedLogprob = processed.Logprob,
                ProcessedTopLogprobs = processed.Top,
            });
            if (finish is null) { next.Add(new RowStep(r, token)); stillLive.Add(s); }
        }
        live = stillLive;
        return next;
    }

    /// <summary>Counts the token, releases its text through the stop matcher, and says whether the sequence ends here.</summary>
    (string Text, FinishReason? Finish) Finish(int s, int token)
    {
        generated[s]++;
        var (text, stopped) = stops[s].Push(decoders[s]?.Append(token) ?? "");
        FinishReason? finish =
            stopped ? FinishReason.Stop
            : stopAtEos && eos.Contains(token) ? FinishReason.Eos
            : generated[s] >= maxNewTokens ? FinishReason.Length
            : Model.ContextLength is int c && rows[s].Length + generated[s] >= c ? FinishReason.Context
            : null;
        if (finish is not null && !stopped) text += stops[s].Push(decoders[s]?.Flush() ?? "").Text + stops[s].Flush();
        return (text, finish);
    }
}
