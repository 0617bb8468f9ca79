using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Decoding;
using GptPlayground.Inference;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks.Templates;
using GptPlayground.Services;
using GptPlayground.Tokenizers;
using Microsoft.AspNetCore.Http;

namespace GptPlayground.Api;

/// <summary>A request ready to run: its prompts encoded with the model's tokenizer and its effective settings checked.</summary>
/// <param name="Request">What was asked.</param>
/// <param name="Model">The model's catalog name.</param>
/// <param name="PromptIds">Each prompt's token ids.</param>
/// <param name="PromptTexts">Each prompt's text (for echo and logprob offsets).</param>
/// <param name="Settings">The settings every prompt runs with (<see cref="ApiRequest.Effective"/>), not yet resolved.</param>
/// <param name="Tokenizer">The model's tokenizer, for the tokens' text and bytes in logprobs; null when the model has none.</param>
/// <param name="Prompts">Each prompt as text and messages, for a remote model (whose token ids are unknown here).</param>
public sealed record ApiRun(ApiRequest Request, string Model, IReadOnlyList<int[]> PromptIds, IReadOnlyList<string> PromptTexts,
    DecodingSettings Settings, ITokenizer? Tokenizer, IReadOnlyList<PromptText> Prompts)
{
    /// <summary>Sequences per prompt (n).</summary>
    public int N => Settings.NumReturnSequences ?? 1;

    /// <summary>Each prompt's run progress (a remote model's server reports the prompt's length there).</summary>
    public RunProgress[] Progress { get; } = PromptIds.Select(_ => new RunProgress()).ToArray();

    /// <summary>Prompt tokens over all prompts (usage.prompt_tokens); for a remote model, as its server counted them.</summary>
    public int PromptTokens => PromptIds.Sum(p => p.Length) is > 0 and var n ? n : Progress.Sum(p => p.PromptTokens ?? 0);
}

/// <summary>A generated token of one prompt's run.</summary>
/// <param name="Prompt">Index of the prompt.</param>
/// <param name="Step">The engine's step (its <see cref="GenerationStep.Sequence"/> counts within the prompt).</param>
public sealed record ApiStep(int Prompt, GenerationStep Step);

/// <summary>
/// Runs API requests the way the UI runs cells: it encodes the prompt with the model's tokenizer (a chat through the
/// model's chat template, as instruction cells are), applies OpenAI's conventions to the settings
/// (<see cref="ApiRequest.Effective"/>), validates them with the engine's messages, and streams every prompt through the
/// client's <see cref="GenerationRunner"/> (the model's fair queue, shared with the UI). Engine errors become
/// <see cref="ApiException"/>s with OpenAI's status codes. With <see cref="RunRecords"/>, each prompt's finished run
/// leaves a record in <c>PROMPTS/.runs/api/MODEL.jsonl</c>.
/// </summary>
public sealed class ApiGeneration(ModelCatalog catalog, RunRecords? records = null)
{
    /// <summary>Encodes the prompts and checks the settings; nothing is queued yet.</summary>
    /// <exception cref="ApiException">404 unknown model, 503 model cannot load, 400 bad prompt or settings.</exception>
    public async Task<ApiRun> PrepareAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string key;
        try { key = catalog.Resolve(request.Model); }
        catch (ModelException e) { throw new ApiException(StatusCodes.Status404NotFound, e.Message, "model", "model_not_found"); }
        RemoteModel? remote;
        try { remote = catalog.Remote(key); }
        catch (ModelException e) { throw Unavailable(request.Model, e); }
        if (remote is not null) return PrepareRemote(request, remote);
        using var lease = catalog.Lease(key);               // not unloaded while its tokenizer is in use
        LanguageModel model;
        try { model = await catalog.GetAsync(key); }
        catch (ModelException e) { throw Unavailable(request.Model, e); }
        cancellationToken.ThrowIfCancellationRequested();

