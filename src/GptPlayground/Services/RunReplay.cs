using GptPlayground.Inference;
using GptPlayground.Inference.Models;
using GptPlayground.Notebooks;

namespace GptPlayground.Services;

/// <summary>One side of the first difference of a replay: a token and how probable the model finds it.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Text">Its text.</param>
/// <param name="Probability">Its probability now (the replayed model's raw distribution at that position, given the same
/// tokens before it); null when not known.</param>
/// <param name="RecordedProbability">Its probability when recorded (the recorded token only); null otherwise.</param>
public sealed record ReplayToken(int Id, string Text, double? Probability, double? RecordedProbability = null);

/// <summary>How one output of a replay compares with the recorded one.</summary>
/// <param name="Output">Index of the sequence (0 for the first; samples and beams in order).</param>
/// <param name="RecordedTokens">Tokens the record has.</param>
/// <param name="ReplayedTokens">Tokens the replay generated.</param>
/// <param name="FirstDifference">Index of the first token that differs (or where one side ended); null when identical.</param>
/// <param name="Recorded">The recorded token there; null when the recorded output ended there (<see cref="RecordedFinish"/>).</param>
/// <param name="Replayed">The replayed token there; null when the replay ended there (<see cref="ReplayedFinish"/>).</param>
/// <param name="RecordedFinish">Why the recorded output stopped.</param>
/// <param name="ReplayedFinish">Why the replayed output stopped.</param>
/// <param name="ReplayedText">The replay's text.</param>
public sealed record OutputComparison(int Output, int RecordedTokens, int ReplayedTokens, int? FirstDifference, ReplayToken? Recorded, ReplayToken? Replayed,
    string? RecordedFinish, string? ReplayedFinish, string ReplayedText)
{
    /// <summary>True when every token is the same and both have as many.</summary>
    public bool Identical => FirstDifference is null;
}

/// <summary>The outcome of replaying one record.</summary>
/// <param name="Label">Which record ("FILE line 3", "NOTEBOOK.md cell 2 (name) / variant").</param>
/// <param name="Record">The record replayed.</param>
/// <param name="FileChanges">The model files whose SHA-256 differs from the record's, one line each (<see cref="ModelFileHashes.Differences"/>); empty when all agree or the record has no hashes.</param>
/// <param name="Outputs">Each recorded output compared with the replay's sequence of the same index.</param>
public sealed record ReplayResult(string Label, RunRecord Record, IReadOnlyList<string> FileChanges, IReadOnlyList<OutputComparison> Outputs)
{
    /// <summary>True when every output came out token-identical.</summary>
    public bool Identical => Outputs.All(o => o.Identical);
}

/// <summary>
/// Replays a run: the recorded prompt token ids with the recorded settings (the seed the run used, every default as it
/// was resolved then) through the same <see cref="GenerationRunner"/> every run goes through, and compares each output
/// token by token. At the first differing token it reports both candidates with their probabilities under the model as
/// it is now (the recorded one scored at that position, <see cref="GenerationRunner.ScoreIdsAsync"/>) and the recorded
/// token's probability then; it names the model files whose SHA-256 changed since. The <c>replay</c> verb's work.
/// </summary>
public sealed class RunReplay(GenerationRunner generation, ModelCatalog catalog)
{
    /// <summary>Replays one record.</summary>
    /// <exception cref="ModelException">The model is unknown, cannot load, or is remote (a remote server's tokens have no ids to compare).</exception>
    /// <exception cref="ArgumentException">The record's settings or prompt cannot run.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<ReplayResult> ReplayAsync(RunRecord record, string label, CancellationToken cancellationToken = default)
    {
        var key = catalog.Resolve(record.Model);
        if (catalog.Remote(key) is not null || record.PromptIds.Length == 0)
            throw new ModelException($"{label}: the run was on a remote model ({record.Model}), whose tokens have no ids to replay; only local models replay token by token");
        var changes = record.Files.Count == 0 ? [] : ModelFileHashes.Differences(record.Files, ModelFileHashes.Of(key));
        var progress = new RunProgress();
        var replayed = new List<SequenceOutput>();
        await foreach (var step in generation.RunAsync(new RunRequest(record.Model, record.PromptIds, record.Settings, TopLogprobs: 0), progress, cancellationToken))
        {
            while (replayed.Count <= step.Sequence) replayed.Add(new SequenceOutput());
            replayed[step.Sequence].Add(step);
        }
        var outputs = new List<OutputComparison>();
        for (int i = 0; i < record.Outputs.Count; i++)
            outputs.Add(await CompareAsync(record, i, i < replayed.Count ? replayed[i] : null, cancellationToken));
        return new ReplayResult(label, record, changes, outputs);
    }

