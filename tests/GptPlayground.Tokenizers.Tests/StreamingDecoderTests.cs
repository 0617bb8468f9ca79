using System.Text;
using static GptPlayground.Tokenizers.Tests.TestTokenizers;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>
/// Properties of streaming decode on random input (fixed seeds): the pieces concatenate to <c>Decode</c>, no piece
/// splits a surrogate pair, and U+FFFD appears only where the token bytes really are invalid UTF-8.
/// </summary>
public class StreamingDecoderTests : IDisposable
{
    readonly ModelFolder llamaFolder = LlamaStyle.Folder();
    readonly ModelFolder byteLevelFolder = GeneratedByteLevel.Folder();

    public void Dispose()
    {
        llamaFolder.Dispose();
        byteLevelFolder.Dispose();
    }

    ITokenizer Tokenizer(string name) => name switch
    {
        "gpt2" => Gpt2,
        "llama" => llamaFolder.Load(),
        _ => byteLevelFolder.Load(),
    };

    [Theory]
    [InlineData("gpt2", false)]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    [InlineData("bytelevel", true)]
    public void Pieces_of_random_ids_concatenate_to_decode(string name, bool skipSpecialTokens)
    {
        var tokenizer = Tokenizer(name);
        var random = new Random(42);
        var singleBytes = Enumerable.Range(0, tokenizer.VocabSize).Where(id => tokenizer.TokenBytes(id).Length == 1).ToArray();

        for (int round = 0; round < 500; round++)
        {
            int[] ids = RandomIds(tokenizer.VocabSize, singleBytes, random);

            var pieces = Stream(tokenizer, ids, skipSpecialTokens);

            Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens), string.Concat(pieces));
            Assert.All(pieces, piece => Assert.True(IsWellFormedUtf16(piece), $"piece {Escape(piece)} splits a surrogate pair"));
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("bytelevel")]
    public void Pieces_of_encoded_text_never_hold_a_replacement_char(string name)
    {
        var tokenizer = Tokenizer(name);
        var random = new Random(7);

        for (int round = 0; round < 300; round++)
        {
            string text = RandomText(random);
            int[] ids = tokenizer.Encode(text, addSpecialTokens: false);

            var pieces = Stream(tokenizer, ids, skipSpecialTokens: false);

            Assert.Equal(text, string.Concat(pieces));
            Assert.All(pieces, piece => Assert.DoesNotContain('\uFFFD', piece));
        }
    }

    [Fact]
    public void Replacement_chars_match_the_invalid_bytes_exactly()
    {
        var gpt2 = Gpt2;
        // 日 is E6 97 A5; "Ġæ" (10545) is " " + E6, 245 is 97, 98 is A5; then 日 cut short by "Hello", then a stray 97
        int[] ids = [10545, 245, 98, 10545, 245, 15496, 245];

        var pieces = Stream(gpt2, ids, skipSpecialTokens: false);

        Assert.Equal([" ", "", "日", " ", "", "\uFFFDHello", "\uFFFD", ""], pieces);
        Assert.Equal(gpt2.Decode(ids), string.Concat(pieces));
    }

    static List<string> Stream(ITokenizer tokenizer, int[] ids, bool skipSpecialTokens)
    {
        var stream = tokenizer.CreateStreamingDecoder(skipSpecialTokens);
        var pieces = ids.Select(stream.Append).ToList();
        pieces.Add(stream.Flush());
        return pieces;
    }

    /// <summary>Random ids, half of them tokens that hold a single byte (the ones that split characters).</summary>
    static int[] RandomIds(int vocabSize, int[] singleBytes, Random random) =>
        [.. Enumerable.Range(0, random.Next(0, 40)).Select(_ =>
            random.Next(2) == 0 ? singleBytes[random.Next(singleBytes.Length)] : random.Next(vocabSize))];

    static string RandomText(Random random)
    {
        string[] pieces = ["Hello", " world", " ", "  ", "\n", "é", "日本", "🙂", "𝐀", "!", "this", "ï", "\t", "a", "42"];
        return string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    static bool IsWellFormedUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    static string Escape(string s) => string.Concat(s.Select(c => c < 128 && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}"));
}
