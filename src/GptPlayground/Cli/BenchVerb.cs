using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>bench --model M [--prompt-tokens N] [--new-tokens N] [--runs N] [--batch N | --concurrent N [--shared-prompt] [--max-batch-rows N]] [--provider P] [--compare-bare] [--compare-genai] [--json]</c>:
/// prefill time, decode tokens/s and the share of decode wall time spent inside ONNX Runtime's Run
/// (medians over the runs, after one warm-up). Prompts are seeded random token ids, so any model
/// works, with or without a tokenizer. <c>--compare-bare</c> interleaves runs of the plainest ONNX Runtime
/// loop (<see cref="BareOrtLoop"/>) on the same model and prints the ratio; <c>--compare-genai</c> does the same with
/// ONNX Runtime GenAI's generator (<see cref="GenAiPeer"/>, for folders with a genai_config.json) and also says
/// whether its greedy tokens equal the engine's. <c>--concurrent N</c> measures the scheduler instead: N independent
/// requests one after another, then together (<see cref="ConcurrentBench"/>); <c>--shared-prompt</c> gives them one prompt,
/// as the variants of a cell.
/// </summary>
public static class BenchVerb
{
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("bench", args, ["model", "models", "prompt-tokens", "new-tokens", "runs", "batch", "provider", "concurrent", "max-batch-rows"], ["json", "compare-bare", "compare-genai", "shared-prompt"]);
        int promptTokens = a.GetInt("prompt-tokens", 128, 1);
        int newTokens = a.GetInt("new-tokens", 64, 2);
        int runs = a.GetInt("runs", 3, 1, 1000);
        int batch = a.GetInt("batch", 1, 1, 256);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        bool bare = a.Has("compare-bare");
        bool genAi = a.Has("compare-genai");
        if (bare && batch != 1) throw new CliException($"--compare-bare needs --batch 1 (got --batch {batch}): the bare loop decodes one sequence");
        if (genAi && batch != 1) throw new CliException($"--compare-genai needs --batch 1 (got --batch {batch}): the peer decodes one sequence");
        using var catalog = ModelArgs.Catalog(context, a);
        var model = await catalog.GetAsync(ModelArgs.ModelName(a, catalog), provider);
        ModelArgs.ReportAuto(context, provider, model);
        using var peer = genAi ? GenAiPeer.Open(model.Folder.Path, model.Provider) : null;
        if (a.Get("concurrent") is not null)
        {
            if (model.ContextLength is int ctx && promptTokens * 3 / 2 + newTokens > ctx)
                throw new CliException($"--prompt-tokens x 1.5 + --new-tokens (={promptTokens * 3 / 2 + newTokens}) exceed the model's context length {ctx}: with --concurrent prompts are 0.5 to 1.5 times --prompt-tokens long");
            if (batch != 1 || bare || genAi) throw new CliException("--concurrent measures the scheduler: leave out --batch, --compare-bare and --compare-genai");
            int concurrent = a.GetInt("concurrent", 8, 1, 256);
            int maxRows = a.GetInt("max-batch-rows", Math.Max(concurrent, 16), 1, 1024);
            if (!a.Has("json"))
                context.Error.WriteLine($"bench {model.Folder.Name} ({ModelsVerb.Format(model.Card.Parameters)} parameters) on {model.Provider.Name}: {concurrent} requests, prompts about {promptTokens} tokens, {newTokens} new tokens, {runs} runs + 1 warm-up");
            var figures = await ConcurrentBench.RunAsync(model, concurrent, promptTokens, newTokens, runs, maxRows, a.Has("shared-prompt"),
                line => { if (!a.Has("json")) context.Error.WriteLine(line); }, cancellationToken);
            if (a.Has("json")) CliJson.Write(context.Out, figures);
            else
                foreach (var property in figures.GetType().GetProperties().Skip(3))
                    context.Out.WriteLine($"{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name),-28} {property.GetValue(figures)}");
            return 0;
        }
        if (model.ContextLength is int window && promptTokens + newTokens > window)
            throw new CliException($"--prompt-tokens + --new-tokens (={promptTokens + newTokens}) exceed the model's context length {window}");

