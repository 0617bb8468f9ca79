using System.Diagnostics;
using GptPlayground.Decoding;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Beam search with the semantics of transformers' <c>BeamSearchScorer</c> / <c>BeamHypotheses</c>
/// (num_beams, length_penalty, early_stopping, num_return_sequences; no beam sampling). See
/// Graves 2012, "Sequence Transduction with Recurrent Neural Networks", https://arxiv.org/abs/1211.3711 and
/// Wu et al. 2016 (length penalty), https://arxiv.org/abs/1609.08144.
/// </summary>
/// <remarks>
/// Per step and beam: log_softmax of the logits, then the penalty processors (repetition, no-repeat-ngram,
/// presence/frequency, min_new_tokens), plus the beam's running score. The best <c>2 * num_beams</c>
/// (<c>(1 + #eos) * num_beams</c> with several EOS ids) candidates of all beams are visited in order: an EOS
/// (or a token that completes a stop string) ranked within the first num_beams ends a hypothesis, scored
/// <c>sum_logprobs / generated_len^length_penalty</c> (the EOS counts in the length); other candidates become
/// the next beams until there are num_beams. The search ends when num_beams hypotheses exist and either
/// early_stopping is true or no running beam can beat the worst of them (transformers' heuristic:
/// <c>best_running_sum / cur_len^length_penalty</c>), or at max_new_tokens / the context length, where the
/// running beams join the hypotheses. The num_return_sequences best are returned, best first.
/// <para>
/// Execution: each prompt is searched on its own, its beams a batch of num_beams rows of one
/// <see cref="Generator"/>. When beams are reordered the KV cache rows are copied to their new places
/// (CPU caches); with a GPU cache every step recomputes the beams from scratch instead (correct, slower).
/// </para>
/// </remarks>
internal static class BeamSearch
{
    /// <summary>What one generated token of a beam reports; linked back to the previous token.</summary>
    sealed record Node(Node? Parent, int Token, float Logprob, IReadOnlyList<TokenLogprob> Top, float ProcessedLogprob, IReadOnlyList<TokenLogprob> ProcessedTop)
    {
        public List<Node> Path()
        {
            var list = new List<Node>();
            for (var n = this; n is not null; n = n.Parent) list.Add(n);
            list.Reverse();
            return list;
        }
    }

    sealed record Hypothesis(Node Last, double Score, FinishReason Finish);

    /// <summary>transformers' BeamHypotheses: the best num_beams finished sequences so far.</summary>
    sealed class Hypotheses(int numBeams, double lengthPenalty, bool earlyStopping)
    {
        public readonly List<Hypothesis> Beams = [];
        double worst = 1e9;

        public void Add(Node last, double sumLogprobs, int generatedLength, FinishReason finish)
        {
            double score = sumLogprobs / Math.Pow(generatedLength, lengthPenalty);
            if (Beams.Count < numBeams || score > worst)
            {
                Beams.Add(new Hypothesis(last, score, finish));
                if (Beams.Count > numBeams)
                {
                    var sorted = Beams.Select((h, i) => (h.Score, i)).OrderBy(x => x.Score).ThenBy(x => x.i).ToList();
                    Beams.RemoveAt(sorted[0].i);
                    worst = sorted[1].Score;
                }
                else worst = Math.Min(score, worst);
            }
        }

        public bool IsDone(double bestSumLogprobs, int generatedLength)
        {
            if (Beams.Count < numBeams) return false;
            if (earlyStopping) return true;
            return worst >= bestSumLogprobs / Math.Pow(generatedLength, lengthPenalty);
        }

        /// <summary>The best <paramref name="count"/>, best first (ties: the later-added first, as transformers' sorted().pop()).</summary>
        public IEnumerable<Hypothesis> Best(int count) => Beams.OrderBy(h => h.Score).Reverse().Take(count);
    }

    /// <summary>Searches every prompt in turn; yields the returned sequences' steps when a prompt's search ends.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prompts">Token ids per prompt.</param>
    /// <param name="s">Resolved, valid settings with num_beams &gt; 1.</param>
    /// <param name="topLogprobs">Alternatives per step.</param>
    /// <param name="stats">Timings.</param>
    /// <param name="cancellationToken">Checked every beam and step.</param>
    /// <param name="recompute">Recompute the beams every step even when the cache could be reordered (tests the GPU path on CPU).</param>
    public static IEnumerable<GenerationStep> Run(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings s, int topLogprobs,
        GenerationStats stats, CancellationToken cancellationToken, bool recompute = false)
    {
        int n = s.NumReturnSequences!.Value;
        for (int p = 0; p < prompts.Count; p++)
        {
            var found = Search(model, prompts[p], s, topLogprobs, stats, recompute, cancellationToken);
            int rank = 0;
            foreach (var hyp in found.Best(n))
            {
                foreach (var step in Steps(model, hyp, s.Stop ?? [], p * n + rank, p)) { stats.Tokens++; yield return step; }
                rank++;
            }
        }
    }