        var ids = new List<int[]>();
        var texts = new List<string>();
        foreach (var prompt in request.Prompts)
        {
            try { if (prompt.Ids is { } given) model.CheckTokenIds(given); }
            catch (ModelException e) { throw ApiException.BadRequest(e.Message, "prompt", "invalid_value"); }
            var (text, encoded) = Encode(model, prompt);
            if (encoded.Length == 0) throw ApiException.BadRequest("the prompt is empty after tokenization: give some text or token ids", "prompt", "invalid_value");
            if (model.ContextLength is int context && encoded.Length >= context)
                throw ApiException.BadRequest($"the prompt has {encoded.Length} tokens and {model.Folder.Name}'s context length is {context}: no room to generate; shorten the prompt",
                    request.Chat ? "messages" : "prompt", "context_length_exceeded");
            ids.Add(encoded);
            texts.Add(text);
        }

        var settings = request.Effective(model.Config.GenerationDefaults);
        ThrowIfInvalid(request, settings.Resolve(model.Config.GenerationDefaults, model.ContextLength).Validate(model.ContextLength, ids.Max(p => p.Length)));
        return new ApiRun(request, model.Folder.Name, ids, texts, settings, model.Tokenizer, texts.Select(t => new PromptText(t)).ToList());
    }

    /// <summary>
    /// A request for a remote model: its text (or messages) goes to the server, which encodes it and applies its own chat
    /// template and generation defaults; the settings are checked here against what remote.json states.
    /// </summary>
    static ApiRun PrepareRemote(ApiRequest request, RemoteModel remote)
    {
        var prompts = request.Prompts.Select(p => p switch
        {
            { Messages: { } messages } => new PromptText(ChatFormats.Render(messages, ModelPromptInfo.None).Text, messages),
            { Text: { } text } => new PromptText(text),
            _ => throw ApiException.BadRequest($"{remote.Name} is a remote model: send the prompt as text (its token ids are the server's)", "prompt", "invalid_value"),
        }).ToList();
        if (prompts.Any(p => p.Text.Length == 0 && p.Messages is null)) throw ApiException.BadRequest("the prompt is empty: give some text", "prompt", "invalid_value");
        var settings = request.Effective(new DecodingSettings());
        ThrowIfInvalid(request, settings.Resolve(null, remote.ContextLength).Validate(remote.ContextLength));
        return new ApiRun(request, remote.Name, prompts.Select(_ => Array.Empty<int>()).ToList(), prompts.Select(p => p.Text).ToList(), settings, null, prompts);
    }

    /// <summary>
    /// Streams the steps of every prompt, interleaved, through <paramref name="runner"/>. Stopping the enumeration or
    /// cancelling <paramref name="cancellationToken"/> (the client went away) stops every prompt's generation.
    /// </summary>
    /// <exception cref="ApiException">429 the model's queue is full; 503 the model cannot load; 400 the engine refused the request.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async IAsyncEnumerable<ApiStep> RunAsync(ApiRun run, GenerationRunner runner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<ApiStep>(new BoundedChannelOptions(64) { SingleReader = true });
        int open = run.PromptIds.Count;
        var producers = run.PromptIds.Select((ids, i) => Task.Run(async () =>
        {
            try
            {
                var request = new RunRequest(run.Model, ids, run.Settings, run.Request.TopLogprobs ?? 0) { Text = run.Prompts[i] };
                var sequences = new List<SequenceOutput>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await foreach (var step in runner.RunAsync(request, run.Progress[i], stop.Token))
                {
                    while (sequences.Count <= step.Sequence) sequences.Add(new SequenceOutput());
                    sequences[step.Sequence].Add(step);
                    await channel.Writer.WriteAsync(new ApiStep(i, step), stop.Token);
                }
                await RecordAsync(run, i, sequences, clock.Elapsed);
                if (Interlocked.Decrement(ref open) == 0) channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(Translate(run.Request, e));    // the first failure ends the request
                stop.Cancel();
            }
        })).ToList();
        try
        {
            await foreach (var step in channel.Reader.ReadAllAsync(cancellationToken))
                yield return step;
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(producers);
        }
    }

    /// <summary>Records one prompt's finished run (<see cref="RunRecords.ApiFileFor"/>); a record that cannot be written is logged by <see cref="RunRecords"/>, never the request's error.</summary>
    async Task RecordAsync(ApiRun run, int prompt, IReadOnlyList<SequenceOutput> sequences, TimeSpan elapsed)
    {
        var progress = run.Progress[prompt];
        if (records?.ApiFileFor(run.Model) is not { } file || progress.Settings is not { } settings) return;
        await records.WriteAsync(file, () => RunRecords.Create("api", run.Model, progress.ModelPath, progress.Provider, settings, run.Request.TopLogprobs ?? 0,
            run.PromptIds[prompt], run.PromptTexts[prompt], sequences, new RecordedTimings
            {
                LoadMs = progress.Load is { } load ? Math.Round(load.TotalMilliseconds, 1) : null,
                PrefillMs = Math.Round(progress.Stats.Prefill.TotalMilliseconds, 1),
                DecodeMs = Math.Round(progress.Stats.Decode.TotalMilliseconds, 1),
                TotalMs = Math.Round(elapsed.TotalMilliseconds, 1),
                TokensPerSecond = Math.Round(progress.Stats.DecodeTokensPerSecond(Math.Max(1, sequences.Count)), 1),
            }));
    }

    /// <summary>The prompt text and its token ids, encoded as the <c>generate</c> verb (text) and instruction cells (chat) do.</summary>
    static (string Text, int[] Ids) Encode(LanguageModel model, ApiPrompt prompt)
    {
        if (prompt.Ids is { } given) return (model.Tokenizer?.Decode(given) ?? "", given);
        var tokenizer = model.Tokenizer ?? throw ApiException.BadRequest(
            $"{model.Folder.Name} has no tokenizer ({model.TokenizerError}): send token ids as the prompt", "prompt", "invalid_value");
        try
        {
            if (prompt.Messages is { } messages)
            {
                var chat = ChatFormats.Render(messages, ModelPromptInfo.From(model.Files));
                return (chat.Text, tokenizer.Encode(chat.Text, chat.AddSpecialTokens));
            }
            return (prompt.Text!, model.Encode(prompt.Text!));
        }
        catch (Exception e) when (e is ChatTemplateException or ArgumentException or TokenizerException)
        {
            throw ApiException.BadRequest(e.Message, prompt.Messages is null ? "prompt" : "messages", "invalid_value");
        }
    }

    /// <summary>A 400 listing every error of the engine's validation in the request's terms, its param the first error's parameter.</summary>
    static void ThrowIfInvalid(ApiRequest request, DecodingValidation validation)
    {
        if (!validation.IsValid)
            throw ApiException.BadRequest(string.Join(" | ", validation.Errors.Select(e => InRequestTerms(request, e))),
                request.ParameterName(validation.Errors[0].Parameter), "invalid_value");
    }

    /// <summary>An engine message in the request's terms: its parameter names (n, max_tokens) and temperature for do_sample.</summary>
    static string InRequestTerms(ApiRequest request, DecodingIssue issue) => issue.Message
        .Replace("num_return_sequences (=", "n (=", StringComparison.Ordinal)
        .Replace("max_new_tokens (=", request.MaxTokensName + " (=", StringComparison.Ordinal)
        .Replace("(do_sample=true)", "(temperature > 0)", StringComparison.Ordinal)
        .Replace("do_sample=true", "temperature > 0", StringComparison.Ordinal)
        .Replace("do_sample=false", "temperature=0", StringComparison.Ordinal);

    static ApiException Unavailable(string model, Exception e) =>
        new(StatusCodes.Status503ServiceUnavailable, $"model '{model}' cannot be loaded: {e.Message}", "model", "model_unavailable");

    /// <summary>An engine exception as the API's error; cancellation stays cancellation.</summary>
    static Exception Translate(ApiRequest request, Exception e) => e switch
    {
        OperationCanceledException or ApiException => e,
        QueueFullException => new ApiException(StatusCodes.Status429TooManyRequests, e.Message + "; retry later", null, "queue_full"),
        RemoteModelException r => new ApiException(r.Status switch
        {
            StatusCodes.Status429TooManyRequests => StatusCodes.Status429TooManyRequests,
            >= 400 and < 500 and not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden) => StatusCodes.Status400BadRequest,
            StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => r.Status,
            _ => StatusCodes.Status502BadGateway,
        }, r.Message, null, "remote_error"),
        ModelException => Unavailable(request.Model, e),
        ArgumentException => ApiException.BadRequest(e.Message),
        _ => e,
    };
}
