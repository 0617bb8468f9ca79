using System.Text;

namespace GptPlayground.Tokenizers;

/// <summary>
/// tokenizer.json's <c>decoder</c>, reduced to what it does to one token plus one rule about the start of the text:
/// <list type="bullet">
/// <item>per token, in order: <c>Replace</c> (e.g. "▁" → " "), <c>Metaspace</c>, <c>ByteFallback</c>
/// ("&lt;0x0A&gt;" → byte 0x0A), <c>ByteLevel</c> ("Ġ" → byte 0x20), <c>Strip</c> before <c>Fuse</c>; the result is bytes;</item>
/// <item>at the start: <c>Strip(" ", n, 0)</c> after <c>Fuse</c> drops up to n leading spaces of the whole text,
/// and the <c>Metaspace</c> decoder drops the "▁" marks of the first token instead of turning them into spaces.</item>
/// </list>
/// Working on bytes is what makes streaming exact: text is the UTF-8 decoding of the concatenated token bytes.
/// </summary>
internal sealed class TokenDecoder
{
    internal abstract record Step;
    internal sealed record ReplaceStep(string From, string To) : Step;
    internal sealed record MetaspaceStep(char Replacement) : Step;
    internal sealed record StripEachStep(char Content, int Start, int Stop) : Step;
    internal sealed record ByteFallbackStep : Step;
    internal sealed record ByteLevelStep : Step;

    readonly IReadOnlyList<Step> steps;

    public TokenDecoder(IReadOnlyList<Step> steps, int stripLeadingSpaces = 0, char? firstTokenDrops = null)
    {
        this.steps = steps;
        StripLeadingSpaces = stripLeadingSpaces;
        FirstTokenDrops = firstTokenDrops;
    }

    /// <summary>GPT-2's decoder: byte-level characters back to bytes.</summary>
    public static TokenDecoder ByteLevel { get; } = new([new ByteLevelStep()]);

    /// <summary>Token text as it is, as UTF-8.</summary>
    public static TokenDecoder Plain { get; } = new([]);

    /// <summary>Spaces to remove from the start of the decoded text (<c>Strip</c> after <c>Fuse</c>); 0 for none.</summary>
    public int StripLeadingSpaces { get; }

    /// <summary>The Metaspace decoder's mark that the first token drops (it becomes a space in later tokens); null for none.</summary>
    public char? FirstTokenDrops { get; }

    /// <summary>The bytes <paramref name="token"/> decodes to; <paramref name="first"/> when it is the first token of a text.</summary>
    public byte[] Bytes(string token, bool first = false)
    {
        if (first && FirstTokenDrops is char mark) token = token.Replace(mark.ToString(), "", StringComparison.Ordinal);
        foreach (var step in steps)
        {
            switch (step)
            {
                case ReplaceStep r: token = token.Replace(r.From, r.To, StringComparison.Ordinal); break;
                case MetaspaceStep m: token = token.Replace(m.Replacement, ' '); break;
                case StripEachStep s: token = StripEach(token, s); break;
                case ByteFallbackStep when TryParseByteToken(token, out byte b): return [b];
                case ByteLevelStep: return Tokenizers.ByteLevel.TryToBytes(token) ?? Encoding.UTF8.GetBytes(token);
            }
        }
        return Encoding.UTF8.GetBytes(token);
    }

    /// <summary>
    /// Removes the leading spaces still owed by the <c>Strip</c> rule from one piece of decoded text;
    /// <paramref name="remaining"/> starts at <see cref="StripLeadingSpaces"/> and drops to 0 at the first other character.
    /// </summary>
    public static string StripStart(string text, ref int remaining)
    {
        if (remaining == 0 || text.Length == 0) return text;
        int cut = 0;
        while (cut < remaining && cut < text.Length && text[cut] == ' ') cut++;
        remaining = cut == text.Length ? remaining - cut : 0;
        return text[cut..];
    }

    /// <summary>Whether <paramref name="token"/> is a byte-fallback token "&lt;0xNN&gt;" (two hex digits).</summary>
    public static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }

    static string StripEach(string token, StripEachStep s)
    {
        int start = 0, stop = token.Length;
        while (start < Math.Min(s.Start, stop) && token[start] == s.Content) start++;
        while (token.Length - stop < s.Stop && stop > start && token[stop - 1] == s.Content) stop--;
        return token[start..stop];
    }
}