    static Hypotheses Search(LanguageModel model, int[] prompt, DecodingSettings s, int topLogprobs, GenerationStats stats, bool recompute, CancellationToken cancellationToken)
    {
        int beams = s.NumBeams!.Value, maxNew = s.MaxNewTokens!.Value, vocab = model.Layout.VocabSize;
        var eos = new HashSet<int>(model.EosTokenIds);
        var stops = s.Stop ?? [];
        var processors = SamplerChain.ProcessorsFor(s, model.EosTokenIds, includeWarpers: false);
        var display = TextGenerator.Display(model);
        var hyps = new Hypotheses(beams, s.LengthPenalty!.Value, s.EarlyStopping!.Value);
        int candidates = Math.Max(2, 1 + eos.Count) * beams;

        var generated = Enumerable.Range(0, beams).Select(_ => new List<int>()).ToArray();   // tokens per beam
        var history = new Node?[beams];
        var beamScores = new double[beams];
        for (int b = 1; b < beams; b++) beamScores[b] = -1e9;                            // all beams start equal: expand beam 0 only

        var generator = new Generator(model, beams);
        try
        {
            var clock = Stopwatch.StartNew();
            generator.AppendTokens(Enumerable.Repeat(prompt, beams).ToArray(), cancellationToken);
            stats.Prefill += clock.Elapsed;
            var total = new float[beams * vocab];                                       // [beams * vocab]: processed logprob + beam score
            var processedRows = new float[beams][];
            var rawRows = new float[beams][];
            for (int step = 0; ; step++)
            {
                // score every continuation of every beam
                for (int b = 0; b < beams; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var logits = generator.GetLogits(b);
                    float lse = Logprobs.LogSumExp(logits);
                    var raw = rawRows[b] = new float[vocab];
                    for (int v = 0; v < vocab; v++) raw[v] = logits[v] - lse;               // log_softmax
                    var processed = processedRows[b] = (float[])raw.Clone();
                    var state = new DecodingState([.. prompt, .. generated[b]], prompt.Length);
                    foreach (var proc in processors) proc.Process(processed, state);
                    for (int v = 0; v < vocab; v++) total[b * vocab + v] = (float)(processed[v] + beamScores[b]);
                }
                var best = Logprobs.TopIndices(total, candidates);

                var next = new List<(int Beam, int Token, double Score)>();
                foreach (var (c, rank) in best.Select((c, r) => (c, r)))
                {
                    int b = c / vocab, v = c % vocab;
                    double score = total[c];
                    bool isEos = eos.Contains(v);
                    bool isStop = !isEos && stops.Count > 0 && StopIndex(model, [.. generated[b], v], stops) >= 0;
                    if (isEos || isStop)
                    {
                        if (rank >= beams) continue;                                    // an end ranked below num_beams is not kept
                        hyps.Add(NodeFor(b, v), score, step + 1, isEos ? FinishReason.Eos : FinishReason.Stop);
                    }
                    else next.Add((b, v, score));
                    if (next.Count == beams) break;
                }
                while (next.Count < beams) next.Add((next.Count > 0 ? next[^1].Beam : 0, model.PadTokenId, -1e9)); // only when ends filled the candidates
                bool done = hyps.IsDone(total[best[0]], step + 1);
                if (done) break;

                var nodes = next.Select(x => NodeFor(x.Beam, x.Token)).ToArray();
                var tokens = next.Select(x => generated[x.Beam].Append(x.Token).ToList()).ToArray();
                int length = step + 1;
                bool full = length >= maxNew, context = model.ContextLength is int ctx && prompt.Length + length >= ctx;
                if (full || context)
                {
                    for (int b = 0; b < beams; b++) hyps.Add(nodes[b], next[b].Score, length, full ? FinishReason.Length : FinishReason.Context);
                    break;
                }

                // move to the chosen beams and feed their new tokens
                for (int b = 0; b < beams; b++) { generated[b] = tokens[b]; history[b] = nodes[b]; beamScores[b] = next[b].Score; }
                clock.Restart();
                if (generator.CanReorder && !recompute)
                {
                    generator.ReorderSequences(next.Select(x => x.Beam).ToArray());
                    generator.AppendTokens(next.Select(x => new[] { x.Token }).ToArray(), cancellationToken);
                }
                else
                {
                    generator.Dispose();
                    generator = new Generator(model, beams);
                    generator.AppendTokens(generated.Select(g => prompt.Concat(g).ToArray()).ToArray(), cancellationToken);
                }
                stats.Decode += clock.Elapsed;
                stats.DecodeSteps++;

            }
            return hyps;

            Node NodeFor(int b, int v)
            {
                var raw = rawRows[b];
                var processed = processedRows[b];
                var top = Logprobs.Top(raw, topLogprobs, 0, display);
                var processedTop = Logprobs.Top(processed, topLogprobs, 0, display).Where(t => float.IsFinite(t.Logprob)).ToArray();
                return new Node(history[b], v, raw[v], top, processed[v], processedTop);
            }
        }
        finally
        {
            generator.Dispose();
        }
    }

    /// <summary>Where the earliest stop string starts in the decoded generated text, or -1.</summary>
    static int StopIndex(LanguageModel model, IReadOnlyList<int> generated, IReadOnlyList<string> stops)
    {
        if (model.Tokenizer is not { } tokenizer) return -1;
        return StopMatcher.Earliest(tokenizer.Decode(generated.ToArray(), skipSpecialTokens: true), stops);
    }

    /// <summary>The steps of one returned hypothesis, with text streamed through the same stop matching as sampling.</summary>
    static IEnumerable<GenerationStep> Steps(LanguageModel model, Hypothesis hyp, IReadOnlyList<string> stops, int sequence, int prompt)
    {
        var decoder = model.Tokenizer?.CreateStreamingDecoder(skipSpecialTokens: true);
        var matcher = new StopMatcher(stops);
        var path = hyp.Last.Path();
        for (int i = 0; i < path.Count; i++)
        {
            var node = path[i];
            bool last = i == path.Count - 1;
            var (text, _) = matcher.Push(decoder?.Append(node.Token) ?? "");
            if (last) text += matcher.Push(decoder?.Flush() ?? "").Text + matcher.Flush();
            yield return new GenerationStep(sequence, i, node.Token, text, node.Logprob, node.Top, last ? hyp.Finish : null)
            {
                Prompt = prompt,
                ProcessedLogprob = node.ProcessedLogprob,
                ProcessedTopLogprobs = node.ProcessedTop,
                Score = last ? hyp.Score : null,
            };
        }
    }
}
