using System.Globalization;
using System.Text.Json.Serialization;

namespace GptPlayground.Services;

/// <summary>How two sampled outputs count as the same answer before they are grouped (JSON and CLI names as in <see cref="AnswerNormalizations.All"/>).</summary>
public enum AnswerNormalization
{
    /// <summary>Character for character.</summary>
    [JsonStringEnumMemberName("exact")] Exact,
    /// <summary>Leading and trailing whitespace removed.</summary>
    [JsonStringEnumMemberName("trimmed")] Trimmed,
    /// <summary>Trimmed and lower-cased (invariant culture): "Paris", " paris" and "PARIS" are one answer.</summary>
    [JsonStringEnumMemberName("case-folded")] CaseFolded,
    /// <summary>The first line that is not blank, trimmed: a short answer followed by anything else.</summary>
    [JsonStringEnumMemberName("first-line")] FirstLine,
}

/// <summary>The normalizations' names (CLI <c>--normalize</c>, the UI's choice) and what each does to a text.</summary>
public static class AnswerNormalizations
{
    /// <summary>Every normalization with its name, in the order the UI lists them.</summary>
    public static readonly IReadOnlyList<(AnswerNormalization Value, string Name)> All =
    [
        (AnswerNormalization.Exact, "exact"),
        (AnswerNormalization.Trimmed, "trimmed"),
        (AnswerNormalization.CaseFolded, "case-folded"),
        (AnswerNormalization.FirstLine, "first-line"),
    ];

    /// <summary>The name of <paramref name="normalization"/> ("case-folded").</summary>
    public static string Name(this AnswerNormalization normalization) => All.First(n => n.Value == normalization).Name;

    /// <summary>The normalization called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No normalization has that name (the message lists them).</exception>
    public static AnswerNormalization Parse(string name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Value
        : throw new ArgumentException($"normalization '{name}' is unknown: use one of {string.Join(", ", All.Select(n => n.Name))}");

    /// <summary>The key <paramref name="text"/> is grouped by.</summary>
    public static string Normalize(this AnswerNormalization normalization, string text) => normalization switch
    {
        AnswerNormalization.Exact => text,
        AnswerNormalization.Trimmed => text.Trim(),
        AnswerNormalization.CaseFolded => text.Trim().ToLower(CultureInfo.InvariantCulture),
        AnswerNormalization.FirstLine => text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "",
        _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, null),
    };
}

/// <summary>One sampled output: its text and its sequence log-probability.</summary>
/// <param name="Text">The generated text.</param>
/// <param name="Logprob">Sum of the generated tokens' log-probabilities under the model's raw distribution (natural log); null when a token has none (a remote model).</param>
public sealed record SampledAnswer(string Text, double? Logprob);

/// <summary>The samples that gave one answer (after normalization).</summary>
/// <param name="Answer">The normalized answer, the group's key.</param>
/// <param name="Text">The text of the group's first sample, as generated.</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="Share">Count over all samples (0..1).</param>
/// <param name="Logprob">The sequence log-probability of the group's first sample (<see cref="SampledAnswer.Logprob"/>); members that differ before normalization have their own.</param>
/// <param name="Samples">The samples' indices in the request (sample k is random stream k of the seed).</param>
public sealed record AnswerGroup(string Answer, string Text, int Count, double Share, double? Logprob, IReadOnlyList<int> Samples);

/// <summary>
/// What a variant tends to say: N sampled outputs grouped into answers after a <see cref="AnswerNormalization"/>, most
/// frequent first, with the entropy of that answer distribution. For a short-answer prompt this is the model's answer
/// distribution under the variant's settings.
/// </summary>
/// <param name="Normalization">How outputs were made comparable.</param>
/// <param name="Total">Samples counted.</param>
/// <param name="Groups">The answers, by count (ties: the earlier first sample first).</param>
/// <param name="EntropyBits">Shannon entropy of the answer shares, in bits: 0 when every sample agrees, log2(Total) when all differ.</param>
public sealed record SampleDistribution(AnswerNormalization Normalization, int Total, IReadOnlyList<AnswerGroup> Groups, double EntropyBits)
{
    /// <summary>Groups <paramref name="samples"/> (sample k at index k) by their normalized text.</summary>
    public static SampleDistribution From(IReadOnlyList<SampledAnswer> samples, AnswerNormalization normalization)
    {
        var groups = samples
            .Select((s, k) => (Sample: s, Index: k, Key: normalization.Normalize(s.Text)))
            .GroupBy(x => x.Key, StringComparer.Ordinal)                // in order of first appearance
            .Select(g => g.ToList())
            .OrderByDescending(g => g.Count)                            // stable: ties keep first appearance
            .Select(g => new AnswerGroup(g[0].Key, g[0].Sample.Text, g.Count, (double)g.Count / samples.Count, g[0].Sample.Logprob, g.Select(x => x.Index).ToList()))
            .ToList();
        // H = -sum p log2 p over the answers' shares
        double entropy = -groups.Sum(g => g.Share * Math.Log2(g.Share));
        return new SampleDistribution(normalization, samples.Count, groups, entropy == 0 ? 0 : entropy);
    }

    /// <summary>The sequences of a finished run (<see cref="VariantRun.Sequences"/>), sample k being sequence k.</summary>
    public static SampleDistribution From(VariantRun run, AnswerNormalization normalization) =>
        From(run.Sequences.Select(Answer).ToList(), normalization);

    /// <summary>A sequence's text and log-probability (the sum over its tokens; null without tokens or if one has none).</summary>
    public static SampledAnswer Answer(SequenceOutput sequence) =>
        new(sequence.Text, sequence.Tokens.Count > 0 && sequence.Tokens.All(t => t.Logprob is not null) ? sequence.Tokens.Sum(t => (double)t.Logprob!.Value) : null);
}
