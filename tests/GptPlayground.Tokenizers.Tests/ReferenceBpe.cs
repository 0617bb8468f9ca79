using System.Text;
using System.Text.Json;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>
/// GPT-2's <c>encoder.py</c> BPE loop, transcribed as plainly as possible to check the library's priority-queue
/// merging against: find the lowest-ranked adjacent pair, merge every occurrence of it, repeat. One word at a time.
/// </summary>
sealed class ReferenceBpe
{
    readonly Dictionary<string, int> encoder;
    readonly Dictionary<(string, string), int> ranks = [];

    public ReferenceBpe(string vocabJson, string mergesTxt)
    {
        encoder = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))!;
        var lines = File.ReadAllLines(mergesTxt).Skip(1).Where(l => l.Length > 0).ToArray();
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            ranks.TryAdd((parts[0], parts[1]), i);
        }
    }

    /// <summary>Encodes one pre-token (a word as GPT-2's regex would cut it).</summary>
    public int[] Encode(string word)
    {
        var symbols = Encoding.UTF8.GetBytes(word).Select(b => TestTokenizers.ByteChars[b].ToString()).ToList();
        while (symbols.Count > 1)
        {
            var best = Enumerable.Range(0, symbols.Count - 1)
                .Select(i => (symbols[i], symbols[i + 1]))
                .Where(ranks.ContainsKey)
                .OrderBy(pair => ranks[pair])
                .FirstOrDefault();
            if (best == default) break;
            var merged = new List<string>();
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i < symbols.Count - 1 && symbols[i] == best.Item1 && symbols[i + 1] == best.Item2)
                {
                    merged.Add(best.Item1 + best.Item2);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        return [.. symbols.Select(s => encoder[s])];
    }
}
