using System.Buffers;
using System.Text.Json;

namespace GptPlayground.Tokenizers;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c> (or tokenizer_config.json's <c>added_tokens_decoder</c>).</summary>
/// <param name="Id">Token id; may be past the BPE vocabulary.</param>
/// <param name="Content">The text that stands for the token ("&lt;|endoftext|&gt;").</param>
/// <param name="Special">Left out by <c>skipSpecialTokens</c>.</param>
/// <param name="LStrip">A match also takes the whitespace before it.</param>
/// <param name="RStrip">A match also takes the whitespace after it.</param>
/// <param name="SingleWord">Matches only when no letter, digit or '_' touches it on either side.</param>
/// <param name="Normalized">Matched in normalized text (after the normalizer) rather than in the raw input.</param>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip = false, bool RStrip = false,
    bool SingleWord = false, bool Normalized = false)
{
    /// <summary>Reads the flags of a JSON entry; <c>normalized</c> defaults to <c>!special</c>, as in Hugging Face tokenizers.</summary>
    public static AddedToken FromJson(int id, string content, JsonElement entry)
    {
        bool special = entry.GetBool("special");
        return new AddedToken(id, content, special, entry.GetBool("lstrip"), entry.GetBool("rstrip"),
            entry.GetBool("single_word"), entry.GetBool("normalized", fallback: !special));
    }
}

/// <summary>A run of text to encode (<see cref="TokenId"/> &lt; 0) or one added token, by position in the searched string.</summary>
internal readonly record struct TextPiece(int Start, int Length, int TokenId);

/// <summary>
/// Finds added tokens in text the way Hugging Face tokenizers does: leftmost match first, the longest one where
/// several start at the same place, matches never overlap; <c>lstrip</c>/<c>rstrip</c> widen a match over the
/// whitespace beside it and <c>single_word</c> tokens only match between word boundaries.
/// </summary>
internal sealed class AddedTokenMatcher
{
    sealed class Node
    {
        public readonly Dictionary<char, Node> Children = [];
        public AddedToken? Token;   // a pattern ends here
    }

    readonly Node root = new();
    readonly SearchValues<char> firstChars;

    /// <param name="patterns">Each token with the text to look for (its content, normalized for normalized tokens).</param>
    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
    {
        var first = new HashSet<char>();
        foreach (var (pattern, token) in patterns)
        {
            if (pattern.Length == 0) continue;
            first.Add(pattern[0]);
            var node = root;
            foreach (char c in pattern)
            {
                if (!node.Children.TryGetValue(c, out var child)) node.Children[c] = child = new Node();
                node = child;
            }
            node.Token ??= token;   // the first token listed wins a duplicate pattern
        }
        firstChars = SearchValues.Create([.. first]);
        IsEmpty = first.Count == 0;
    }

    public bool IsEmpty { get; }

    /// <summary>Cuts <paramref name="text"/> into text runs and added tokens, in order, covering all of it.</summary>
    public void Split(ReadOnlySpan<char> text, List<TextPiece> pieces)
    {
        int done = 0;    // end of the last piece written
        int search = 0;  // where to look for the next match
        while (search < text.Length)
        {
            int offset = IsEmpty ? -1 : text[search..].IndexOfAny(firstChars);
            if (offset < 0) break;
            int start = search + offset;
            var (token, length) = LongestAt(text, start);
            if (token is null)
            {
                search = start + 1;
                continue;
            }
            int stop = start + length;
            search = stop;
            if (token.SingleWord && (IsWordChar(text, start - 1) || IsWordChar(text, stop))) continue;
            if (token.LStrip)
                while (start > done && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
            if (start > done) pieces.Add(new TextPiece(done, start - done, -1));
            pieces.Add(new TextPiece(start, stop - start, token.Id));
            done = search = stop;
        }
        if (done < text.Length) pieces.Add(new TextPiece(done, text.Length - done, -1));
    }

    (AddedToken? Token, int Length) LongestAt(ReadOnlySpan<char> text, int start)
    {
        AddedToken? best = null;
        int bestLength = 0;
        var node = root;
        for (int i = start; i < text.Length; i++)
        {
            if (!node.Children.TryGetValue(text[i], out var child)) break;
            node = child;
            if (node.Token is null) continue;
            best = node.Token;
            bestLength = i - start + 1;
        }
        return (best, bestLength);
    }

    static bool IsWordChar(ReadOnlySpan<char> text, int index) =>
        index >= 0 && index < text.Length && (char.IsLetterOrDigit(text[index]) || text[index] == '_');
}
