using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Generation;

/// <summary>What a row of a group does next: continue as a copy of row <see cref="Source"/> (of the group's rows) with <see cref="Token"/> fed.</summary>
internal readonly record struct RowStep(int Source, int Token);

/// <summary>Receives the steps of one or more <see cref="SequenceGroup"/>s and learns when each ends.</summary>
internal interface IStepSink
{
    /// <summary>A token was chosen (or, for beam search, a returned sequence's token is reported).</summary>
    void Step(GenerationStep step);

    /// <summary>A group ended: normally (<paramref name="error"/> null), cancelled (<see cref="OperationCanceledException"/>) or failed.</summary>
    void End(Exception? error);
}

/// <summary>
/// The rows of one request inside a <see cref="BatchDecoder"/>: what to prefill, and per step, given the logits of its
/// rows, which rows go on with which token. Sampling rows leave one by one as they finish; beam search keeps
/// num_beams rows and reorders them. A group decodes the same tokens whichever rows surround it in the batch.
/// </summary>
internal abstract class SequenceGroup(LanguageModel model, IStepSink sink, GenerationStats stats, CancellationToken cancellation)
{
    bool ended;

    /// <summary>The model the group runs on.</summary>
    public LanguageModel Model => model;

    /// <summary>Timings of the request, filled in by the decoder.</summary>
    public GenerationStats Stats => stats;

    /// <summary>Cancelling it makes the group leave the batch at the next step.</summary>
    public CancellationToken Cancellation => cancellation;

    /// <summary>Token ids of each row to prefill when the group joins.</summary>
    public abstract IReadOnlyList<int[]> Prompts { get; }

    /// <summary>Tokens a row can hold at most when the group ends (prompt + max_new_tokens, capped at the context): for admission budgets.</summary>
    public abstract int ProjectedLength { get; }

    /// <summary>Raised on the group's first reported step (time to first token).</summary>
    public Action? FirstStep { get; set; }

    /// <summary>
    /// Chooses the next tokens from the logits of the group's rows, <paramref name="offset"/> .. offset + rows - 1 of
    /// <paramref name="generator"/>, reports steps, and says which rows go on (an empty list: the group is done).
    /// </summary>
    public abstract IReadOnlyList<RowStep> Advance(Generator generator, int offset);

    /// <summary>Reports a step to the sink.</summary>
    protected void Emit(GenerationStep step)
    {
        if (stats.Tokens++ == 0) FirstStep?.Invoke();
        sink.Step(step);
    }

    /// <summary>Ends the group once (later calls are ignored): normally, or with the error that stopped it.</summary>
    public void End(Exception? error = null)
    {
        if (ended) return;
        ended = true;
        sink.End(error);
    }
}
