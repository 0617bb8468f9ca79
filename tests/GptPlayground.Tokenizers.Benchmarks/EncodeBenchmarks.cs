using System.Text;
using BenchmarkDotNet.Attributes;
using GptPlayground.Tokenizers.Tests;
using GptPlayground.Tokenizers.Tests.Reference;

namespace GptPlayground.Tokenizers.Benchmarks;

/// <summary>
/// Encode throughput of one text, old (the former hand-written BPE, <see cref="ReferenceBpeModel"/>) against new
/// (<see cref="TokenizerLoader.Load"/>: BPE by Microsoft.ML.Tokenizers). Both tokenizers share the rest of the
/// pipeline (added tokens, normalizer, pre-tokenizer), so the difference is the BPE model and its word cache.
/// Caches are warm after the first iteration, as in a server that has seen text before.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    /// <summary>playground-mini and GPT-2 always; the Llama-style compat tokenizer when ../shared/compat-models is there.</summary>
    public static IEnumerable<string> TokenizerNames() =>
        File.Exists(Path.Combine(Texts.CompatModels, "llama-modelbuilder-fp16", "tokenizer.json"))
            ? ["playground-mini", "gpt2", "llama-compat"]
            : ["playground-mini", "gpt2"];

    [ParamsSource(nameof(TokenizerNames))]
    public string Tokenizer { get; set; } = "";

    [Params("english-1MB", "cjk-emoji-256KB")]
    public string Text { get; set; } = "";

    ITokenizer oldTokenizer = null!;
    ITokenizer newTokenizer = null!;
    string text = "";

    [GlobalSetup]
    public void Setup()
    {
        string dir = Tokenizer switch
        {
            "playground-mini" => Path.Combine(Texts.RepoRoot, "models", "playground-mini"),
            "gpt2" => Gpt2Vocabulary.Folder,
            _ => Path.Combine(Texts.CompatModels, "llama-modelbuilder-fp16"),
        };
        oldTokenizer = ReferenceBpeModel.Load(dir);
        newTokenizer = TokenizerLoader.Load(dir);
        text = Text == "english-1MB" ? Texts.English(1 << 20) : Texts.CjkEmoji(256 << 10);
        if (!oldTokenizer.Encode(text).AsSpan().SequenceEqual(newTokenizer.Encode(text)))
            throw new InvalidOperationException($"{Tokenizer}: old and new encode {Text} differently");
    }

    [Benchmark(Baseline = true)]
    public int Old() => oldTokenizer.Encode(text).Length;

    [Benchmark]
    public int New() => newTokenizer.Encode(text).Length;
}

/// <summary>The benchmark texts.</summary>
static class Texts
{
    public static readonly string RepoRoot = FindRoot();

    public static string CompatModels => Path.Combine(RepoRoot, "..", "shared", "compat-models");

    /// <summary>
    /// English prose: Debian's licence texts (/usr/share/common-licenses), else the repository's own Markdown,
    /// repeated to <paramref name="chars"/> characters.
    /// </summary>
    public static string English(int chars)
    {
        const string licences = "/usr/share/common-licenses";
        var files = Directory.Exists(licences)
            ? Directory.GetFiles(licences).Order(StringComparer.Ordinal)
            : Directory.GetFiles(RepoRoot, "*.md", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")).Order(StringComparer.Ordinal);
        var source = string.Concat(files.Select(File.ReadAllText));
        var sb = new StringBuilder(chars + source.Length);
        while (sb.Length < chars) sb.Append(source);
        return sb.ToString(0, chars);
    }

    /// <summary>Chinese, Japanese and Korean sentences, emoji (with ZWJ sequences and skin tones) and some English, shuffled with a fixed seed.</summary>
    public static string CjkEmoji(int chars)
    {
        string[] pieces =
        [
            "今天天气很好，我们去公园散步吧。", "機械学習のモデルをローカルで動かします。", "토크나이저는 텍스트를 토큰으로 나눕니다.",
            "东京タワーと富士山が見えます", "𠀀𠀁𪚥 (CJK extension B)", "🙂", "👍🏽", "👨‍👩‍👧‍👦", "🇯🇵🇰🇷🇨🇳", "🎉🎉🎉", "❤️‍🔥",
            " the model answers in English too. ", "\n", "  ", "2024年1月1日", "価格は¥1,234です。",
        ];
        var random = new Random(42);
        var sb = new StringBuilder(chars + 64);
        while (sb.Length < chars) sb.Append(pieces[random.Next(pieces.Length)]);
        return sb.ToString(0, chars);
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GptPlayground.sln above {AppContext.BaseDirectory}");
    }
}
