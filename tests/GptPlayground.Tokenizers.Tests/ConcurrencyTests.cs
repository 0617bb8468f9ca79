namespace GptPlayground.Tokenizers.Tests;

/// <summary>One tokenizer shared by concurrent requests, and the bounded word cache in front of the BPE.</summary>
public class ConcurrencyTests
{
    [Fact]
    public void Concurrent_encodes_give_the_same_ids_as_one_at_a_time()
    {
        var random = new Random(5);
        string[] words = ["alpha", "beta", "gamma", "delta", " naïve", "日本", "🙂", "don't", "\n", "1234"];
        var texts = Enumerable.Range(0, 200)
            .Select(_ => string.Join(" ", Enumerable.Range(0, 50).Select(_ => words[random.Next(words.Length)] + random.Next(1000))))
            .ToArray();
        var oneAtATime = TokenizerLoader.Load(TestTokenizers.Gpt2Folder);
        var expected = texts.Select(t => oneAtATime.Encode(t)).ToArray();
        var shared = TokenizerLoader.Load(TestTokenizers.Gpt2Folder);

        var results = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i % texts.Length] = shared.Encode(texts[i % texts.Length]));

        Assert.Equal(expected, results);
        Assert.All(texts, (t, i) => Assert.Equal(t, shared.Decode(results[i])));
    }

    [Fact]
    public void Word_cache_empties_itself_when_full_and_keeps_working()
    {
        var cache = new WordCache();

        for (int i = 0; i <= WordCache.Capacity; i++) cache.Add($"w{i}", [i]);
        cache.Add("after", [42]);

        Assert.False(cache.TryGet("w0", out _));   // emptied when the bound was passed
        Assert.True(cache.TryGet("after", out var ids));
        Assert.Equal([42], ids);
        cache.Add(new string('x', WordCache.MaxWordLength + 1), [1]);
        Assert.False(cache.TryGet(new string('x', WordCache.MaxWordLength + 1), out _));
    }
}
