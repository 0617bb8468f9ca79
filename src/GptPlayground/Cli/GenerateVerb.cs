using System.Globalization;
using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>generate --model M (--prompt T | --prompt-file F | --prompt-ids 1,2,3) [decoding flags] [--provider P]
/// [--top-logprobs K] [--json]</c>. Repeating --prompt or --prompt-ids decodes a batch. The decoding flags are every
/// <see cref="DecodingSettings"/> setting (<see cref="DecodingFlags"/>); warnings about ignored settings go to stderr.
/// Text mode streams a single sequence to stdout (several are printed one after another) and a summary to stderr;
/// --json prints one object with raw and processed logprobs per step and, for beam search, each sequence's score.
/// </summary>
public static class GenerateVerb
{
    static readonly string[] Options = ["model", "models", "prompt", "prompt-file", "prompt-ids", "provider", "top-logprobs", .. DecodingFlags.Options];

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("generate", args, Options, ["json", .. DecodingFlags.Switches]);
        var settings = DecodingFlags.Parse(a, args);
        int topLogprobs = a.GetInt("top-logprobs", 0, 0, 20);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = ModelArgs.Catalog(context, a);
        var modelName = ModelArgs.ModelName(a, catalog);
        catalog.Resolve(modelName);                    // an unknown model fails before any prompt file is read
        var texts = ReadPrompts(a);
        if (catalog.Remote(modelName) is { } remote) return await RemoteAsync(context, a, catalog, remote, texts, settings, topLogprobs, cancellationToken);
        var loading = System.Diagnostics.Stopwatch.StartNew();
        var model = await catalog.GetAsync(modelName, provider);
        var load = loading.Elapsed;
        ModelArgs.ReportAuto(context, provider, model);
        var prompts = texts.Select(p => p.Ids ?? model.Encode(p.Text!)).ToList();
        if (prompts.Any(p => p.Length == 0)) throw new CliException("the prompt is empty after tokenization: give some text or token ids");

        var resolved = settings.Resolve(model.Config.GenerationDefaults, model.ContextLength);
        var validation = resolved.Validate(model.ContextLength, prompts.Max(p => p.Length));
        if (!validation.IsValid) throw new CliException(string.Join(" | ", validation.Errors.Select(DecodingFlags.ForCli)));

