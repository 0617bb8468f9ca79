using System.Globalization;
using System.Text;

namespace GptPlayground.Tokenizers;

/// <summary>
/// GPT-2's pre-tokenizer regex, written out by hand:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// </summary>
/// <remarks>
/// Not a <see cref="System.Text.RegularExpressions.Regex"/> because .NET regexes match UTF-16 code units:
/// there <c>\p{L}</c> misses letters outside the BMP ("𝐀", CJK extension B), which GPT-2's Python regex,
/// Hugging Face's Oniguruma regex and JavaScript's <c>/u</c> regex all count as letters. This scanner works on
/// Unicode scalar values, and is also several times faster. The tests check it against the regex on BMP text.
/// </remarks>
internal static class Gpt2Split
{
    /// <summary>The pattern as it appears in tokenizer.json files and GPT-2's encoder.py.</summary>
    public const string Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    enum Kind { Letter, Number, Space, Other }

    /// <summary>Length in chars of the match that starts at <paramref name="start"/> (&gt; 0 when start is inside text).</summary>
    public static int MatchLength(ReadOnlySpan<char> text, int start)
    {
        // contractions first: 's 't 'm 'd 're 've 'll (case-sensitive, as in GPT-2)
        if (text[start] == '\'' && start + 1 < text.Length)
        {
            char c = text[start + 1];
            if (c is 's' or 't' or 'm' or 'd') return 2;
            if (start + 2 < text.Length && (c, text[start + 2]) is ('r', 'e') or ('v', 'e') or ('l', 'l')) return 3;
        }

        // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional space, then a run of one class
        int runStart = text[start] == ' ' && start + 1 < text.Length ? start + 1 : start;
        var kind = KindAt(text, runStart, out int width);
        if (kind == Kind.Space && runStart != start)
            kind = KindAt(text, runStart = start, out width);   // " " followed by whitespace: no optional-space match
        if (kind != Kind.Space)
        {
            int end = runStart + width;
            while (end < text.Length && KindAt(text, end, out width) == kind) end += width;
            return end - start;
        }

        // "\s+(?!\S)|\s+": a whitespace run; when a non-space follows, its last char is left for the next match
        int stop = start + width;
        while (stop < text.Length && KindAt(text, stop, out width) == Kind.Space) stop += width;
        if (stop < text.Length && stop - start > 1) stop--;   // whitespace chars are all in the BMP
        return stop - start;
    }

    static readonly Kind[] asciiKinds = Enumerable.Range(0, 128).Select(c => Classify(new Rune(c))).ToArray();

    static Kind KindAt(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        if (c < 128) { width = 1; return asciiKinds[c]; }   // fast path for the common case
        if (Rune.DecodeFromUtf16(text[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
            return Kind.Other;   // a lone surrogate is neither letter, number nor space
        return Classify(rune);
    }

    static Kind Classify(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune)) return Kind.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
