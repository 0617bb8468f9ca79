using System.Globalization;
using GptPlayground.Inference.Serving;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Models;

/// <summary>
/// The live figures of a model's <see cref="BatchScheduler"/> (<see cref="GenerationQueue.Snapshot"/>): sequences and
/// requests in the batch, requests waiting, tokens per second, the latest time to first token. Polls once a second.
/// </summary>
public partial class ModelActivity : IAsyncDisposable
{
    readonly CancellationTokenSource stop = new();
    SchedulerSnapshot? figures;

    /// <summary>The model's catalog name.</summary>
    [Parameter, EditorRequired] public string Model { get; set; } = "";

    /// <summary>Time between refreshes (default one second).</summary>
    [Parameter] public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    [Inject] GenerationQueue Queue { get; set; } = default!;

    protected override void OnParametersSet() => figures = Queue.Snapshot(Model);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender) _ = RefreshAsync();
    }

    async Task RefreshAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                var next = Queue.Snapshot(Model);
                if (next == figures) continue;
                figures = next;
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }                 // the circuit went away between two ticks
    }

    static string FormatDuration(TimeSpan time) =>
        time.TotalSeconds >= 1 ? time.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture) : time.TotalMilliseconds.ToString("0 'ms'", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
