using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Inference.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Tokenizers;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Generation on top of the <see cref="Generator"/> loop: prefill the prompts, then per step choose a
/// token per sequence, report it with its log-probabilities and text delta, and stop each sequence at
/// EOS, a stop string, max_new_tokens or when the context is full.
/// </summary>
/// <remarks>
/// The engine entry point is the <see cref="DecodingSettings"/> family:
/// <see cref="GenerateAsync(LanguageModel, IReadOnlyList{int[]}, DecodingSettings, int, GenerationStats?, CancellationToken)"/>
/// streams steps, <see cref="Complete(LanguageModel, IReadOnlyList{int[]}, DecodingSettings, int, CancellationToken)"/> collects them,
/// and <see cref="Generate(LanguageModel, IReadOnlyList{int[]}, DecodingSettings, int, GenerationStats?, CancellationToken)"/> runs on
/// the calling thread; all three funnel into one loop. The <see cref="GenerationOptions"/> overloads with a custom
/// <see cref="ITokenChooser"/> remain for engine tests and benchmarks.
/// <code>
/// var settings = new DecodingSettings { DoSample = true, Temperature = 0.7, TopP = 0.9, Seed = 42 }.Resolve(model.Config);
/// foreach (var warning in settings.Validate(model.ContextLength).Warnings) Console.Error.WriteLine(warning);
/// await foreach (var step in TextGenerator.GenerateAsync(model, [model.Encode("Once upon")], settings, topLogprobs: 5, cancellationToken: ct))
///     Console.Write(step.Text);
/// </code>
/// </remarks>
public static class TextGenerator
{
    /// <summary>
    /// Decodes <paramref name="prompts"/> with <paramref name="settings"/> on the calling thread, yielding each
    /// token as it is chosen (beam search yields its returned sequences when the search ends).
    /// </summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="prompts">Token ids per prompt; each non-empty. Prompts are decoded as one batch (shorter ones left-padded).</param>
    /// <param name="settings">Decoding settings; unset values come from the model's generation_config.json, else
    /// <see cref="DecodingSettings.Defaults"/> (greedy). Resolve them first (<see cref="DecodingSettings.Resolve"/>) to learn a fresh seed.</param>
    /// <param name="topLogprobs">Alternatives reported per step, 0 to 20: <see cref="GenerationStep.TopLogprobs"/> from the raw
    /// distribution and <see cref="GenerationStep.ProcessedTopLogprobs"/> from the one the token was drawn from.</param>
    /// <param name="stats">Filled with timings while generating, if given.</param>
    /// <param name="cancellationToken">Stops generation within one step, also in the middle of a model pass.</param>
    /// <returns>Steps of every sequence, interleaved. With num_return_sequences = n, prompt p's sequences are
    /// <c>p*n .. p*n+n-1</c> (<see cref="GenerationStep.Sequence"/>), <see cref="GenerationStep.Prompt"/> = p.</returns>
    /// <exception cref="ArgumentException">Invalid settings (every error of <see cref="DecodingSettings.Validate"/>, joined), top_logprobs out of range, or an empty prompt.</exception>
    /// <exception cref="ModelException">Token ids out of range, or a prompt that fills the context.</exception>
    public static IEnumerable<GenerationStep> Generate(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        int topLogprobs = 0, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        var resolved = Prepare(model, prompts, settings, topLogprobs);
        return Decode(model, prompts, resolved, topLogprobs, stats ?? new GenerationStats(), cancellationToken);
    }

    /// <summary>
    /// <see cref="Generate(LanguageModel, IReadOnlyList{int[]}, DecodingSettings, int, GenerationStats?, CancellationToken)"/>
    /// on a background thread, streamed: the caller's thread never runs the model. Stopping the enumeration
    /// early, or cancelling, stops the computation within one step. Settings errors throw before the first step.
    /// </summary>
    public static IAsyncEnumerable<GenerationStep> GenerateAsync(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        int topLogprobs = 0, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        var resolved = Prepare(model, prompts, settings, topLogprobs);
        stats ??= new GenerationStats();
        return Stream(token => Decode(model, prompts, resolved, topLogprobs, stats, token), cancellationToken);
    }