        if (a.Has("json"))
        {
            var result = TextGenerator.Complete(model, prompts, resolved, new() { TopLogprobs = topLogprobs }, cancellationToken);
            Warn(context, validation);
            CliJson.Write(context.Out, ToJson(model, prompts, result));
            return 0;
        }
        var stats = new GenerationStats();
        int sequences = prompts.Count * resolved.NumReturnSequences!.Value;
        var outputs = Enumerable.Range(0, sequences).Select(_ => new System.Text.StringBuilder()).ToArray();
        var finishes = new FinishReason?[sequences];
        var scores = new double?[sequences];
        var steps = TextGenerator.GenerateAsync(model, prompts, resolved, new() { TopLogprobs = topLogprobs }, stats, cancellationToken);   // checks the prompts
        Warn(context, validation);
        await foreach (var step in steps)
        {
            if (sequences == 1) { context.Out.Write(step.Text); context.Out.Flush(); }
            else outputs[step.Sequence].Append(step.Text);
            if (step.Finish is { } f) { finishes[step.Sequence] = f; scores[step.Sequence] = step.Score; }
        }
        if (sequences == 1) context.Out.WriteLine();
        else
            for (int i = 0; i < sequences; i++)
            {
                var score = scores[i] is { } sc ? $", score {sc.ToString("0.####", CultureInfo.InvariantCulture)}" : "";
                context.Out.WriteLine($"--- sequence {i} (prompt {i / resolved.NumReturnSequences!.Value}, {Name(finishes[i])}{score}) ---\n{outputs[i]}");
            }
        context.Error.WriteLine($"[{model.Folder.Name} on {model.Provider.Name}; {resolved.Summary()}; finish {string.Join(",", finishes.Select(Name))}; {stats.Tokens} tokens; {TimingText.Of(stats, prompts.Count, load).Replace(" · ", "; ")}]");
        return 0;
    }

    /// <summary>
    /// <c>generate</c> on a remote model (models/NAME/remote.json): each prompt's text goes to its server through
    /// <see cref="RemoteGeneration"/>, the path notebook cells take; text streams to stdout, a summary to stderr, or --json
    /// prints the sequences' text and finish reasons (token ids and processed logprobs are the server's, not reported).
    /// </summary>
    static async Task<int> RemoteAsync(CliContext context, CliArgs a, ModelCatalog catalog, RemoteModel remote, List<PromptInput> texts,
        DecodingSettings settings, int topLogprobs, CancellationToken cancellationToken)
    {
        if (texts.Any(p => p.Text is null)) throw new CliException($"{remote.Name} is a remote model ({remote.Where}): give the prompt as text, not token ids");
        var validation = settings.Resolve(null, remote.ContextLength).Validate(remote.ContextLength);
        if (!validation.IsValid) throw new CliException(string.Join(" | ", validation.Errors.Select(DecodingFlags.ForCli)));
        Warn(context, validation);
        using var session = new PlaygroundSession();
        var generation = new RemoteGeneration(catalog);
        bool json = a.Has("json");
        var sequences = new List<object>();
        int n = settings.Resolve().NumReturnSequences!.Value, tokens = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int p = 0; p < texts.Count; p++)
        {
            var outputs = Enumerable.Range(0, n).Select(_ => new System.Text.StringBuilder()).ToArray();
            var finishes = new FinishReason?[n];
            var request = new RunRequest(remote.Name, [], settings, topLogprobs) { Text = new PromptText(texts[p].Text!) };
            try
            {
                await foreach (var step in generation.RunAsync(request, new RunProgress(), session, cancellationToken))
                {
                    if (!json && texts.Count * n == 1) { context.Out.Write(step.Text); context.Out.Flush(); }
                    else outputs[step.Sequence].Append(step.Text);
                    if (step.Finish is { } f) finishes[step.Sequence] = f;
                    tokens++;
                }
            }
            catch (RemoteModelException e) { throw new CliException(e.Message); }
            for (int i = 0; i < n; i++)
            {
                if (json) sequences.Add(new { Prompt = p, Text = outputs[i].ToString(), FinishReason = finishes[i] });
                else if (texts.Count * n > 1) context.Out.WriteLine($"--- sequence {p * n + i} (prompt {p}, {Name(finishes[i])}) ---\n{outputs[i]}");
            }
        }
        if (json) CliJson.Write(context.Out, new { Model = remote.Name, Remote = remote.Where, Settings = settings, Summary = settings.Summary(), Sequences = sequences });
        else
        {
            if (texts.Count * n == 1) context.Out.WriteLine();
            context.Error.WriteLine($"[{remote.Name}: remote, {remote.Where}; {settings.Summary()}; {tokens} tokens in {clock.Elapsed.TotalSeconds:0.00} s]");
        }
        return 0;
    }

    static void Warn(CliContext context, DecodingValidation validation)
    {
        foreach (var w in validation.Warnings) context.Error.WriteLine($"gptplayground generate: warning: {DecodingFlags.ForCli(w)}");
    }

    static string Name(FinishReason? f) => f?.ToString().ToLowerInvariant() ?? "?";

    /// <summary>One prompt: text to encode, or token ids given directly.</summary>
    sealed record PromptInput(string? Text, int[]? Ids);

    static List<PromptInput> ReadPrompts(CliArgs a)
    {
        var prompts = new List<PromptInput>();
        prompts.AddRange(a.GetAll("prompt").Select(t => new PromptInput(t, null)));
        if (a.Get("prompt-file") is { } file)
        {
            try { prompts.Add(new PromptInput(File.ReadAllText(file), null)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--prompt-file (={file}) cannot be read: {e.Message}");
            }
        }
        prompts.AddRange(a.GetAll("prompt-ids").Select(ids => new PromptInput(null, ParseIds(ids))));
        if (prompts.Count == 0) throw new CliException("'generate' needs a prompt: --prompt TEXT, --prompt-file F or --prompt-ids 1,2,3");
        if (prompts.Any(p => p.Text is { Length: 0 })) throw new CliException("the prompt is empty: give some text or token ids");
        return prompts;
    }

    /// <summary>Parses "1,2,3" (spaces allowed).</summary>
    /// <exception cref="CliException">Anything that is not a comma-separated list of non-negative integers.</exception>
    public static int[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliException($"--prompt-ids (={text}) is empty: give comma-separated token ids, e.g. 1,2,3");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id : throw new CliException($"--prompt-ids (={text}): '{p}' is not a token id (a non-negative integer)")).ToArray();
    }

    static object ToJson(LanguageModel model, IReadOnlyList<int[]> prompts, GenerationResult result) => new
    {
        Model = model.Folder.Name,
        Provider = model.Provider.Name,
        ProviderReason = model.Provider.Reason,
        PromptTokens = prompts[0],
        Settings = result.Settings,
        Summary = result.Settings?.Summary(),
        Warnings = result.Warnings.Select(w => w.Message),
        Sequences = result.Sequences.Select(s => new
        {
            s.Prompt,
            PromptTokens = prompts.Count > 1 ? prompts[s.Prompt] : null,
            s.Tokens,
            s.Text,
            FinishReason = s.Finish,
            s.Score,
            Steps = s.Steps.Select(step => new
            {
                step.Token,
                step.Text,
                step.Logprob,
                TopLogprobs = step.TopLogprobs.Select(t => new { t.Token, t.Text, t.Logprob }),
                step.ProcessedLogprob,
                ProcessedTopLogprobs = step.ProcessedTopLogprobs.Select(t => new { t.Token, t.Text, t.Logprob }),
            }),
        }),
        Timing = new
        {
            PrefillMs = Math.Round(result.Stats.Prefill.TotalMilliseconds, 3),
            DecodeTokensPerS = Math.Round(result.Stats.DecodeTokensPerSecond(prompts.Count), 2),
        },
    };
}
