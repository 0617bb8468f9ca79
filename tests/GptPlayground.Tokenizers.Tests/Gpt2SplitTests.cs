using System.Text.RegularExpressions;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>The hand-written GPT-2 pre-tokenizer against the regex it replaces.</summary>
public partial class Gpt2SplitTests
{
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Regex();

    static List<string> Split(string text)
    {
        var words = new List<string>();
        for (int i = 0; i < text.Length;)
        {
            int length = Gpt2Split.MatchLength(text, i);
            words.Add(text.Substring(i, length));
            i += length;
        }
        return words;
    }

    [Fact]
    public void Splits_like_the_regex_on_random_text()
    {
        var random = new Random(2024);
        // BMP letters, digits and spaces of several kinds, contraction pieces, punctuation; an emoji is "other" for both
        string[] alphabet = [.. "aZé日ß9٣½ '\"sStTrRevdlLmM!?.,-_\n\r\t\u00A0\u3000\u2028\u0085$€".Select(c => c.ToString()), "😀"];

        for (int round = 0; round < 5000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]));

            Assert.Equal(Gpt2Regex().Matches(text).Select(m => m.Value), Split(text));
        }
    }

    [Fact]
    public void The_librarys_regex_pre_tokenizer_cuts_letters_outside_the_bmp_so_the_exact_split_stays()
    {
        // Microsoft.ML.Tokenizers' RegexPreTokenizer runs a .NET regex, which sees UTF-16 code units: "𝐀" is not \p{L}
        var library = new Microsoft.ML.Tokenizers.RegexPreTokenizer(Gpt2Regex(), null);
        const string text = "a𝐀b 𠀀x";

        var libraryWords = library.PreTokenize(text).Select(w => text.Substring(w.Offset, w.Length));

        Assert.Equal(["a", "𝐀", "b", " 𠀀", "x"], libraryWords);   // astral letters read as punctuation
        Assert.Equal(["a𝐀b", " 𠀀x"], Split(text));   // GPT-2's Python regex, Hugging Face and this project
    }

    [Theory]
    [InlineData("a𝐀b", new[] { "a𝐀b" })]                  // a letter outside the BMP is a letter (the .NET regex cuts it off)
    [InlineData("x 𝟙𝟚", new[] { "x", " 𝟙𝟚" })]            // and so is a digit
    [InlineData("hi 🙂🙂!", new[] { "hi", " 🙂🙂!" })]
    [InlineData("it's", new[] { "it", "'s" })]
    [InlineData("  a", new[] { " ", " a" })]
    [InlineData("a  \n\nb", new[] { "a", "  \n", "\n", "b" })]
    [InlineData("end   ", new[] { "end", "   " })]
    public void Splits_known_examples(string text, string[] words)
    {
        Assert.Equal(words, Split(text));
    }
}
