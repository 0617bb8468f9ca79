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
public sealed record ApiRun(ApiRequest Request, string Model, IReadOnlyList<int[]> PromptIds, IReadOnlyList<string> PromptTexts,
    DecodingSettings Settings, ITokenizer? Tokenizer)
{
    /// <summary>Sequences per prompt (n).</summary>
    public int N => Settings.NumReturnSequences ?? 1;

    /// <summary>Prompt tokens over all prompts (usage.prompt_tokens).</summary>
    public int PromptTokens => PromptIds.Sum(p => p.Length);
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
/// <see cref="ApiException"/>s with OpenAI's status codes.
/// </summary>
public sealed class ApiGeneration(ModelCatalog catalog)
{
    /// <summary>Encodes the prompts and checks the settings; nothing is queued yet.</summary>
    /// <exception cref="ApiException">404 unknown model, 503 model cannot load, 400 bad prompt or settings.</exception>
    public async Task<ApiRun> PrepareAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string key;
        try { key = catalog.Resolve(request.Model); }
        catch (ModelException e) { throw new ApiException(StatusCodes.Status404NotFound, e.Message, "model", "model_not_found"); }
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
        var validation = settings.Resolve(model.Config.GenerationDefaults, model.ContextLength).Validate(model.ContextLength, ids.Max(p => p.Length));
        if (!validation.IsValid)
            throw ApiException.BadRequest(string.Join(" | ", validation.Errors.Select(e => InRequestTerms(request, e))),
                request.ParameterName(validation.Errors[0].Parameter), "invalid_value");
        return new ApiRun(request, model.Folder.Name, ids, texts, settings, model.Tokenizer);
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
                var request = new RunRequest(run.Model, ids, run.Settings, run.Request.TopLogprobs ?? 0);
                await foreach (var step in runner.RunAsync(request, new RunProgress(), stop.Token))
                    await channel.Writer.WriteAsync(new ApiStep(i, step), stop.Token);
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
        ModelException => Unavailable(request.Model, e),
        ArgumentException => ApiException.BadRequest(e.Message),
        _ => e,
    };
}
