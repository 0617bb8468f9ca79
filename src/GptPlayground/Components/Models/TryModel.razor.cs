using System.Diagnostics;
using System.Text;
using GptPlayground.Inference;
using GptPlayground.Inference.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Tokenizers;
using GptPlayground.Web;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Models;

/// <summary>
/// The "Try it" panel of one model: greedy generation from a typed prompt, streamed token by token,
/// with tokens/s and the finish reason. The model loads on first use (shared with every session); the run waits
/// for its turn in the model's fair queue (<see cref="GenerationRunner"/>).
/// Cancel, leaving the page, or closing the browser cancels the generation within one step.
/// Engine errors (<see cref="ModelException"/>, <see cref="TokenizerException"/>, <see cref="ArgumentException"/>)
/// show inside the panel; anything else reaches the layout's error boundary.
/// </summary>
public sealed partial class TryModel : IDisposable
{
    /// <summary>Largest budget the panel accepts; the model's context length caps it further.</summary>
    public const int MaxNewTokensLimit = 4096;

    /// <summary>How often the output re-renders while streaming (a render per token would flood the circuit on fast models).</summary>
    static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(50);

    CancellationTokenSource? cancel;
    StringBuilder? output;

    /// <summary>Name of the model in the catalog.</summary>
    [Parameter, EditorRequired] public string Model { get; set; } = "";

    /// <summary>The model's context length when known: the token budget cannot exceed it.</summary>
    [Parameter] public int? ContextLength { get; set; }

    /// <summary>Raised once the model is loaded (a generation loads it on first use).</summary>
    [Parameter] public EventCallback Loaded { get; set; }

    [Inject] GenerationRunner Runner { get; set; } = default!;

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
    string? Output => output?.ToString();

    /// <summary>The prompt the output continues (as sent, shown dimmed before the output).</summary>
    string PromptShown { get; set; } = "";

    /// <summary>One line: tokens, tokens/s, and the finish reason (or "generating…", "cancelled").</summary>
    string Status { get; set; } = "";

    /// <summary>Runs one generation, streaming steps into <see cref="Output"/>. Does nothing while one is running.</summary>
    async Task GenerateAsync()
    {
        if (Running || MaxNewTokensError is not null) return;
        using var run = cancel = new CancellationTokenSource();
        Error = null;
        output = new StringBuilder();
        PromptShown = Prompt;
        Status = "loading the model…";
        int tokens = 0;
        FinishReason? finish = null;
        var progress = new RunProgress();
        progress.Changed += () => _ = InvokeAsync(() =>
        {
            Status = progress.QueuePosition is int place ? $"waiting in queue: position {place}" : "loading the model…";
            StateHasChanged();
        });
        var stats = progress.Stats;
        try
        {
            var request = new RunRequest(Model, Prompt, new DecodingSettings { MaxNewTokens = MaxNewTokens!.Value }, TopLogprobs: 0);
            var sinceRender = Stopwatch.StartNew();
            bool loaded = false;
            await foreach (var step in Runner.RunAsync(request, progress, run.Token))
            {
                if (!loaded) { loaded = true; await Loaded.InvokeAsync(); }
                output.Append(step.Text);
                tokens++;
                finish = step.Finish ?? finish;
                if (sinceRender.Elapsed >= RenderInterval)
                {
                    Status = $"{progress.PromptTokens} prompt tokens · {tokens} generated · {stats.DecodeTokensPerSecond(1):0.0} tokens/s · generating…";
                    StateHasChanged();
                    sinceRender.Restart();
                }
            }
            Status = Summary(tokens, stats, finish is { } f ? Describe(f) : "stopped");
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            Status = Summary(tokens, stats, "cancelled");
        }
        catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
        {
            Error = e.Message;
            Status = Summary(tokens, stats, "failed");
        }
        finally
        {
            cancel = null;
        }
    }

    /// <summary>Stops the running generation (the engine checks the token every step).</summary>
    void Cancel() => cancel?.Cancel();

    /// <summary>Leaving the page or closing the circuit cancels a running generation.</summary>
    public void Dispose() => cancel?.Cancel();

    static string Summary(int tokens, GenerationStats stats, string how) =>
        $"{tokens} token{(tokens == 1 ? "" : "s")} · prefill {stats.Prefill.TotalMilliseconds:0.#} ms · {stats.DecodeTokensPerSecond(1):0.0} tokens/s · {how}";

    static string Describe(FinishReason reason) => reason switch
    {
        FinishReason.Eos => "finished: end of sequence (eos)",
        FinishReason.Length => "finished: max new tokens reached (length)",
        FinishReason.Context => "finished: context length full (context)",
        FinishReason.Stop => "finished: stop string (stop)",
        _ => $"finished: {reason}",
    };
}
