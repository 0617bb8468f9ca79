using System.Collections.Concurrent;
using GptPlayground.Inference.Models;
using GptPlayground.Notebooks;
using GptPlayground.Notebooks.Templates;
using GptPlayground.Tokenizers;

namespace GptPlayground.Services;

/// <summary>
/// The live prompt preview: a cell's exact prompt (<see cref="PromptRenderer"/>, with the model's chat template),
/// its token count and the model's context length, without loading the model's weights. Each model's tokenizer and
/// template come from the catalog's prompt view (<see cref="ModelCatalog.PromptView"/>): read once, shared by every
/// session and by the model once it loads.
/// </summary>
public sealed class PromptTokens(ModelCatalog catalog)
{
    readonly ConcurrentDictionary<string, Lazy<ModelText>> models = new(StringComparer.Ordinal);

    sealed record ModelText(ITokenizer? Tokenizer, ModelPromptInfo Prompt, int? Context, string? Error);

    /// <summary>Renders <paramref name="cell"/> for <paramref name="model"/> and counts its tokens.</summary>
    /// <returns>The prompt (null when it cannot be rendered) and its count; errors a user can act on instead of exceptions.</returns>
    public PromptPreviewResult Preview(Notebook notebook, PromptCell cell, string? model)
    {
        var info = string.IsNullOrEmpty(model) ? null : Get(model);
        RenderedPrompt rendered;
        try { rendered = PromptRenderer.Render(notebook, cell, info?.Prompt, tokenizer: null); }
        catch (ArgumentException e) { return new PromptPreviewResult(null, null, e.Message); }
        return new PromptPreviewResult(rendered, Count(info, rendered.Text, rendered.AddSpecialTokens), null);
    }

    /// <summary>Counts the tokens of <paramref name="text"/> for <paramref name="model"/>.</summary>
    public PromptCount Count(string? model, string text, bool addSpecialTokens = true) =>
        Count(string.IsNullOrEmpty(model) ? null : Get(model), text, addSpecialTokens);

    static PromptCount Count(ModelText? info, string text, bool addSpecialTokens)
    {
        if (info is null) return new PromptCount(null, null, "no model chosen: pick one in the notebook's settings");
        if (info.Tokenizer is null) return new PromptCount(null, info.Context, info.Error);
        try { return new PromptCount(info.Tokenizer.Encode(text, addSpecialTokens).Length, info.Context, null); }
        catch (TokenizerException e) { return new PromptCount(null, info.Context, e.Message); }
    }

    /// <summary>Forgets cached tokenizers (after the models folder changed).</summary>
    public void Clear()
    {
        models.Clear();
        catalog.ForgetPromptViews();
    }

    ModelText Get(string model) =>
        models.GetOrAdd(model, name => new Lazy<ModelText>(() =>
        {
            try
            {
                var view = catalog.PromptView(name);   // the files and tokenizer the model itself runs with
                if (view.Files is null) return new ModelText(null, ModelPromptInfo.None, null, view.Error);
                return new ModelText(view.Tokenizer, ModelPromptInfo.From(view.Files), view.ContextLength, view.TokenizerError);
            }
            catch (Inference.ModelException e) { return new ModelText(null, ModelPromptInfo.None, null, e.Message); }
        })).Value;
}

/// <summary>A cell's rendered prompt with its token count, or why it cannot be rendered.</summary>
/// <param name="Prompt">The rendered prompt; null when rendering failed.</param>
/// <param name="Count">Its token count against the context; null when rendering failed.</param>
/// <param name="Error">Why it cannot be rendered.</param>
public sealed record PromptPreviewResult(RenderedPrompt? Prompt, PromptCount? Count, string? Error);

/// <summary>A prompt's token count against the model's context.</summary>
/// <param name="Tokens">Token count, or null when it could not be counted.</param>
/// <param name="ContextLength">The model's context length, when known.</param>
/// <param name="Error">Why it could not be counted.</param>
public sealed record PromptCount(int? Tokens, int? ContextLength, string? Error)
{
    /// <summary>Share of the context the prompt fills, 0..1 (can exceed 1 when it does not fit); null when unknown.</summary>
    public double? Usage => Tokens is int t && ContextLength is int c && c > 0 ? (double)t / c : null;
}
