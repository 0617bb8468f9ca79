namespace GptPlayground.Decoding;

/// <summary>
/// Resource limits on one request's decoding, checked by <see cref="DecodingSettings.Validate"/> wherever settings come
/// from (CLI flags, the UI, notebooks, a model's generation_config.json). Every beam and every returned sequence is a row
/// of the batch with its own KV cache: 20,000 beams took 4.6 GB and 80 s before anything could be cancelled. The defaults
/// fit a 2-core, 24 GB machine with small models; a server sets its own (Playground:MaxBeams, Playground:MaxSequences,
/// Playground:MaxNewTokens) at start.
/// </summary>
/// <param name="MaxBeams">Most beams of a beam search. Default 64.</param>
/// <param name="MaxSequences">Most sequences (samples) one request returns. Default 256.</param>
/// <param name="MaxNewTokens">Most new tokens one request asks for. Default 100,000.</param>
public sealed record DecodingLimits(int MaxBeams = 64, int MaxSequences = 256, int MaxNewTokens = 100_000)
{
    /// <summary>The limits in force in this process (the defaults above unless the host set others at start).</summary>
    public static DecodingLimits Default { get; set; } = new();
}