    /// <summary>Output <paramref name="index"/> of the record against the replay's sequence (null: the replay has none).</summary>
    async Task<OutputComparison> CompareAsync(RunRecord record, int index, SequenceOutput? replay, CancellationToken cancellationToken)
    {
        var recorded = record.Outputs[index];
        int[] then = recorded.Ids, now = replay?.Tokens.Select(t => t.Token).ToArray() ?? [];
        int common = 0;
        while (common < then.Length && common < now.Length && then[common] == now[common]) common++;
        string? finishNow = replay?.Finish?.ToString().ToLowerInvariant();
        if (replay is not null && common == then.Length && common == now.Length)
            return new OutputComparison(index, then.Length, now.Length, null, null, null, recorded.Finish, finishNow, replay.Text);
        ReplayToken? recordedToken = null, replayedToken = null;
        if (common < now.Length)
        {
            var t = replay!.Tokens[common];
            replayedToken = new ReplayToken(t.Token, t.Text, t.Probability);
        }
        if (common < then.Length)
        {
            // the recorded token's probability now: the model scores the prompt and the recorded tokens up to it
            var score = await generation.ScoreIdsAsync(record.Model, [.. record.PromptIds, .. then[..(common + 1)]], 0, cancellationToken);
            var scored = score.Tokens[record.PromptIds.Length + common];
            float? before = common < recorded.Logprobs.Length ? recorded.Logprobs[common] : null;
            recordedToken = new ReplayToken(then[common], scored.Text, scored.Logprob is float lp ? Math.Exp(lp) : null, before is float b ? Math.Exp(b) : null);
        }
        return new OutputComparison(index, then.Length, now.Length, common, recordedToken, replayedToken, recorded.Finish, finishNow, replay?.Text ?? "");
    }

    /// <summary>
    /// The saved outputs of a notebook that carry token ids (<see cref="CellOutput.TokenIds"/>), each as a record to
    /// replay: the cell's prompt rendered with the model's tokenizer as a run renders it, the variant's settings with the
    /// output's seed (a notebook keeps its first sequence only, so that is what is compared). A notebook keeps no hashes of the model's files, so its replays cannot say whether they changed.
    /// </summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="name">The notebook's file name, for the labels ("caps.md cell 1 (story) / greedy").</param>
    /// <param name="runner">Renders the cells' prompts (<see cref="CellRunner.PrepareAsync"/>).</param>
    /// <param name="fallbackModel">The model of cells that name none and whose notebook names none.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Each replayable output's label and record, in notebook order.</returns>
    /// <exception cref="ModelException">A cell's model is unknown or cannot load.</exception>
    /// <exception cref="ArgumentException">A cell's prompt cannot be rendered.</exception>
    public static async Task<IReadOnlyList<(string Label, RunRecord Record)>> FromNotebookAsync(Notebook notebook, string name, CellRunner runner, string? fallbackModel,
        CancellationToken cancellationToken = default)
    {
        var list = new List<(string, RunRecord)>();
        for (int c = 0; c < notebook.Cells.Count; c++)
        {
            if (notebook.Cells[c] is not PromptCell cell || !cell.Outputs.Any(o => o.TokenIds is not null)) continue;
            var model = CellRunner.ModelOf(notebook, cell, fallbackModel)
                ?? throw new ModelException($"cell {c + 1} ({cell.Name}) names no model and the notebook names none: add 'model: NAME' to the front matter");
            var prepared = await runner.PrepareAsync(new CellRunRequest(notebook, cell, model), cancellationToken);
            foreach (var output in cell.Outputs.Where(o => o.TokenIds is not null))
            {
                if (prepared.Variants.FirstOrDefault(v => v.Name == output.Variant) is not { } variant) continue;   // an output of a variant since removed
                var settings = variant.Settings.Mode == Decoding.DecodingMode.Sample ? variant.Settings with { Seed = output.Seed ?? variant.Settings.Seed } : variant.Settings;
                list.Add(($"{name} cell {c + 1} ({cell.Name}) / {output.Variant}", new RunRecord
                {
                    Format = RunRecord.CurrentFormat,
                    Time = DateTime.UtcNow,
                    Source = "notebook",
                    Notebook = name,
                    Cell = cell.Name,
                    Variant = output.Variant,
                    Model = prepared.ModelName,
                    AppVersion = RunRecords.AppVersion,
                    Provider = "",
                    Settings = settings,
                    PromptIds = prepared.PromptIds,
                    PromptText = prepared.Prompt.Text,
                    Outputs = [new RecordedOutput { Text = output.Text, Ids = [.. output.TokenIds!], Logprobs = new float?[output.TokenIds!.Count], Finish = output.Finish }],
                }));
            }
        }
        return list;
    }
}
