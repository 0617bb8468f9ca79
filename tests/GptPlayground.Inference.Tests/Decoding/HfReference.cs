using GptPlayground.Decoding;

namespace GptPlayground.Inference.Tests.Decoding;

/// <summary>
/// An independent, deliberately naive transcription of Hugging Face transformers' logits processors
/// (generation/logits_process.py), written op by op like the torch code (float32, sort + cumsum, gather/scatter),
/// to check the engine's processors against. Shares no code with the engine.
/// </summary>
public static class HfReference
{
    /// <summary>Applies the processors of <paramref name="s"/> (resolved) to raw logits, in transformers' order.</summary>
    public static float[] Process(float[] logits, IReadOnlyList<int> inputIds, int promptLength, DecodingSettings s, IReadOnlyList<int> eos)
    {
        var scores = (float[])logits.Clone();
        if (s.RepetitionPenalty is { } rp && rp != 1) RepetitionPenalty(scores, inputIds, (float)rp);
        if (s.NoRepeatNgramSize is > 0 and var n) NoRepeatNgram(scores, inputIds, n);
        if (s.PresencePenalty != 0 || s.FrequencyPenalty != 0) OpenAiPenalties(scores, inputIds.Skip(promptLength).ToList(), (float)s.PresencePenalty!.Value, (float)s.FrequencyPenalty!.Value);
        if (s.MinNewTokens is > 0 and var min && inputIds.Count - promptLength < min) foreach (var e in eos) scores[e] = float.NegativeInfinity;
        if (s.DoSample != true) return scores;
        if (s.Temperature is { } t && t != 1) for (int i = 0; i < scores.Length; i++) scores[i] = scores[i] / (float)t;
        if (s.TopK is > 0 and var k) TopK(scores, k);
        if (s.TopP is { } p && p < 1) TopP(scores, (float)p);
        if (s.MinP is { } mp && mp > 0) MinP(scores, (float)mp);
        if (s.TypicalP is { } tp && tp < 1) Typical(scores, (float)tp);
        return scores;
    }

    static void RepetitionPenalty(float[] scores, IReadOnlyList<int> ids, float penalty)
    {
        var gathered = ids.Select(id => scores[id]).ToArray();                                    // torch.gather
        for (int i = 0; i < gathered.Length; i++) gathered[i] = gathered[i] < 0 ? gathered[i] * penalty : gathered[i] / penalty;
        for (int i = 0; i < ids.Count; i++) scores[ids[i]] = gathered[i];                        // scatter_
    }

    static void NoRepeatNgram(float[] scores, IReadOnlyList<int> ids, int n)
    {
        if (ids.Count + 1 < n) return;
        var ngrams = new Dictionary<string, List<int>>();                                         // _get_ngrams
        for (int i = 0; i + n <= ids.Count; i++)
        {
            var key = string.Join(",", ids.Skip(i).Take(n - 1));
            if (!ngrams.TryGetValue(key, out var list)) ngrams[key] = list = [];
            list.Add(ids[i + n - 1]);
        }
        var current = string.Join(",", ids.Skip(ids.Count - n + 1));                             // _get_generated_ngrams
        if (ngrams.TryGetValue(current, out var banned)) foreach (var b in banned) scores[b] = float.NegativeInfinity;
    }

    static void OpenAiPenalties(float[] scores, List<int> generated, float presence, float frequency)
    {
        foreach (var g in generated.GroupBy(x => x))
            scores[g.Key] = scores[g.Key] - g.Count() * frequency - presence;
    }

    static float[] Softmax(float[] x)
    {
        float max = x.Max();
        var e = x.Select(v => MathF.Exp(v - max)).ToArray();
        float sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    static void TopK(float[] scores, int k)
    {
        k = Math.Min(Math.Max(k, 1), scores.Length);
        float kth = scores.OrderByDescending(x => x).ElementAt(k - 1);
        for (int i = 0; i < scores.Length; i++) if (scores[i] < kth) scores[i] = float.NegativeInfinity;
    }

    static void TopP(float[] scores, float topP)
    {
        var sortedIdx = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();   // ascending
        var probs = Softmax(sortedIdx.Select(i => scores[i]).ToArray());
        float cum = 0;
        var remove = new bool[probs.Length];
        for (int r = 0; r < probs.Length; r++) { cum += probs[r]; remove[r] = cum <= 1 - topP; }
        remove[^1] = false;                                                                        // min_tokens_to_keep
        for (int r = 0; r < probs.Length; r++) if (remove[r]) scores[sortedIdx[r]] = float.NegativeInfinity;
    }

    static void MinP(float[] scores, float minP)
    {
        var probs = Softmax(scores);
        float threshold = minP * probs.Max();
        int top = Array.IndexOf(scores, scores.Max());
        for (int i = 0; i < scores.Length; i++) if (probs[i] < threshold && i != top) scores[i] = float.NegativeInfinity;
    }

    static void Typical(float[] scores, float mass)
    {
        float max = scores.Max();
        float lse = max + MathF.Log(scores.Sum(x => MathF.Exp(x - max)));
        var normalized = scores.Select(x => x - lse).ToArray();                                    // log_softmax
        var p = normalized.Select(MathF.Exp).ToArray();
        float ent = 0;
        for (int i = 0; i < p.Length; i++) { float term = normalized[i] * p[i]; if (!float.IsNaN(term)) ent -= term; }   // nansum
        var shifted = normalized.Select(x => MathF.Abs(-x - ent)).ToArray();
        var sortedIdx = Enumerable.Range(0, scores.Length).OrderBy(i => shifted[i]).ToArray();
        var sortedProbs = Softmax(sortedIdx.Select(i => scores[i]).ToArray());
        float cum = 0;
        int lastInd = 0;
        foreach (var q in sortedProbs) { cum += q; if (cum < mass) lastInd++; }
        lastInd = Math.Min(lastInd, scores.Length - 1);
        float cut = shifted[sortedIdx[lastInd]];
        for (int r = 1; r < sortedIdx.Length; r++) if (shifted[sortedIdx[r]] > cut) scores[sortedIdx[r]] = float.NegativeInfinity;
    }

    /// <summary>log_softmax of processed scores (-inf stays -inf).</summary>
    public static double[] LogSoftmax(float[] scores)
    {
        double max = scores.Max();
        double lse = max + Math.Log(scores.Sum(x => Math.Exp(x - max)));
        return scores.Select(x => x - lse).ToArray();
    }
}
