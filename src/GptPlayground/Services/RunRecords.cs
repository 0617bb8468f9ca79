using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using GptPlayground.Decoding;
using Microsoft.Extensions.Logging;

namespace GptPlayground.Services;

/// <summary>Where a cell run's record goes: beside its notebook, from which front end.</summary>
/// <param name="NotebookPath">The notebook's file (records go to <see cref="RunRecords.FileFor"/>).</param>
/// <param name="Source">The front end: <c>ui</c> or <c>run</c>.</param>
public sealed record RecordTarget(string NotebookPath, string Source);

/// <summary>A record read back, with the line it is on (1-based).</summary>
/// <param name="Line">Its line in the file.</param>
/// <param name="Record">The record.</param>
public sealed record RecordLine(int Line, RunRecord Record);

/// <summary>
/// The records of one file as read: those that parse, and a warning for each line that does not (a corrupt line, a
/// foreign file), naming the file and the line. Reading never throws.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Records">The records, in file order (the last ones when a limit was given).</param>
/// <param name="Warnings">What was skipped and why.</param>
public sealed record RunRecordFile(string Path, IReadOnlyList<RecordLine> Records, IReadOnlyList<string> Warnings);

/// <summary>
/// Run records: every run of a cell (UI, the <c>run</c> verb) and every API generation leaves one JSON line
/// (<see cref="RunRecord"/>) in a file beside the notebook, <c>.runs/NOTEBOOK/CELL.jsonl</c> (API runs in
/// <c>PROMPTS/.runs/api/MODEL.jsonl</c>), so that a cell's history can be shown and a run replayed
/// (<see cref="RunReplay"/>). On by default; the setting <c>Playground:Records</c> (false) and <c>run --no-record</c>
/// turn it off. A record that cannot be written is a warning in the log, never a failed run; a line that cannot be read
/// back is a warning, never an exception.
/// </summary>
public sealed class RunRecords
{
    /// <summary>The configuration key that turns records off (<c>false</c>); default true.</summary>
    public const string EnabledKey = "Playground:Records";

    /// <summary>The folder beside a notebook that holds its records (hidden, so notebook lists skip it; git-ignored).</summary>
    public const string Folder = ".runs";

    /// <summary>Most warnings <see cref="Read"/> lists one by one (then one line says how many more).</summary>
    public const int MaxWarnings = 20;

