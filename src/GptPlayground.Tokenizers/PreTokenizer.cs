using System.Text.RegularExpressions;

namespace GptPlayground.Tokenizers;

/// <summary>A piece of a string: the unit pre-tokenizers pass along without copying.</summary>
internal readonly record struct TextSlice(string Text, int Start, int Length)
{
    public TextSlice(string text) : this(text, 0, text.Length) { }

    public ReadOnlySpan<char> Span => Text.AsSpan(Start, Length);

    public TextSlice Slice(int offset, int length) => new(Text, Start + offset, length);
}

/// <summary>
/// A pre-tokenizer from tokenizer.json's <c>pre_tokenizer</c>: cuts normalized text into words that BPE
/// encodes one at a time (merges never cross words). Supported: <c>ByteLevel</c>, <c>Split</c> (regex or string,
/// behaviour Isolated or Removed), <c>Metaspace</c>, <c>Sequence</c>; <see cref="TokenizerJson"/> rejects the others.
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>Appends the words of <paramref name="piece"/> to <paramref name="words"/>.</summary>
    /// <param name="piece">Normalized text between added tokens (or a word of a previous pre-tokenizer).</param>
    /// <param name="words">Where the words go.</param>
    /// <param name="atStart">The piece starts the input text (Metaspace's "first" prepend scheme needs it).</param>
    public abstract void Split(TextSlice piece, bool atStart, List<TextSlice> words);

    /// <summary>Runs each pre-tokenizer on every word the previous one produced.</summary>
    public sealed class Sequence(IReadOnlyList<PreTokenizer> steps) : PreTokenizer
    {
        public override void Split(TextSlice piece, bool atStart, List<TextSlice> words)
        {
            var current = new List<TextSlice> { piece };
            var next = new List<TextSlice>();
            foreach (var step in steps)
            {
                next.Clear();
                for (int i = 0; i < current.Count; i++) step.Split(current[i], atStart && i == 0, next);
                (current, next) = (next, current);
            }
            words.AddRange(current);
        }
    }

    /// <summary>
    /// GPT-2's byte-level pre-tokenizer: optionally a leading space, then GPT-2's regex split (<see cref="Gpt2Split"/>).
    /// The byte-to-character mapping itself is done by <see cref="BpeModel"/> in byte-level mode.
    /// </summary>
    public sealed class ByteLevel(bool addPrefixSpace, bool useRegex) : PreTokenizer
    {
        public override void Split(TextSlice piece, bool atStart, List<TextSlice> words)
        {
            if (addPrefixSpace && !piece.Span.StartsWith(' ')) piece = new TextSlice(" " + piece.Span.ToString());
            if (useRegex) Gpt2Regex.SplitInto(piece, words);
            else words.Add(piece);
        }
    }

    /// <summary>A Split on GPT-2's regex (behaviour Isolated), done by <see cref="Gpt2Split"/>.</summary>
    public sealed class Gpt2Regex : PreTokenizer
    {
        public override void Split(TextSlice piece, bool atStart, List<TextSlice> words) => SplitInto(piece, words);

        public static void SplitInto(TextSlice piece, List<TextSlice> words)
        {
            var span = piece.Span;
            for (int i = 0; i < span.Length;)
            {
                int length = Gpt2Split.MatchLength(span, i);
                words.Add(piece.Slice(i, length));
                i += length;
            }
        }
    }

    /// <summary>A regex split; with <paramref name="removeMatches"/> the matches are dropped (Removed), else kept as words (Isolated).</summary>
    public sealed class RegexSplit(Regex regex, bool removeMatches) : PreTokenizer
    {
        public override void Split(TextSlice piece, bool atStart, List<TextSlice> words)
        {
            int last = 0;
            foreach (var match in regex.EnumerateMatches(piece.Span))
            {
                if (match.Length == 0) continue;
                if (match.Index > last) words.Add(piece.Slice(last, match.Index - last));
                if (!removeMatches) words.Add(piece.Slice(match.Index, match.Length));
                last = match.Index + match.Length;
            }
            if (last < piece.Length) words.Add(piece.Slice(last, piece.Length - last));
        }
    }

    /// <summary>
    /// SentencePiece's whitespace handling: spaces become "▁", a "▁" is put in front (always, only at the start
    /// of the input with <paramref name="firstOnly"/>, or never), and with <paramref name="split"/> every "▁" starts a new word.
    /// </summary>
    public sealed class Metaspace(char replacement, bool prepend, bool firstOnly, bool split) : PreTokenizer
    {
        public override void Split(TextSlice piece, bool atStart, List<TextSlice> words)
        {
            string text = piece.Span.ToString().Replace(' ', replacement);
            if (prepend && (atStart || !firstOnly) && !text.StartsWith(replacement)) text = replacement + text;
            if (!split)
            {
                words.Add(new TextSlice(text));
                return;
            }
            int start = 0;
            for (int i = 1; i < text.Length; i++)
            {
                if (text[i] != replacement) continue;
                words.Add(new TextSlice(text, start, i - start));   // "▁" starts the next word (MergedWithNext)
                start = i;
            }
            if (text.Length > 0) words.Add(new TextSlice(text, start, text.Length - start));
        }
    }
}