        var random = new Random(1234);
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(model.Layout.VocabSize)).ToArray()).ToList();
        var settings = DecodingSettings.Defaults with { MaxNewTokens = newTokens };   // greedy whatever the model's generation_config says
        var options = new GenerationOptions { StopAtEos = false };
        var prefill = new List<double>(); var decode = new List<double>(); var share = new List<double>(); var bareDecode = new List<double>(); var genAiDecode = new List<double>();
        bool? genAiSameTokens = null;
        if (!a.Has("json"))
            context.Error.WriteLine($"bench {model.Folder.Name} ({ModelsVerb.Format(model.Card.Parameters)} parameters) on {model.Provider.Name}: prompt {promptTokens} tokens, {newTokens} new tokens, batch {batch}, {runs} runs + 1 warm-up");
        for (int run = 0; run <= runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stats = new GenerationStats();
            var engineTokens = new List<int>();
            foreach (var step in TextGenerator.Generate(model, prompts, settings, options, stats, cancellationToken))
                if (step.Sequence == 0) engineTokens.Add(step.Token);
            if (bare)
            {
                var (_, elapsed) = BareOrtLoop.Run(model, prompts[0], newTokens);
                if (run > 0) bareDecode.Add((newTokens - 1) / elapsed.TotalSeconds);
            }
            if (peer is not null)
            {
                var (peerTokens, elapsed) = peer.Run(prompts[0], newTokens);
                genAiSameTokens = (genAiSameTokens ?? true) && peerTokens.SequenceEqual(engineTokens);
                if (run > 0) genAiDecode.Add((newTokens - 1) / elapsed.TotalSeconds);
            }
            if (run == 0) continue;   // warm-up
            prefill.Add(stats.Prefill.TotalMilliseconds);
            decode.Add(stats.DecodeTokensPerSecond(batch));
            share.Add(stats.OrtRunShare);
        }

        var result = new
        {
            Model = model.Folder.Name, Provider = model.Provider.Name, Parameters = model.Card.Parameters,
            PromptTokens = promptTokens, NewTokens = newTokens, Batch = batch, Runs = runs,
            PrefillMs = Math.Round(Median(prefill), 3),
            DecodeTokensPerS = Math.Round(Median(decode), 3),
            OrtRunShare = Math.Round(Median(share), 4),
            BareDecodeTokensPerS = bare ? Math.Round(Median(bareDecode), 3) : (double?)null,
            EngineOverBare = bare ? Math.Round(Median(decode) / Median(bareDecode), 4) : (double?)null,
            GenaiDecodeTokensPerS = genAi ? Math.Round(Median(genAiDecode), 3) : (double?)null,
            EngineOverGenai = genAi ? Math.Round(Median(decode) / Median(genAiDecode), 4) : (double?)null,
            GenaiSameTokens = genAiSameTokens,
        };
        if (a.Has("json")) { CliJson.Write(context.Out, result); return 0; }
        context.Out.WriteLine($"prefill_ms           {result.PrefillMs:0.0}");
        context.Out.WriteLine($"decode_tokens_per_s  {result.DecodeTokensPerS:0.00}");
        context.Out.WriteLine($"ort_run_share        {result.OrtRunShare:0.000}");
        if (bare)
        {
            context.Out.WriteLine($"bare_decode_tokens_per_s  {result.BareDecodeTokensPerS:0.00}");
            context.Out.WriteLine($"engine/bare          {result.EngineOverBare:0.000}");
        }
        if (genAi)
        {
            context.Out.WriteLine($"genai_decode_tokens_per_s {result.GenaiDecodeTokensPerS:0.00}");
            context.Out.WriteLine($"engine/genai         {result.EngineOverGenai:0.000}");
            context.Out.WriteLine($"genai_same_tokens    {(result.GenaiSameTokens == true ? "true" : "false")}");
        }
        return 0;
    }

    internal static double Median(List<double> values)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
