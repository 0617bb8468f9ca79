using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Models;

/// <summary>
/// The "Try it" panel of one model: greedy generation from a typed prompt, streamed token by token,
/// with tokens/s and the finish reason. The prompt runs as a one-cell notebook through the <see cref="CellRunner"/>
/// (the same path as a notebook cell); the panel is a view of its <see cref="VariantRun"/>. The model loads on first
/// use (shared with every session); the run waits for its turn in the model's fair queue.
/// Cancel, leaving the page, or closing the browser cancels the generation within one step. Errors show inside the panel.
/// </summary>
public sealed partial class TryModel : IDisposable
{
    /// <summary>Largest budget the panel accepts; the model's context length caps it further.</summary>
    public const int MaxNewTokensLimit = 4096;

    CancellationTokenSource? cancel;
    VariantRun? run;

    /// <summary>Name of the model in the catalog.</summary>
    [Parameter, EditorRequired] public string Model { get; set; } = "";

    /// <summary>The model's context length when known: the token budget cannot exceed it.</summary>
    [Parameter] public int? ContextLength { get; set; }

    /// <summary>Raised once the model is loaded (a generation loads it on first use).</summary>
    [Parameter] public EventCallback Loaded { get; set; }

    [Inject] CellRunner Runner { get; set; } = default!;

    /// <summary>The prompt text.</summary>
    public string Prompt { get; set; } = "";

    /// <summary>Tokens to generate at most (default 32); null while the field is empty.</summary>
    public int? MaxNewTokens { get; set; } = 32;

    /// <summary>Why <see cref="MaxNewTokens"/> cannot be used, or null. Shown next to the field; Generate is disabled meanwhile.</summary>
    public string? MaxNewTokensError => MaxNewTokens switch
    {
        null => "max new tokens is required: enter a number from 1",
        < 1 => $"max new tokens (={MaxNewTokens}) must be at least 1",
        > MaxNewTokensLimit => $"max new tokens (={MaxNewTokens}) must be at most {MaxNewTokensLimit}",
        int n when ContextLength is int c && n >= c => $"max new tokens (={n}) must be below the model's context length ({c})",
        _ => null,
    };

    /// <summary>True while a generation runs.</summary>
    public bool Running => cancel is not null;

    /// <summary>The last generation's error, for the user.</summary>
    public string? Error { get; private set; }

    /// <summary>Generated text so far; null before the first Generate.</summary>
    string? Output => run is null ? null : run.Sequences.FirstOrDefault()?.Text ?? "";

    /// <summary>The prompt the output continues (as sent, shown dimmed before the output).</summary>
    string PromptShown { get; set; } = "";

    /// <summary>One line: tokens, tokens/s, and the finish reason (or "generating…", "cancelled").</summary>
    string Status { get; set; } = "";

    /// <summary>Runs one generation, streaming steps into <see cref="Output"/>. Does nothing while one is running.</summary>
    async Task GenerateAsync()
    {
        if (Running || MaxNewTokensError is not null) return;
        using var stop = cancel = new CancellationTokenSource();
        Error = null;
        var column = run = new VariantRun("try", "");
        PromptShown = Prompt;
        Status = "loading the model…";
        bool loaded = false;
        var notebook = new Notebook { Model = Model, Decoding = new DecodingSettings { MaxNewTokens = MaxNewTokens!.Value } };
        var request = new CellRunRequest(notebook, new ZeroShotCell { Input = Prompt }, Model) { TopLogprobs = 0 };
        try
        {
            await Runner.RunAsync(request, [column], () => InvokeAsync(async () =>
            {
                if (!loaded && column.TokenCount > 0) { loaded = true; await Loaded.InvokeAsync(); }
                if (column.Running) Status = Progress(column);
                StateHasChanged();
            }), stop.Token);
        }
        finally
        {
            cancel = null;
        }
        if (column.Error is { } error) Error = error;
        var finish = column.Sequences.FirstOrDefault()?.Finish;
        Status = Summary(column.TokenCount, column.Stats, column.Load,
            column.Cancelled ? "cancelled" : column.Error is not null ? "failed" : finish is { } f ? Describe(f) : "stopped");
    }

    /// <summary>The status line while the run is going: its place in the queue, loading, or the tokens so far.</summary>
    static string Progress(VariantRun column) =>
        column.QueuePosition is int place ? $"waiting in queue: position {place}"
        : column.TokenCount == 0 ? column.Status
        : $"{column.PromptTokens} prompt tokens · {column.TokenCount} generated · {TimingText.Of(column.Stats, 1, column.Load)} · generating…";

    /// <summary>Stops the running generation (the engine checks the token every step).</summary>
    void Cancel() => cancel?.Cancel();

    /// <summary>Leaving the page or closing the circuit cancels a running generation.</summary>
    public void Dispose() => cancel?.Cancel();

    static string Summary(int tokens, GenerationStats stats, TimeSpan? load, string how) =>
        $"{tokens} token{(tokens == 1 ? "" : "s")} · {TimingText.Of(stats, 1, load)} · {how}";

    static string Describe(FinishReason reason) => reason switch
    {
        FinishReason.Eos => "finished: end of sequence (eos)",
        FinishReason.Length => "finished: max new tokens reached (length)",
        FinishReason.Context => "finished: context length full (context)",
        FinishReason.Stop => "finished: stop string (stop)",
        _ => $"finished: {reason}",
    };
}
