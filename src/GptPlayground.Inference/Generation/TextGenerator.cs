using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Inference.Models;
using GptPlayground.Tokenizers;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Generation on top of the <see cref="Generator"/> loop: prefill the prompts, then per step choose a
/// token per sequence, report it with its log-probabilities and text delta, and stop each sequence at
/// EOS, at <see cref="GenerationOptions.MaxNewTokens"/> or when the context is full.
/// </summary>
public static class TextGenerator
{
    /// <summary>
    /// Generates from one or more prompts (a batch; shorter prompts are left-padded), yielding each
    /// token as it is chosen. Runs on the calling thread; the cancellation token is checked every step
    /// and also aborts a running model pass.
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
        Check(model, prompts, options);
        return Run(model, prompts, options, chooserFor ?? (_ => GreedyChooser.Instance), stats ?? new GenerationStats(), cancellationToken);
    }

    static void Check(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        options.Validate();
        if (prompts.Count == 0) throw new ArgumentException("at least one prompt is needed");
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty: give at least one token");
            model.CheckTokenIds(prompts[i]);
            if (model.ContextLength is int context && prompts[i].Length >= context)
                throw new ModelException($"{model.Folder.Name}: the prompt has {prompts[i].Length} tokens and the model's context length is {context}: no room to generate; shorten the prompt");
        }
    }

    static IEnumerable<GenerationStep> Run(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser> chooserFor, GenerationStats stats, CancellationToken cancellationToken)
    {
        int batch = prompts.Count;
        var choosers = Enumerable.Range(0, batch).Select(chooserFor).ToArray();
        var decoders = Enumerable.Range(0, batch).Select(_ => model.Tokenizer?.CreateStreamingDecoder(skipSpecialTokens: true)).ToArray();
        var generated = new int[batch];
        var finished = new bool[batch];
        var next = Enumerable.Range(0, batch).Select(_ => new int[1]).ToArray();
        Func<int, string> display = model.Tokenizer is { } t ? t.TokenToDisplay : _ => "";
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
                var top = Logprobs.Top(logits, options.TopLogprobs, logSumExp, display);
                var step = Emit(b, token, logits[token] - logSumExp, top);
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
            var text = decoders[b]?.Append(token) ?? "";
            FinishReason? finish =
                options.StopAtEos && eos.Contains(token) ? FinishReason.Eos
                : generated[b] >= options.MaxNewTokens ? FinishReason.Length
                : model.ContextLength is int c && prompts[b].Length + generated[b] >= c ? FinishReason.Context
                : null;
            if (finish is not null)
            {
                finished[b] = true;
                text += decoders[b]?.Flush() ?? "";
            }
            return new GenerationStep(b, index, token, text, logprob, top, finish);
        }
    }

    /// <summary>
    /// <see cref="Generate"/> on a background thread, streamed: the caller's thread never runs the model.
    /// Stopping the enumeration early, or cancelling, stops the computation within one step.
    /// </summary>
    public static async IAsyncEnumerable<GenerationStep> GenerateAsync(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser>? chooserFor = null, GenerationStats? stats = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check(model, prompts, options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<GenerationStep>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var step in Generate(model, prompts, options, chooserFor, stats, stop.Token))
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

    /// <summary>Runs <see cref="Generate"/> to the end and collects each sequence.</summary>
    public static GenerationResult Complete(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options,
        Func<int, ITokenChooser>? chooserFor = null, CancellationToken cancellationToken = default)
    {
        var stats = new GenerationStats();
        var steps = Enumerable.Range(0, prompts.Count).Select(_ => new List<GenerationStep>()).ToArray();
        foreach (var step in Generate(model, prompts, options, chooserFor, stats, cancellationToken))
            steps[step.Sequence].Add(step);
        var sequences = steps.Select(s => new SequenceResult(
            s.Select(x => x.Token).ToArray(), string.Concat(s.Select(x => x.Text)), s[^1].Finish!.Value, s)).ToArray();
        return new GenerationResult(sequences, stats);
    }
}

/// <summary>One finished sequence.</summary>
/// <param name="Tokens">Generated token ids (an EOS that ended the sequence included).</param>
/// <param name="Text">Generated text (special tokens skipped).</param>
/// <param name="Finish">Why it stopped.</param>
/// <param name="Steps">Per-token details.</param>
public sealed record SequenceResult(int[] Tokens, string Text, FinishReason Finish, IReadOnlyList<GenerationStep> Steps);

/// <summary>All sequences of one request with timings.</summary>
public sealed record GenerationResult(IReadOnlyList<SequenceResult> Sequences, GenerationStats Stats);
