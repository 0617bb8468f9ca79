using System.Diagnostics;
using System.Runtime.InteropServices;
using GptPlayground.Inference.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// The decode loop: append tokens, read the next-token logits, append the chosen token, and so on;
/// rewind to drop tokens. One generator holds <see cref="BatchSize"/> sequences and their KV cache.
/// The prompt runs once (prefill); every later step feeds only the new token per sequence.
/// </summary>
/// <remarks>
/// Batches: the first <see cref="AppendTokens(IReadOnlyList{int[]}, CancellationToken)"/> may give prompts of different
/// lengths; shorter ones are left-padded (attention_mask 0, positions counted from each sequence's first
/// real token), so every sequence's next token is at the same cache index. Later appends add the same
/// number of tokens to every sequence (one per step while generating).
/// Not thread-safe: one generator per request. Many generators may share one <see cref="LanguageModel"/>.
/// <code>
/// using var g = new Generator(model);
/// g.AppendTokens(model.Encode("Hello"));
/// for (int i = 0; i &lt; 20; i++) g.AppendTokens([ArgMax(g.GetLogits())]);
/// </code>
/// </remarks>
public sealed class Generator : IDisposable
{
    readonly LanguageModel model;
    readonly DecoderLayout layout;
    readonly KvCache cache;
    readonly OrtIoBinding binding;
    readonly RunOptions runOptions = new();
    List<int>[] tokens;
    int[] padding;
    readonly IntegerTensor ids, mask, positions;
    float[] logits;                        // [batch, vocab]: next-token logits of the last step
    OrtValue stepLogits;                   // [batch, 1, vocab] host buffer bound for one-token steps
    readonly OrtValue useCacheTrue, useCacheFalse;
    readonly Stopwatch runTimer = new();
    float[]? allLogits;                    // set while a caller wants every position's logits (prompt scoring)
    bool hasLogits, disposed;

