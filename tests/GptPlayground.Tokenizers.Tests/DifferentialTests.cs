using System.Text;
using GptPlayground.Tokenizers.Tests.Reference;
using Xunit.Abstractions;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>
/// Old against new: every tokenizer loaded twice, once with the library-backed <see cref="BpeModel"/> (what
/// <see cref="TokenizerLoader.Load"/> returns) and once with the former hand-written model (<see cref="ReferenceBpeModel"/>),
/// must give the same ids on <see cref="Corpus.Size"/> generated strings. The tokenizers the repository has itself
/// always run; the compat tokenizers in <c>../shared/compat-models</c> run when that folder is beside the clone.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    /// <summary>The in-repository tokenizers: these always run.</summary>
    public static readonly string[] InRepo = ["playground-mini", "gpt2 (Data.Gpt2 package)", "llama-style (written by the test)"];

    /// <summary>The compat tokenizers, by folder under ../shared/compat-models.</summary>
    public static readonly string[] Compat = ["gpt2-ortconverter-fp32", "llama-modelbuilder-fp16"];

    public static TheoryData<string> Tokenizers()
    {
        var data = new TheoryData<string>();
        foreach (var name in InRepo) data.Add(name);
        foreach (var name in Compat)
            if (File.Exists(Path.Combine(Repository.CompatModels, name, "tokenizer.json"))) data.Add("compat " + name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Library_model_encodes_exactly_like_the_handwritten_one(string name)
    {
        using var folder = name == InRepo[2] ? TestTokenizers.LlamaStyle.Folder() : null;
        string dir = name switch
        {
            "playground-mini" => Path.Combine(Repository.Root, "models", "playground-mini"),
            "gpt2 (Data.Gpt2 package)" => TestTokenizers.Gpt2Folder,
            _ when folder is not null => folder.Path,
            _ => Path.Combine(Repository.CompatModels, name["compat ".Length..]),
        };
        var library = TokenizerLoader.Load(dir);
        var reference = ReferenceBpeModel.Load(dir);
        var corpus = Corpus.Generate(seed: name.Length * 7919, SpecialTexts(library));

        var mismatches = new List<string>();
        long tokens = 0;
        foreach (var text in corpus)
        {
            var expected = reference.Encode(text);
            var actual = library.Encode(text);
            tokens += expected.Length;
            if (!expected.AsSpan().SequenceEqual(actual))
                mismatches.Add($"{Escape(text)}: old [{string.Join(", ", expected)}] new [{string.Join(", ", actual)}]");
        }

        output.WriteLine($"{name}: {corpus.Count} strings, {tokens} tokens, {mismatches.Count} mismatches");
        Assert.True(corpus.Count >= Corpus.Size);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {corpus.Count} strings differ, e.g.\n" + string.Join("\n", mismatches.Take(5)));
    }

    [Fact]
    public void In_repo_tokenizers_always_run_and_missing_compat_ones_are_reported()
    {
        var cases = ((IEnumerable<object[]>)Tokenizers()).Select(row => (string)row[0]).ToList();
        foreach (var name in Compat)
            output.WriteLine(cases.Contains("compat " + name)
                ? $"compat {name}: runs ({Path.Combine(Repository.CompatModels, name)})"
                : $"compat {name}: NOT RUN, no tokenizer.json under {Path.GetFullPath(Repository.CompatModels)}");

        Assert.Equal(InRepo, cases.Take(InRepo.Length));
        Assert.True(File.Exists(Path.Combine(Repository.Root, "models", "playground-mini", "tokenizer.json")));
    }

    /// <summary>Texts of the added tokens, to write into the generated strings.</summary>
    static string[] SpecialTexts(ITokenizer tokenizer) =>
        [.. Enumerable.Range(0, tokenizer.VocabSize).Where(tokenizer.IsSpecialToken).Select(tokenizer.TokenToDisplay).Where(t => t.Length > 0)];

    static string Escape(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text) sb.Append(c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.Append('"').ToString();
    }
}

/// <summary>Where the repository and the shared compat models are.</summary>
static class Repository
{
    /// <summary>The clone's root: the folder above the test's output that holds GptPlayground.sln.</summary>
    public static readonly string Root = FindRoot();

    /// <summary><c>&lt;root&gt;/../shared/compat-models</c>: real exporters' files, never copied into the repository.</summary>
    public static string CompatModels => Path.Combine(Root, "..", "shared", "compat-models");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GptPlayground.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>
/// Generated test strings: English-like text, accented and non-Latin scripts, CJK (BMP and extension B), emoji
/// (ZWJ sequences, skin tones, flags), mathematical letters outside the BMP, whitespace runs of every kind, digit
/// runs, contractions, code, the tokenizer's special tokens written inside text, and a few lone surrogates.
/// </summary>
static class Corpus
{
    public const int Size = 10_000;

    static readonly string[] words =
    [
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Hello", "world", "tokenizer", "playground",
        "don't", "I'll", "we've", "they're", "she's", "I'm", "he'd", "rock'n'roll", "ALLCAPS", "camelCase", "snake_case",
        "naïve", "café", "façade", "Ünïcödé", "Straße", "élan", "Ἀθῆναι", "Москва", "مرحبا", "नमस्ते", "שלום", "ไทย",
        "日本語", "中文字符", "한국어", "東京タワー", "𠀀𠀁", "𪚥", "𝐀𝐁𝐂", "𝒜𝓁𝓅𝒽𝒶", "𝟙𝟚𝟛", "🙂", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🎉🎉",
        "❤️", "e\u0301", "ﬁ", "½", "٣٤٥", "x²", "def", "f(x):", "return", "x**2", "#", "//", "{}", "[1, 2]", "a+b=c",
        "$100", "50%", "3.14159", "1,234.56", "2024-01-01", "0x1F", "\u00A0", "…", "—", "“quotes”", "'quoted'", "<tag>",
        "\uE000", "\u200B", "\uFEFF", "\u0000", "\u007F", "Q:", "A:", "->", "::", "...", "!!!", "???",
    ];

    static readonly string[] spaces = [" ", "  ", "   ", "    ", "\t", "\n", "\n\n", "\r\n", " \n ", "\t\t", "\u3000", "\u2028", "\u0085", "        "];

    public static List<string> Generate(int seed, IReadOnlyList<string> specials)
    {
        var random = new Random(seed);
        var result = new List<string>(Size + 32)
        {
            "", " ", "  ", "\n", "a", "Hello world", "1234567890", "00000000000000000000", "🙂🙂🙂", "日本語のテキスト",
            "a\uD800b", "\uDC00", "x\uDBFF", "  leading and trailing  ", "line one\nline two\n\n\tindented",
        };
        foreach (var special in specials)
            result.AddRange([special, $"Hello{special} world", $" {special} ", $"{special}{special}", $"a {special}b\n{special}"]);

        while (result.Count < Size)
        {
            var text = new StringBuilder();
            int pieces = random.Next(1, 24);
            for (int i = 0; i < pieces; i++)
            {
                int kind = random.Next(100);
                if (kind < 55) text.Append(words[random.Next(words.Length)]);
                else if (kind < 75) text.Append(' ');
                else if (kind < 83) text.Append(spaces[random.Next(spaces.Length)]);
                else if (kind < 89) text.Append(random.NextInt64(1, 10_000_000_000) % (long)Math.Pow(10, random.Next(1, 11)));
                else if (kind < 93 && specials.Count > 0) text.Append(specials[random.Next(specials.Count)]);
                else if (kind < 97) text.Append(RandomCharacter(random));
                else if (kind < 99) text.Append(".,;:!?'\"()-"[random.Next(11)]);
                else text.Append(random.Next(2) == 0 ? '\uD83D' : '\uDE00');   // a lone surrogate
            }
            result.Add(text.ToString());
        }
        return result;
    }

    /// <summary>Any assigned-looking scalar value: BMP letters and symbols, or a plane-1/2 character.</summary>
    static string RandomCharacter(Random random)
    {
        int value = random.Next(4) switch
        {
            0 => random.Next(0x20, 0x250),
            1 => random.Next(0x4E00, 0x9FFF),
            2 => random.Next(0x1F300, 0x1FAFF),
            _ => random.Next(0x20000, 0x2A6DF),
        };
        return char.ConvertFromUtf32(value);
    }
}
