using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GptPlayground.Services;

/// <summary>
/// SHA-256 of a model's weights and tokenizer files, for <see cref="RunRecord.Files"/>: a replay can then tell whether
/// it runs the same model. Each file's hash is cached by path, size and last-write time, so a run does not rehash a
/// 20 MB model.onnx that has not changed since the last one.
/// </summary>
public static class ModelFileHashes
{
    /// <summary>The tokenizer files a model folder may hold (the weights are its <c>*.onnx</c> and their external data).</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json"];

    static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), string> Cache = new();

    /// <summary>
    /// The hashes of the model at <paramref name="modelPath"/> (a model folder, or one .onnx file and the tokenizer files
    /// beside it) by file name, in name order: its <c>*.onnx</c> files and their external data (<c>*.onnx.data</c>,
    /// <c>*.onnx_data</c>) and the <see cref="TokenizerFiles"/> it has.
    /// </summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static SortedDictionary<string, string> Of(string modelPath)
    {
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        IEnumerable<string> weights = Directory.Exists(modelPath)
            ? Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".onnx.data", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".onnx_data", StringComparison.OrdinalIgnoreCase))
            : [modelPath];
        var files = weights.Concat(TokenizerFiles.Select(t => Path.Combine(folder, t)).Where(File.Exists));
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files) hashes[Path.GetFileName(file)] = Sha256(file);
        return hashes;
    }

    /// <summary>The SHA-256 of one file (lower-case hex), from the cache when its size and last-write time are unchanged.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Sha256(string file)
    {
        var info = new FileInfo(file);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (Cache.TryGetValue(key, out var cached)) return cached;
        using var stream = info.OpenRead();
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        Cache[key] = hash;
        return hash;
    }

    /// <summary>
    /// The files whose hash differs between a record's <paramref name="recorded"/> and <paramref name="current"/>, one line
    /// each ("model.onnx: 3f2a… then, 9b1c… now"; a file only one side has says so); empty when all agree.
    /// </summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> recorded, IReadOnlyDictionary<string, string> current)
    {
        static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
        var lines = new List<string>();
        foreach (var name in recorded.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            var (then, now) = (recorded.GetValueOrDefault(name), current.GetValueOrDefault(name));
            if (then == now) continue;
            lines.Add(then is null ? $"{name}: not in the record, {Short(now!)} now"
                : now is null ? $"{name}: {Short(then)} in the record, missing now"
                : $"{name}: {Short(then)} in the record, {Short(now)} now");
        }
        return lines;
    }
}