    /// <summary>Decodes to the end and collects every sequence, with beam scores, the resolved settings and their warnings.</summary>
    /// <inheritdoc cref="Generate(LanguageModel, IReadOnlyList{int[]}, DecodingSettings, int, GenerationStats?, CancellationToken)"/>
    public static GenerationResult Complete(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        int topLogprobs = 0, CancellationToken cancellationToken = default)
    {
        var resolved = Prepare(model, prompts, settings, topLogprobs);
        var stats = new GenerationStats();
        var result = Collect(Decode(model, prompts, resolved, topLogprobs, stats, cancellationToken), prompts.Count * resolved.NumReturnSequences!.Value, stats);
        return result with { Settings = resolved, Warnings = resolved.Validate(model.ContextLength, prompts.Max(p => p.Length)).Warnings };
    }

    static DecodingSettings Prepare(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings, int topLogprobs)
    {
        new GenerationOptions { TopLogprobs = topLogprobs }.Validate();
        CheckPrompts(model, prompts);
        var resolved = settings.Resolve(model.Config);
        resolved.Validate(model.ContextLength, prompts.Max(p => p.Length)).ThrowIfInvalid();
        return resolved;
    }

    static IEnumerable<GenerationStep> Decode(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings s, int topLogprobs,
        GenerationStats stats, CancellationToken cancellationToken)
    {
        int n = s.NumReturnSequences!.Value;
        if (s.Mode == DecodingMode.Beam)
            return BeamSearch.Run(model, prompts, s, topLogprobs, stats, cancellationToken);
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, n)).ToArray();
        var promptOf = Enumerable.Range(0, rows.Length).Select(r => r / n).ToArray();
        var choosers = rows.Select((row, r) => (ITokenChooser)SamplerChain.For(s, model.EosTokenIds, row.Length, stream: r)).ToArray();
        return Run(model, new RunPlan(rows, promptOf, choosers, s.MaxNewTokens!.Value, topLogprobs, StopAtEos: true, s.Stop ?? []), stats, cancellationToken);
    }

    /// <summary>
    /// Generates from one or more prompts (a batch; shorter prompts are left-padded) with a custom chooser per
    /// sequence, yielding each token as it is chosen. Runs on the calling thread; the cancellation token is
    /// checked every step and also aborts a running model pass.
    /// </summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="prompts">Token ids per sequence; each non-empty.</param>
    /// <param name="options">Length and reporting options.</param>
    /// <param name="chooserFor">The token chooser of each sequence (default greedy).</param>
    /// <param name="stats">Filled with timings while generating, if given.</param>
    /// <param name="cancellationToken">Stops generation within one step.</param>
    /// <exception cref="ArgumentException">Invalid options or an empty prompt.</exception>
    /// <exception cref="ModelException">Token ids out of range, or a prompt that fills the context.</exception>
    public static IEnumerable<GenerationStep> Generate(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser>? chooserFor = null, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        CheckPrompts(model, prompts);
        return Run(model, Plan(prompts, options, chooserFor), stats ?? new GenerationStats(), cancellationToken);
    }

    static RunPlan Plan(IReadOnlyList<int[]> prompts, GenerationOptions options, Func<int, ITokenChooser>? chooserFor) =>
        new(prompts, Enumerable.Range(0, prompts.Count).ToArray(),
            Enumerable.Range(0, prompts.Count).Select(chooserFor ?? (_ => GreedyChooser.Instance)).ToArray(),
            options.MaxNewTokens, options.TopLogprobs, options.StopAtEos, []);

    static void CheckPrompts(LanguageModel model, IReadOnlyList<int[]> prompts)
    {
        if (prompts.Count == 0) throw new ArgumentException("at least one prompt is needed");
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty: give at least one token");
            model.CheckTokenIds(prompts[i]);
            if (model.ContextLength is int context && prompts[i].Length >= context)
                throw new ModelException($"{model.Folder.Name}: the prompt has {prompts[i].Length} tokens and the model's context length is {context}: no room to generate; shorten the prompt");
        }
    }

    // What one run of the decode loop needs, whichever public overload built it: the batch rows (a prompt repeated
    // num_return_sequences times), the request prompt index of each row, a chooser per row (a SamplerChain also
    // reports processed logprobs), and the stopping rules.
    internal sealed record RunPlan(IReadOnlyList<int[]> Rows, int[] PromptOf, ITokenChooser[] Choosers, int MaxNewTokens, int TopLogprobs,
        bool StopAtEos, IReadOnlyList<string> Stop);

    static IEnumerable<GenerationStep> Run(LanguageModel model, RunPlan plan, GenerationStats stats, CancellationToken cancellationToken)
    {
        var prompts = plan.Rows;
        int batch = prompts.Count;
        var choosers = plan.Choosers;
        var decoders = Enumerable.Range(0, batch).Select(_ => model.Tokenizer?.CreateStreamingDecoder(skipSpecialTokens: true)).ToArray();
        var stops = Enumerable.Range(0, batch).Select(_ => new StopMatcher(plan.Stop)).ToArray();
        var generated = new int[batch];
        var finished = new bool[batch];
        var next = Enumerable.Range(0, batch).Select(_ => new int[1]).ToArray();
        Func<int, string> display = Display(model);
        var eos = new HashSet<int>(model.EosTokenIds);

        using var generator = model.CreateGenerator(batch);
        var clock = Stopwatch.StartNew();
        generator.AppendTokens(prompts, cancellationToken);
        stats.Prefill = clock.Elapsed;
        var decodeClock = new Stopwatch();
        var ortAtPrefill = generator.OrtRunTime;

        while (true)
        {
            for (int b = 0; b < batch; b++)
            {
                if (finished[b]) { next[b][0] = model.PadTokenId; continue; }
                cancellationToken.ThrowIfCancellationRequested();
                decodeClock.Start();
                var logits = generator.GetLogits(b);
                int token = choosers[b].Choose(logits, generator.Tokens(b));
                float logSumExp = Logprobs.LogSumExp(logits);
                var top = Logprobs.Top(logits, plan.TopLogprobs, logSumExp, display);
                var step = Emit(b, token, logits[token] - logSumExp, top);
                if (choosers[b] is SamplerChain chain)
                {
                    var processed = Logprobs.Processed(chain.LastScores, token, plan.TopLogprobs, display);
                    step = step with { ProcessedLogprob = processed.Logprob, ProcessedTopLogprobs = processed.Top };
                }
                decodeClock.Stop();
                next[b][0] = token;
                yield return step;
            }
            if (finished.All(f => f)) break;
            cancellationToken.ThrowIfCancellationRequested();
            decodeClock.Start();
            generator.AppendTokens(next, cancellationToken);
            decodeClock.Stop();
            stats.DecodeSteps++;
            stats.Decode = decodeClock.Elapsed;
            stats.DecodeOrtRun = generator.OrtRunTime - ortAtPrefill;
        }
        stats.Decode = decodeClock.Elapsed;

        GenerationStep Emit(int b, int token, float logprob, IReadOnlyList<TokenLogprob> top)
        {
            int index = generated[b]++;
            stats.Tokens++;
            var (text, stopped) = stops[b].Push(decoders[b]?.Append(token) ?? "");
            FinishReason? finish =
                stopped ? FinishReason.Stop
                : plan.StopAtEos && eos.Contains(token) ? FinishReason.Eos
                : generated[b] >= plan.MaxNewTokens ? FinishReason.Length
                : model.ContextLength is int c && prompts[b].Length + generated[b] >= c ? FinishReason.Context
                : null;
            if (finish is not null)
            {
                finished[b] = true;
                if (!stopped) text += stops[b].Push(decoders[b]?.Flush() ?? "").Text + stops[b].Flush();
            }
            return new GenerationStep(b, index, token, text, logprob, top, finish) { Prompt = plan.PromptOf[b] };
        }
    }

    internal static Func<int, string> Display(LanguageModel model) => model.Tokenizer is { } t ? t.TokenToDisplay : _ => "";

    /// <summary>
    /// The <see cref="GenerationOptions"/> overload of <see cref="Generate(LanguageModel, IReadOnlyList{int[]}, GenerationOptions, Func{int, ITokenChooser}?, GenerationStats?, CancellationToken)"/>
    /// on a background thread, streamed: the caller's thread never runs the model.
    /// Stopping the enumeration early, or cancelling, stops the computation within one step.
    /// </summary>
    public static IAsyncEnumerable<GenerationStep> GenerateAsync(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser>? chooserFor = null, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        CheckPrompts(model, prompts);
        stats ??= new GenerationStats();
        return Stream(token => Run(model, Plan(prompts, options, chooserFor), stats, token), cancellationToken);
    }

    /// <summary>Runs a step producer on a background thread and streams its steps through a bounded channel.</summary>
    static async IAsyncEnumerable<GenerationStep> Stream(Func<CancellationToken, IEnumerable<GenerationStep>> produce,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<GenerationStep>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var step in produce(stop.Token))
                    while (!channel.Writer.TryWrite(step))
                        channel.Writer.WaitToWriteAsync(stop.Token).AsTask().GetAwaiter().GetResult();
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var step in channel.Reader.ReadAllAsync(cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();   // steps computed before the cancel are dropped
                yield return step;
            }
        }
        finally
        {
            stop.Cancel();
            try { await producer; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Runs <see cref="Generate(LanguageModel, IReadOnlyList{int[]}, GenerationOptions, Func{int, ITokenChooser}?, GenerationStats?, CancellationToken)"/> to the end and collects each sequence.</summary>
    public static GenerationResult Complete(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser>? chooserFor = null, CancellationToken cancellationToken = default)
    {
        var stats = new GenerationStats();
        return Collect(Generate(model, prompts, options, chooserFor, stats, cancellationToken), prompts.Count, stats);
    }

    static GenerationResult Collect(IEnumerable<GenerationStep> steps, int sequences, GenerationStats stats)
    {
        var lists = Enumerable.Range(0, sequences).Select(_ => new List<GenerationStep>()).ToArray();
        foreach (var step in steps) lists[step.Sequence].Add(step);
        var results = lists.Select(s => new SequenceResult(
            s.Select(x => x.Token).ToArray(), string.Concat(s.Select(x => x.Text)), s[^1].Finish!.Value, s)
            { Prompt = s[^1].Prompt, Score = s[^1].Score }).ToArray();
        return new GenerationResult(results, stats);
    }
}

/// <summary>One finished sequence.</summary>
/// <param name="Tokens">Generated token ids (an EOS that ended the sequence included).</param>
/// <param name="Text">Generated text (special tokens skipped).</param>
/// <param name="Finish">Why it stopped.</param>
/// <param name="Steps">Per-token details.</param>
public sealed record SequenceResult(int[] Tokens, string Text, FinishReason Finish, IReadOnlyList<GenerationStep> Steps)
{
    /// <summary>Index of the prompt this sequence continues.</summary>
    public int Prompt { get; init; }
    /// <summary>Beam search only: the sequence's score, sum of processed log-probabilities / length^length_penalty.</summary>
    public double? Score { get; init; }
}

/// <summary>All sequences of one request with timings.</summary>
public sealed record GenerationResult(IReadOnlyList<SequenceResult> Sequences, GenerationStats Stats)
{
    /// <summary>The settings as resolved and run (seed included); null for the <see cref="GenerationOptions"/> overloads.</summary>
    public DecodingSettings? Settings { get; init; }
    /// <summary>Warnings of <see cref="DecodingSettings.Validate"/> (settings the mode ignored).</summary>
    public IReadOnlyList<DecodingIssue> Warnings { get; init; } = [];
}
