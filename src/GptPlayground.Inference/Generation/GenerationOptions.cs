using GptPlayground.Decoding;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// What a generation reports and engine knobs that are not decoding settings. The decoding strategy itself is the
/// <see cref="DecodingSettings"/> record given beside these options.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>The defaults: no alternatives reported, stop at end-of-sequence.</summary>
    public static readonly GenerationOptions Default = new();

    /// <summary>Alternatives to report per step, 0 to 20 (default 0): <see cref="GenerationStep.TopLogprobs"/> from the raw
    /// distribution and <see cref="GenerationStep.ProcessedTopLogprobs"/> from the one the token was drawn from.</summary>
    public int TopLogprobs { get; init; }

    /// <summary>Stop a sequence when it produces an end-of-sequence id (default true; the bench turns it off to time a fixed length).</summary>
    public bool StopAtEos { get; init; } = true;

    /// <summary>
    /// Resource limits on the request (beams, sequences, new tokens); <see cref="DecodingLimits.Default"/> when null, the
    /// server's. A program that knows its model is small may pass larger ones.
    /// </summary>
    public DecodingLimits? Limits { get; init; }

    /// <summary>Engine tests only: replaces the selector at the end of each sequence's chain (argument: the sequence's row).</summary>
    internal Func<int, ITokenSelector>? SelectorFor { get; init; }

    /// <summary>Throws for out-of-range values, naming the parameter, its value and the fix.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (TopLogprobs is < 0 or > 20)
            throw new ArgumentException($"top_logprobs (={TopLogprobs}) must be between 0 and 20");
    }
}

/// <summary>Why a sequence stopped.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-sequence token.</summary>
    Eos,
    /// <summary>max_new_tokens (<see cref="DecodingSettings.MaxNewTokens"/>) reached.</summary>
    Length,
    /// <summary>A stop string matched (decoding settings); the stop string is not part of the text.</summary>
    Stop,
    /// <summary>The model's context length is full.</summary>
    Context,
}

/// <summary>One generated token of one sequence.</summary>
/// <param name="Sequence">Index of the sequence in the request.</param>
/// <param name="Index">0-based position among the sequence's generated tokens.</param>
/// <param name="Token">Token id.</param>
/// <param name="Text">Text to append to the output: complete UTF-8 characters only (may be "" while a character is incomplete, or for special tokens).</param>
/// <param name="Logprob">Log-probability of the token under the model's raw distribution (log-softmax of the logits).</param>
/// <param name="TopLogprobs">The most probable alternatives under the raw distribution.</param>
/// <param name="Finish">Set on the sequence's last step.</param>
public sealed record GenerationStep(int Sequence, int Index, int Token, string Text, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs, FinishReason? Finish)
{
    /// <summary>Index of the prompt this sequence continues (differs from <see cref="Sequence"/> when num_return_sequences &gt; 1).</summary>
    public int Prompt { get; init; }

    /// <summary>
    /// Log-probability of the token under the distribution it was actually chosen from: the model's logits after
    /// every processor and filter of the decoding settings (for beam search, the log-softmax after the penalties).
    /// </summary>
    public float? ProcessedLogprob { get; init; }

    /// <summary>The most probable alternatives under that processed distribution; filtered tokens are absent, so there may be fewer than asked.</summary>
    public IReadOnlyList<TokenLogprob> ProcessedTopLogprobs { get; init; } = [];

    /// <summary>Beam search only, on a sequence's last step: its score (sum of processed log-probabilities / length^length_penalty).</summary>
    public double? Score { get; init; }
}

/// <summary>Timing of one generation, filled in while it runs.</summary>
public sealed class GenerationStats
{
    /// <summary>Wall time of the prompt pass (tokenized prompt to first logits).</summary>
    public TimeSpan Prefill { get; internal set; }
    /// <summary>Wall time of the decode steps after the prefill.</summary>
    public TimeSpan Decode { get; internal set; }
    /// <summary>Time inside ONNX Runtime's Run during the decode steps.</summary>
    public TimeSpan DecodeOrtRun { get; internal set; }
    /// <summary>Model steps after the prefill (each produces one token per unfinished sequence).</summary>
    public int DecodeSteps { get; internal set; }
    /// <summary>Tokens produced over all sequences.</summary>
    public int Tokens { get; internal set; }
    /// <summary>With a scheduler (<see cref="Serving.BatchScheduler"/>): time from submission, queueing included, to the first token.</summary>
    public TimeSpan? TimeToFirstToken { get; internal set; }

    /// <summary>Decode steps per second times the batch size: tokens per second over all sequences.</summary>
    public double DecodeTokensPerSecond(int batch) => Decode.TotalSeconds > 0 ? DecodeSteps * batch / Decode.TotalSeconds : 0;

    /// <summary>Share of decode wall time spent inside ONNX Runtime's Run.</summary>
    public double OrtRunShare => Decode.TotalSeconds > 0 ? DecodeOrtRun.TotalSeconds / Decode.TotalSeconds : 0;
}
