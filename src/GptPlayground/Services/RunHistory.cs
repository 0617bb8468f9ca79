namespace GptPlayground.Services;

/// <summary>One past run of a cell's variant, as the run history lists it.</summary>
/// <param name="Key">Stable id of the record ("record:LINE"), also its key as a diff source.</param>
/// <param name="Line">Its line in the record file.</param>
/// <param name="Time">When it ran, UTC.</param>
/// <param name="Source">Which front end ran it (ui, run, api).</param>
/// <param name="Variant">The decoding variant.</param>
/// <param name="Model">The model.</param>
/// <param name="Settings">The settings as run, in one line (<see cref="Decoding.DecodingSettings.Summary"/>).</param>
/// <param name="Text">What it said (its first sequence).</param>
/// <param name="Tokens">Tokens of its first sequence.</param>
/// <param name="Sequences">Sequences it generated (samples, beams).</param>
public sealed record RunHistoryEntry(string Key, int Line, DateTime Time, string Source, string Variant, string Model, string Settings, string Text, int Tokens, int Sequences)
{
    /// <summary>The entry from a record read back.</summary>
    public static RunHistoryEntry From(RecordLine line)
    {
        var r = line.Record;
        var first = r.Outputs.FirstOrDefault();
        return new RunHistoryEntry("record:" + line.Line, line.Line, r.Time, r.Source, r.Variant ?? "default", r.Model, r.Settings.Summary(),
            first?.Text ?? "", first?.Ids.Length ?? 0, r.Outputs.Count);
    }

    /// <summary>"greedy, 01:02:03 UTC (history)": the entry as a diff source's label.</summary>
    public string Label => $"{Variant}, {Time:HH:mm:ss} UTC (history)";
}

/// <summary>
/// The run history of one prompt cell: its last records (<see cref="RunRecords.History"/>), newest first, and the
/// warnings of lines that could not be read (a corrupt or foreign record file is reported and skipped, never thrown).
/// Reloaded when shown after the cell ran (<see cref="Invalidate"/>). The history panel is a view of it.
/// </summary>
public sealed class RunHistoryState
{
    /// <summary>Most records listed.</summary>
    public const int MaxEntries = 50;

    bool stale = true;

    /// <summary>The cell's past runs, newest first.</summary>
    public IReadOnlyList<RunHistoryEntry> Entries { get; private set; } = [];

    /// <summary>What was skipped in the record file and why (file and line).</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>The record file read.</summary>
    public string? File { get; private set; }

    /// <summary>True when the records changed since the last load (the cell ran, or nothing was loaded yet).</summary>
    public bool Stale => stale;

    /// <summary>The cell ran (or was renamed): the next view reloads.</summary>
    public void Invalidate() => stale = true;

    /// <summary>Reads the cell's records beside its notebook, off the caller's thread.</summary>
    /// <param name="target">Where the cell's runs are recorded.</param>
    /// <param name="cellName">The cell's name.</param>
    public async Task LoadAsync(RecordTarget target, string cellName)
    {
        stale = false;
        var file = await Task.Run(() => RunRecords.History(target.NotebookPath, cellName, MaxEntries));
        File = file.Path;
        Entries = file.Records.Select(RunHistoryEntry.From).Reverse().ToList();
        Warnings = file.Warnings;
    }

    /// <summary>The entry with <paramref name="key"/>; null when gone.</summary>
    public RunHistoryEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key == key);
}
