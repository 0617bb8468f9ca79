using System.Text;
using System.Text.RegularExpressions;

namespace GptPlayground.Tokenizers;

/// <summary>
/// A text normalizer from tokenizer.json's <c>normalizer</c>: runs on each piece of text between added tokens,
/// before pre-tokenization. Supported: <c>Sequence</c>, <c>Prepend</c>, <c>Replace</c>, <c>NFC</c>/<c>NFD</c>/<c>NFKC</c>/<c>NFKD</c>,
/// <c>Lowercase</c>; <see cref="TokenizerJson"/> rejects the others.
/// </summary>
internal abstract class Normalizer
{
    public abstract string Normalize(string text);

    /// <summary>Runs each normalizer in turn.</summary>
    public sealed class Sequence(IReadOnlyList<Normalizer> steps) : Normalizer
    {
        public override string Normalize(string text)
        {
            foreach (var step in steps) text = step.Normalize(text);
            return text;
        }
    }

    /// <summary>Puts <paramref name="prefix"/> before non-empty text (Llama's legacy "▁" before every piece).</summary>
    public sealed class Prepend(string prefix) : Normalizer
    {
        public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
    }

    /// <summary>Replaces every occurrence of a string, or of a regex when <paramref name="regex"/> is set.</summary>
    public sealed class Replace(string? pattern, Regex? regex, string content) : Normalizer
    {
        public override string Normalize(string text) =>
            regex is not null ? regex.Replace(text, content.Replace("$", "$$")) : text.Replace(pattern!, content, StringComparison.Ordinal);
    }

    /// <summary>Unicode normalization (NFC, NFD, NFKC or NFKD).</summary>
    public sealed class Unicode(NormalizationForm form) : Normalizer
    {
        public override string Normalize(string text)
        {
            try { return text.IsNormalized(form) ? text : text.Normalize(form); }
            catch (ArgumentException) { return text; }   // lone surrogates cannot be normalized: leave the text as it is
        }
    }

    /// <summary>Lower-cases with the invariant culture.</summary>
    public sealed class Lowercase : Normalizer
    {
        public override string Normalize(string text) => text.ToLowerInvariant();
    }
}