    /// <summary>Records are JSON with snake_case names, nulls left out, one line each.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The app's version as records state it.</summary>
    public static readonly string AppVersion =
        typeof(RunRecords).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RunRecords).Assembly.GetName().Version?.ToString() ?? "unknown";

    static readonly ConcurrentDictionary<string, object> FileLocks = new(StringComparer.Ordinal);
    readonly ILogger? logger;

    /// <summary>Records on or off, API records under <paramref name="promptsRoot"/>/.runs/api.</summary>
    /// <param name="enabled">False writes nothing.</param>
    /// <param name="promptsRoot">The prompts folder (API records go to its <c>.runs/api</c>); null: API runs are not recorded.</param>
    /// <param name="logger">Where a record that cannot be written is reported; null: nowhere but the return value.</param>
    public RunRecords(bool enabled = true, string? promptsRoot = null, ILogger? logger = null)
    {
        Enabled = enabled;
        PromptsRoot = promptsRoot;
        this.logger = logger;
    }

    /// <summary>True when runs are recorded (the default).</summary>
    public bool Enabled { get; }

    /// <summary>The prompts folder whose <c>.runs/api</c> holds API records; null when API runs are not recorded.</summary>
    public string? PromptsRoot { get; }

    /// <summary>
    /// The record file of a cell: <c>.runs/NOTEBOOK/CELL.jsonl</c> beside the notebook (NOTEBOOK without <c>.md</c>;
    /// characters a file name cannot hold become <c>-</c>; an unnamed cell is <c>cell</c>).
    /// </summary>
    public static string FileFor(string notebookPath, string cellName)
    {
        var full = Path.GetFullPath(notebookPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Folder, SafeName(Path.GetFileNameWithoutExtension(full)), SafeName(cellName) + ".jsonl");
    }

    /// <summary>The record file of the API's runs on <paramref name="model"/>; null when API runs are not recorded.</summary>
    public string? ApiFileFor(string model) =>
        Enabled && PromptsRoot is { } root ? Path.Combine(root, Folder, "api", SafeName(model) + ".jsonl") : null;

    /// <summary>A name as one file name: letters, digits, <c>. _ -</c> and spaces kept, anything else <c>-</c>; empty or dots only: <c>cell</c>.</summary>
    public static string SafeName(string name)
    {
        var safe = new string(name.Trim().Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or ' ' ? c : '-').ToArray());
        return safe.Trim('.').Length == 0 ? "cell" : safe;
    }

    /// <summary>
    /// A record of a finished run: the sequences' text, token ids and log-probabilities, the settings as run, and the
    /// SHA-256 of the model's files when <paramref name="modelPath"/> is a local model (<see cref="ModelFileHashes"/>).
    /// </summary>
    /// <exception cref="IOException">A model file cannot be read for its hash.</exception>
    public static RunRecord Create(string source, string model, string? modelPath, string? provider, DecodingSettings settings, int topLogprobs,
        int[] promptIds, string? promptText, IEnumerable<SequenceOutput> sequences, RecordedTimings timings) => new()
        {
            Format = RunRecord.CurrentFormat,
            Time = DateTime.UtcNow,
            Source = source,
            Model = model,
            Files = modelPath is null ? new SortedDictionary<string, string>() : ModelFileHashes.Of(modelPath),
            AppVersion = AppVersion,
            Provider = provider ?? "remote",
            Settings = settings,
            TopLogprobs = topLogprobs,
            PromptIds = promptIds,
            PromptText = promptText,
            Outputs = sequences.Select(s => new RecordedOutput
            {
                Text = s.Text,
                Ids = s.Tokens.Any(t => t.IsRemote) ? [] : s.Tokens.Select(t => t.Token).ToArray(),
                Logprobs = s.Tokens.Select(t => t.Logprob).ToArray(),
                Finish = s.Finish?.ToString().ToLowerInvariant(),
            }).ToList(),
            Timings = timings,
        };

    /// <summary>The record of one variant of a prepared cell, from its finished column; null when the column has nothing to record (an error, a cancelled run, no output).</summary>
    /// <exception cref="IOException">A model file cannot be read for its hash.</exception>
    public static RunRecord? ForCell(PreparedCell cell, int variant, VariantRun column, string source)
    {
        if (column.Error is not null || column.Cancelled || column.Sequences.Count == 0 || column.Settings is not { } settings) return null;
        var record = Create(source, cell.ModelName, column.ModelPath, column.Provider, settings, cell.Request.TopLogprobs, cell.PromptIds, cell.Prompt.Text,
            column.Sequences, new RecordedTimings
            {
                LoadMs = column.Load is { } load ? Math.Round(load.TotalMilliseconds, 1) : null,
                PrefillMs = Math.Round(column.Stats.Prefill.TotalMilliseconds, 1),
                DecodeMs = Math.Round(column.Stats.Decode.TotalMilliseconds, 1),
                TotalMs = Math.Round(column.Elapsed.TotalMilliseconds, 1),
                TokensPerSecond = Math.Round(column.TokensPerSecond, 1),
            });
        return record with { Cell = cell.Request.Cell.Name, Variant = cell.Variants[variant].Name };
    }

    /// <summary>
    /// Appends <paramref name="record"/> to <paramref name="file"/> as one line, in one write (a line that another
    /// process's crash left unfinished is closed first, so that this one reads back whole). Does nothing when records
    /// are off.
    /// </summary>
    /// <returns>Null when written (or off); else why not, which is also logged as a warning.</returns>
    public string? Append(string file, RunRecord record)
    {
        if (!Enabled) return null;
        try
        {
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json) + "\n");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            lock (FileLocks.GetOrAdd(Path.GetFullPath(file), _ => new object()))
            {
                using var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
                if (stream.Length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    if (stream.ReadByte() != '\n') bytes = [(byte)'\n', .. bytes];
                }
                stream.Seek(0, SeekOrigin.End);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = $"the run record was not written to {file}: {e.Message}";
            logger?.LogWarning("{Message}", message);
            return message;
        }
    }

    /// <summary>
    /// Builds a record and appends it to <paramref name="file"/>, off the caller's thread (a model's first hash reads its
    /// weights). Does nothing when records are off or <paramref name="build"/> gives null.
    /// </summary>
    /// <returns>Null when written, off, or nothing to record; else why not (also logged as a warning).</returns>
    public async Task<string?> WriteAsync(string file, Func<RunRecord?> build)
    {
        if (!Enabled) return null;
        return await Task.Run(() =>
        {
            try
            {
                return build() is { } record ? Append(file, record) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var message = $"the run record was not written to {file}: {e.Message}";
                logger?.LogWarning("{Message}", message);
                return message;
            }
        });
    }

    /// <summary>Records <paramref name="column"/>'s run of a prepared cell beside its notebook (<see cref="FileFor"/>).</summary>
    /// <returns>Null when written, off, or nothing to record; else why not.</returns>
    public Task<string?> RecordCellAsync(RecordTarget target, PreparedCell cell, int variant, VariantRun column) =>
        WriteAsync(FileFor(target.NotebookPath, cell.Request.Cell.Name),
            () => ForCell(cell, variant, column, target.Source) is { } record ? record with { Notebook = Path.GetFileName(target.NotebookPath) } : null);

    /// <summary>
    /// Reads a record file: each line that is a run record, and a warning for each that is not ("FILE line 3: not JSON
    /// (…)", "FILE line 1: not a GptPlayground run record (…)"; at most <see cref="MaxWarnings"/>, then a count). A file
    /// that does not exist has no records; one that cannot be read is a warning. Never throws.
    /// </summary>
    /// <param name="file">The .jsonl file.</param>
    /// <param name="last">Keep only the last this many records (default: all).</param>
    public static RunRecordFile Read(string file, int last = int.MaxValue)
    {
        var records = new Queue<RecordLine>();
        var warnings = new List<string>();
        int skipped = 0;
        void Warn(string message)
        {
            if (warnings.Count < MaxWarnings) warnings.Add(message);
            else skipped++;
        }
        if (!File.Exists(file)) return new RunRecordFile(file, [], []);
        try
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            int number = 0;
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                number++;
                if (line.Trim().Length == 0) continue;
                var (record, problem) = Parse(line);
                if (record is null)
                {
                    Warn($"{file} line {number}: {problem}; skipped");
                    continue;
                }
                records.Enqueue(new RecordLine(number, record));
                if (records.Count > last) records.Dequeue();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn($"{file}: cannot be read ({e.Message}); skipped");
        }
        if (skipped > 0) warnings.Add($"{file}: {skipped} more line{(skipped == 1 ? "" : "s")} skipped");
        return new RunRecordFile(file, records.ToList(), warnings);
    }

    /// <summary>One line as a record, or what is wrong with it.</summary>
    static (RunRecord? Record, string? Problem) Parse(string line)
    {
        RunRecord? record;
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
                return (null, $"not a GptPlayground run record (no \"format\": \"{RunRecord.CurrentFormat}\")");
            if (format.GetString() != RunRecord.CurrentFormat)
                return (null, $"a run record of another format ('{format.GetString()}'; this version reads {RunRecord.CurrentFormat})");
            record = document.RootElement.Deserialize<RunRecord>(Json);
        }
        catch (JsonException e)
        {
            return (null, $"not a run record: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.')}");
        }
        if (record is null) return (null, "not a run record (null)");
        if (string.IsNullOrEmpty(record.Model) || record.Settings is null || record.PromptIds is null || record.Outputs is null
            || record.Outputs.Any(o => o is null || o.Ids is null || o.Text is null))
            return (null, "an incomplete run record (model, settings, prompt_ids and outputs with text and ids are needed)");
        return (record, null);
    }

    /// <summary>The last <paramref name="last"/> records of a cell (its file's records of that cell name), with the warnings of its file.</summary>
    public static RunRecordFile History(string notebookPath, string cellName, int last = 50)
    {
        var file = Read(FileFor(notebookPath, cellName));
        var mine = file.Records.Where(r => r.Record.Cell == cellName).TakeLast(last).ToList();
        return file with { Records = mine };
    }
}