    /// <summary>Starts a decode loop for <paramref name="batchSize"/> sequences on <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public Generator(LanguageModel model, int batchSize = 1)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size (={batchSize}) must be >= 1");
        this.model = model;
        layout = model.Layout;
        BatchSize = batchSize;
        tokens = Enumerable.Range(0, batchSize).Select(_ => new List<int>()).ToArray();
        padding = new int[batchSize];
        ids = new IntegerTensor(layout.InputIdsType, batchSize * 64);
        mask = new IntegerTensor(layout.AttentionMaskType, batchSize * 256);
        positions = new IntegerTensor(layout.PositionIdsType, batchSize * 64);
        logits = new float[batchSize * layout.VocabSize];
        stepLogits = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.LogitsType, [batchSize, 1, layout.VocabSize]);
        useCacheTrue = OrtValue.CreateTensorValueFromMemory(new[] { true }, [1]);
        useCacheFalse = OrtValue.CreateTensorValueFromMemory(new[] { false }, [1]);
        cache = new KvCache(layout, batchSize);
        binding = model.Session.CreateIoBinding();
    }

    /// <summary>Number of sequences decoded together (changes when rows are rearranged or absorbed).</summary>
    public int BatchSize { get; private set; }

    /// <summary>Cache length: tokens per sequence including left padding.</summary>
    public int Length => cache.Length;

    /// <summary>The model this loop runs on.</summary>
    public LanguageModel Model => model;

    /// <summary>Time spent inside ONNX Runtime's Run so far (for the bench's ort_run_share).</summary>
    public TimeSpan OrtRunTime => runTimer.Elapsed;

    /// <summary>The real (unpadded) tokens of sequence <paramref name="sequence"/>, prompt and generated.</summary>
    public IReadOnlyList<int> Tokens(int sequence = 0) => tokens[sequence];

    /// <summary>Appends tokens to the single sequence of a batch-1 generator and runs the model on them.</summary>
    public void AppendTokens(ReadOnlySpan<int> newTokens, CancellationToken cancellationToken = default)
    {
        if (BatchSize != 1) throw new InvalidOperationException($"this generator holds {BatchSize} sequences; pass one token list per sequence");
        AppendTokens([newTokens.ToArray()], cancellationToken);
    }

    /// <summary>
    /// Appends tokens to every sequence and runs the model on them (a prefill when the cache is empty,
    /// one decode step when each list holds one token). The next-token logits are then in <see cref="GetLogits"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number of lists, empty lists, or unequal lengths after the first append.</exception>
    /// <exception cref="ModelException">A token id outside the model's vocabulary, or the context would overflow.</exception>
    /// <exception cref="OperationCanceledException">Cancelled, also in the middle of a long prefill.</exception>
    public void AppendTokens(IReadOnlyList<int[]> newTokens, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (newTokens.Count != BatchSize)
            throw new ArgumentException($"expected {BatchSize} token lists (one per sequence), got {newTokens.Count}", nameof(newTokens));
        int width = newTokens.Max(t => t.Length);
        if (newTokens.Any(t => t.Length == 0)) throw new ArgumentException("every sequence needs at least one token", nameof(newTokens));
        if (cache.Length > 0 && newTokens.Any(t => t.Length != width))
            throw new ArgumentException("after the first append every sequence must get the same number of tokens", nameof(newTokens));
        foreach (var t in newTokens) model.CheckTokenIds(t);
        if (model.ContextLength is int context && cache.Length - padding.Min() + width > context)
            throw new ModelException($"{model.Folder.Name}: {cache.Length - padding.Min() + width} tokens exceed the model's context length of {context}");
        cancellationToken.ThrowIfCancellationRequested();

        int past = cache.Length, total = past + width;
        if (past == 0)
            for (int b = 0; b < BatchSize; b++) padding[b] = width - newTokens[b].Length;

        // input_ids [batch, width], left-padded with the pad id on the first append
        ids.EnsureCapacity(BatchSize * width);
        positions.EnsureCapacity(BatchSize * width);
        for (int b = 0; b < BatchSize; b++)
        {
            int pad = width - newTokens[b].Length;
            for (int s = 0; s < width; s++)
            {
                int absolute = past + s;                                   // index in the cache
                ids.Set(b * width + s, s < pad ? model.PadTokenId : newTokens[b][s - pad]);
                positions.Set(b * width + s, Math.Max(0, absolute - padding[b])); // pads get 0; masked anyway
            }
        }
        // attention_mask [batch, past + width]: 0 on left padding, 1 elsewhere
        mask.EnsureCapacity(BatchSize * total);
        for (int b = 0; b < BatchSize; b++)
            for (int j = 0; j < total; j++)
                mask.Set(b * total + j, j < padding[b] ? 0 : 1);

        Run(width, total, cancellationToken);
        for (int b = 0; b < BatchSize; b++) tokens[b].AddRange(newTokens[b]);
    }

    void Run(int width, int total, CancellationToken cancellationToken)
    {
        using var idsValue = ids.View([BatchSize, width]);
        using var maskValue = layout.AttentionMask is null ? null : mask.View([BatchSize, total]);
        using var positionValue = layout.PositionIds is null ? null : positions.View([BatchSize, width]);
        binding.BindInput(layout.InputIds, idsValue);
        if (maskValue is not null) binding.BindInput(layout.AttentionMask!, maskValue);
        if (positionValue is not null) binding.BindInput(layout.PositionIds!, positionValue);
        if (layout.UseCacheBranch is not null) binding.BindInput(layout.UseCacheBranch, cache.Length > 0 ? useCacheTrue : useCacheFalse);
        for (int i = 0; i < layout.PastInputs.Count; i++) binding.BindInput(layout.PastInputs[i], cache.Past[i]);
        foreach (var present in layout.PresentOutputs) binding.BindOutputToDevice(present, model.CacheMemory);
        // one-token steps write logits straight into our buffer; a prefill's [batch, width, vocab] is allocated by ORT
        if (width == 1) binding.BindOutput(layout.Logits, stepLogits);
        else binding.BindOutputToDevice(layout.Logits, OrtMemoryInfo.DefaultInstance);

        hasLogits = false;
        using (cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions))
        {
            runTimer.Start();
            try { model.Session.RunWithBinding(runOptions, binding); }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested) { runOptions.Terminate = false; throw new OperationCanceledException(cancellationToken); }
            catch (OnnxRuntimeException e) { throw new ModelException($"{model.Folder.Name}: the model failed while running: {e.Message.Split('\n')[0]}", e); }
            finally { runTimer.Stop(); }
        }

        var names = binding.GetOutputNames();
        var values = binding.GetOutputValues().ToArray();   // we own each value now
        var presents = new OrtValue[layout.PresentOutputs.Count];
        try
        {
            for (int i = 0; i < names.Length; i++)
            {
                int k = IndexOf(layout.PresentOutputs, names[i]);
                if (k >= 0) { presents[k] = values[i]; values[i] = null!; }
                else if (names[i] == layout.Logits)
                {
                    if (allLogits is not null) CopyAllLogits(width == 1 ? stepLogits : values[i], width);
                    CopyLastLogits(width == 1 ? stepLogits : values[i], width);
                }
            }
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
        cache.Advance(presents, width);
        hasLogits = true;
    }

    /// <summary>Copies logits[:, width-1, :] to the float buffer, converting fp16.</summary>
    void CopyLastLogits(OrtValue value, int width)
    {
        int vocab = layout.VocabSize;
        var raw = value.GetTensorMutableRawData();
        for (int b = 0; b < BatchSize; b++)
        {
            long row = ((long)b * width + width - 1) * vocab;                 // [batch, width, vocab] -> last position
            var target = logits.AsSpan(b * vocab, vocab);
            if (layout.LogitsType == TensorElementType.Float)
                MemoryMarshal.Cast<byte, float>(raw).Slice((int)row, vocab).CopyTo(target);
            else
            {
                var halves = MemoryMarshal.Cast<byte, Half>(raw).Slice((int)row, vocab);
                for (int i = 0; i < vocab; i++) target[i] = (float)halves[i];
            }
        }
    }

    /// <summary>Copies logits[0, :, :] ([width, vocab]) of a batch-1 pass to <see cref="allLogits"/>, converting fp16.</summary>
    void CopyAllLogits(OrtValue value, int width)
    {
        int count = width * layout.VocabSize;
        allLogits = new float[count];
        var raw = value.GetTensorMutableRawData();
        if (layout.LogitsType == TensorElementType.Float) MemoryMarshal.Cast<byte, float>(raw)[..count].CopyTo(allLogits);
        else
        {
            var halves = MemoryMarshal.Cast<byte, Half>(raw)[..count];
            for (int i = 0; i < count; i++) allLogits[i] = (float)halves[i];
        }
    }

    /// <summary>
    /// Appends <paramref name="newTokens"/> to the single sequence of a batch-1 generator and returns the logits
    /// of every appended position, [tokens, vocab] row-major: row i predicts the token after <paramref name="newTokens"/>[i].
    /// One model pass (prompt scoring).
    /// </summary>
    internal float[] AppendTokensReadingAllLogits(ReadOnlySpan<int> newTokens, CancellationToken cancellationToken = default)
    {
        allLogits = [];
        try
        {
            AppendTokens(newTokens, cancellationToken);
            return allLogits;
        }
        finally
        {
            allLogits = null;
        }
    }

    static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    /// <summary>Raw next-token logits of a sequence after the last append ([vocab], float32).</summary>
    /// <exception cref="InvalidOperationException">Nothing was appended since creation or the last rewind.</exception>
    public ReadOnlySpan<float> GetLogits(int sequence = 0)
    {
        if (!hasLogits) throw new InvalidOperationException("no logits: append tokens first (after a rewind, append the next token again)");
        return logits.AsSpan(sequence * layout.VocabSize, layout.VocabSize);
    }

    /// <summary>Drops the last <paramref name="count"/> tokens of every sequence; append again to get logits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More tokens than a sequence holds.</exception>
    public void Rewind(int count)
    {
        int shortest = tokens.Min(t => t.Count);
        if (count < 0 || count > shortest)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"rewind count (={count}) must be between 0 and {shortest}, the tokens held");
        if (count == 0) return;
        bool allEmpty = tokens.All(t => t.Count == count);
        if (!allEmpty && count == shortest)
            throw new ArgumentOutOfRangeException(nameof(count), count, "rewinding would empty one sequence of a left-padded batch while others keep tokens");
        cache.Truncate(allEmpty ? 0 : cache.Length - count);
        foreach (var t in tokens) t.RemoveRange(t.Count - count, count);
        if (allEmpty) Array.Clear(padding);
        hasLogits = false;
    }

    /// <summary>True when <see cref="Rearrange"/> and <see cref="Absorb"/> can work in place (the KV cache is in CPU memory).</summary>
    internal bool CanRearrange => cache.OnCpu;

    /// <summary>
    /// Rebuilds the batch from its own rows: row r becomes a copy of row <paramref name="sources"/>[r], tokens and KV
    /// cache (beam search reorders this way; a finished sequence leaves by being left out; a prompt prefilled once
    /// becomes several rows). Left padding that no remaining row needs is dropped. Each row keeps the logits of its
    /// source row, if there were any. CPU caches only.
    /// </summary>
    /// <exception cref="ArgumentException">No rows, or a source out of range.</exception>
    internal void Rearrange(IReadOnlyList<int> sources)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (sources.Count == 0) throw new ArgumentException("keep at least one row", nameof(sources));
        foreach (var r in sources)
            if ((uint)r >= (uint)BatchSize) throw new ArgumentException($"source row {r} is outside the batch of {BatchSize}", nameof(sources));
        int drop = cache.Length == 0 ? 0 : sources.Min(r => padding[r]);
        cache.Rearrange(sources, drop);
        tokens = sources.Select(r => new List<int>(tokens[r])).ToArray();
        padding = sources.Select(r => padding[r] - drop).ToArray();
        var rowLogits = hasLogits ? sources.Select(r => logits.AsSpan(r * layout.VocabSize, layout.VocabSize).ToArray()).ToArray() : null;
        Resize(sources.Count, rowLogits);
    }

    /// <summary>
    /// Takes the rows of <paramref name="other"/> (a generator on the same model, e.g. a prompt just prefilled) into
    /// this batch, after this batch's rows. The shorter side is left-padded, so both keep their positions and masks.
    /// <paramref name="other"/> keeps its own copy and is still to be disposed. The rows keep their logits when both
    /// sides have them. CPU caches only.
    /// </summary>
    internal void Absorb(Generator other)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (other.model != model) throw new ArgumentException("both generators must run the same model", nameof(other));
        var (ours, theirs) = cache.Append(other.cache);
        var rowLogits = hasLogits && other.hasLogits ? [.. Rows(this), .. Rows(other)] : (float[][]?)null;
        tokens = [.. tokens, .. other.tokens.Select(t => new List<int>(t))];
        padding = [.. padding.Select(p => p + ours), .. other.padding.Select(p => p + theirs)];
        Resize(tokens.Length, rowLogits);

        static IEnumerable<float[]> Rows(Generator g) =>
            Enumerable.Range(0, g.BatchSize).Select(r => g.logits.AsSpan(r * g.layout.VocabSize, g.layout.VocabSize).ToArray());
    }

    /// <summary>Sizes the per-row buffers for <paramref name="rows"/> rows, holding <paramref name="rowLogits"/> (null: none until the next append).</summary>
    void Resize(int rows, float[][]? rowLogits)
    {
        if (rows != BatchSize)
        {
            BatchSize = rows;
            logits = new float[rows * layout.VocabSize];
            stepLogits.Dispose();
            stepLogits = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.LogitsType, [rows, 1, layout.VocabSize]);
        }
        hasLogits = rowLogits is not null;
        if (rowLogits is null) return;
        for (int r = 0; r < rows; r++) rowLogits[r].CopyTo(logits.AsSpan(r * layout.VocabSize));
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        cache.Dispose();
        binding.Dispose();
        runOptions.Dispose();
        stepLogits.Dispose();
        useCacheTrue.Dispose();
        useCacheFalse.Dispose();
    }
}
