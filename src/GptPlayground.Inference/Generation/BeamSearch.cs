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
/// Execution: each prompt's search is a <see cref="Group"/> of num_beams rows in a <see cref="BatchDecoder"/>, beside
/// whatever else shares the batch. When beams are reordered the KV cache rows are copied to their new places
/// (CPU caches); with a GPU cache the batch is rebuilt from the tokens instead (correct, slower).
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

    /// <summary>Searches every prompt (all in one batch); yields each prompt's returned sequences' steps when its search ends.</summary>
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
        var sink = new CollectingSink();
        var groups = prompts.Select((prompt, p) => new Group(model, prompt, p, s, topLogprobs, sink, stats, cancellationToken)).ToArray();
        return TextGenerator.Drive(model, groups, sink, recompute, cancellationToken);
    }

    /// <summary>
    /// One prompt's search as a group of num_beams rows of a <see cref="BatchDecoder"/>: per step it scores every
    /// continuation of every beam, keeps the best num_beams as the next beams (rows reordered as copies of their
    /// parents), and ends when the hypotheses are done, reporting the num_return_sequences best.
    /// </summary>
    internal sealed class Group : SequenceGroup
    {
        readonly int[] prompt;
        readonly int promptIndex, beams, maxNew, vocab, candidates, returned, topLogprobs;
        readonly HashSet<int> eos;
        readonly IReadOnlyList<string> stops;
        readonly List<ILogitsProcessor> processors;
        readonly Func<int, string> display;
        readonly Hypotheses hyps;
        readonly List<int>[] generated;    // tokens per beam
        readonly Node?[] history;
        readonly double[] beamScores;
        readonly float[] total;            // [beams * vocab]: processed logprob + beam score
        readonly float[][] processedRows, rawRows;
        int step;

        public Group(LanguageModel model, int[] prompt, int promptIndex, DecodingSettings s, int topLogprobs, IStepSink sink,
            GenerationStats stats, CancellationToken cancellation) : base(model, sink, stats, cancellation)
        {
            this.prompt = prompt;
            this.promptIndex = promptIndex;
            this.topLogprobs = topLogprobs;
            beams = s.NumBeams!.Value;
            maxNew = s.MaxNewTokens!.Value;
            returned = s.NumReturnSequences!.Value;
            vocab = model.Layout.VocabSize;
            eos = [.. model.EosTokenIds];
            stops = s.Stop ?? [];
            processors = SamplerChain.ProcessorsFor(s, model.EosTokenIds, includeWarpers: false);
            display = TextGenerator.Display(model);
            hyps = new Hypotheses(beams, s.LengthPenalty!.Value, s.EarlyStopping!.Value);
            candidates = Math.Max(2, 1 + eos.Count) * beams;
            generated = Enumerable.Range(0, beams).Select(_ => new List<int>()).ToArray();
            history = new Node?[beams];
            beamScores = new double[beams];
            for (int b = 1; b < beams; b++) beamScores[b] = -1e9;                        // all beams start equal: expand beam 0 only
            total = new float[beams * vocab];
            processedRows = new float[beams][];
            rawRows = new float[beams][];
            Prompts = Enumerable.Repeat(prompt, beams).ToArray();
        }

        public override IReadOnlyList<int[]> Prompts { get; }

        public override int ProjectedLength => Math.Min(prompt.Length + maxNew, Model.ContextLength ?? int.MaxValue);

        public override IReadOnlyList<RowStep> Advance(Generator generator, int offset)
        {
            // score every continuation of every beam
            for (int b = 0; b < beams; b++)
            {
                Cancellation.ThrowIfCancellationRequested();
                var logits = generator.GetLogits(offset + b);
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
                bool isStop = !isEos && stops.Count > 0 && StopIndex(Model, [.. generated[b], v], stops) >= 0;
                if (isEos || isStop)
                {
                    if (rank >= beams) continue;                                        // an end ranked below num_beams is not kept
                    hyps.Add(NodeFor(b, v), score, step + 1, isEos ? FinishReason.Eos : FinishReason.Stop);
                }
                else next.Add((b, v, score));
                if (next.Count == beams) break;
            }
            while (next.Count < beams) next.Add((next.Count > 0 ? next[^1].Beam : 0, Model.PadTokenId, -1e9)); // only when ends filled the candidates
            if (hyps.IsDone(total[best[0]], step + 1)) return Finish();

            var nodes = next.Select(x => NodeFor(x.Beam, x.Token)).ToArray();
            var tokens = next.Select(x => generated[x.Beam].Append(x.Token).ToList()).ToArray();
            int length = step + 1;
            bool full = length >= maxNew, context = Model.ContextLength is int ctx && prompt.Length + length >= ctx;
            if (full || context)
            {
                for (int b = 0; b < beams; b++) hyps.Add(nodes[b], next[b].Score, length, full ? FinishReason.Length : FinishReason.Context);
                return Finish();
            }

            // move to the chosen beams; the decoder copies their rows and feeds their new tokens
            for (int b = 0; b < beams; b++) { generated[b] = tokens[b]; history[b] = nodes[b]; beamScores[b] = next[b].Score; }
            step++;
            return next.Select(x => new RowStep(x.Beam, x.Token)).ToArray();
        }

        /// <summary>Reports the best num_return_sequences hypotheses, best first; the group is done.</summary>
        RowStep[] Finish()
        {
            int rank = 0;
            foreach (var hyp in hyps.Best(returned))
            {
                foreach (var s in Steps(Model, hyp, stops, promptIndex * returned + rank, promptIndex)) Emit(s);
                rank++;
            }
            return [];
        }

        Node NodeFor(int b, int v)
        {
            var raw = rawRows[b];
            var processed = processedRows[b];
            var top = Logprobs.Top(raw, topLogprobs, 0, display);
            var processedTop = Logprobs.Top(processed, topLogprobs, 0, display).Where(t => float.IsFinite(t.Logprob)).ToArray();
            return new Node(history[b], v, raw[v], top, processed[v], processedTop);
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
