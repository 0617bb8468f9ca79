using System.Text.Json;
using GptPlayground.Cli;
using GptPlayground.Onnx;
using GptPlayground.Services;

namespace GptPlayground.Tests.Cli;

/// <summary>
/// <c>replay</c>: a seeded sampling run on playground-mini replays token-identical; after the model file changes the replay
/// names the changed file and the first differing token with both candidates' probabilities; records that are not
/// records are named and skipped; a notebook's saved outputs with token ids replay too.
/// </summary>
public sealed class ReplayCliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("gptplayground-replay-").FullName;

    static string RepositoryModels => Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("the tests run from a checkout"), "models");

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    string WriteNotebook(string model, int maxNewTokens)
    {
        var path = Path.Combine(dir, "story.md");
        File.WriteAllText(path, $"""
            ---
            title: Replay
            model: {model}
            decoding:
              max_new_tokens: {maxNewTokens}
            ---

            ## Zero-shot: tale

            ```input
            Once upon a time
            ```

            ```decoding warm
            do_sample: true
            temperature: 0.9
            top_k: 0
            seed: 7
            ```

            """);
        return path;
    }

    [Fact]
    public async Task A_seeded_sampling_run_on_playground_mini_replays_token_identical()
    {
        var notebook = WriteNotebook("playground-mini", 24);
        var run = await CliRunner.Run("run", notebook, "--models", RepositoryModels, "--samples", "2");
        Assert.True(run.ExitCode == 0, run.Error);
        var file = RunRecords.FileFor(notebook, "tale");

        var r = await CliRunner.Run("replay", file, "--models", RepositoryModels, "--json");

        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        var replay = JsonDocument.Parse(r.Out).RootElement.GetProperty("replays").EnumerateArray().Single();
        Assert.True(replay.GetProperty("identical").GetBoolean());
        Assert.Empty(replay.GetProperty("file_changes").EnumerateArray());
        var outputs = replay.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(2, outputs.Count);                                     // both samples of the batch
        Assert.All(outputs, o => Assert.InRange(o.GetProperty("replayed_tokens").GetInt32(), 1, 24));
        Assert.All(outputs, o => Assert.False(o.TryGetProperty("first_difference", out _)));   // null, left out
        Assert.DoesNotContain("warning", r.Error);
    }

    [Fact]
    public async Task A_replay_after_the_model_file_changed_names_the_change_and_the_first_differing_token()
    {
        var models = Path.Combine(dir, "models");
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(models, "m"));
        var notebook = WriteNotebook("m", 8);
        Assert.Equal(0, (await CliRunner.Run("run", notebook, "--models", models)).ExitCode);
        var file = RunRecords.FileFor(notebook, "tale");
        var recorded = RunRecords.Read(file).Records.Single().Record.Outputs.Single();
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 6 }, Path.Combine(models, "m"));   // other weights, same shape

        var text = await CliRunner.Run("replay", file, "--models", models);
        var json = await CliRunner.Run("replay", file, "--models", models, "--json");

        Assert.Equal(ReplayVerb.DifferentExitCode, text.ExitCode);
        Assert.Contains("the model's files changed since the record: model.onnx:", text.Error);
        Assert.Contains("model files changed since the record: model.onnx:", text.Out);
        var output = JsonDocument.Parse(json.Out).RootElement.GetProperty("replays")[0].GetProperty("outputs")[0];
        int at = output.GetProperty("first_difference").GetInt32();
        var then = output.GetProperty("recorded");
        var now = output.GetProperty("replayed");
        Assert.Equal(recorded.Ids[at], then.GetProperty("id").GetInt32());
        Assert.NotEqual(then.GetProperty("id").GetInt32(), now.GetProperty("id").GetInt32());
        Assert.InRange(then.GetProperty("probability").GetDouble(), 0, 1);                 // the recorded token under the new weights
        Assert.Equal(Math.Exp(recorded.Logprobs[at]!.Value), then.GetProperty("recorded_probability").GetDouble(), 5);
        Assert.InRange(now.GetProperty("probability").GetDouble(), 0, 1);
        Assert.Contains($"output 1: differs at token {at}: recorded '", text.Out);
        Assert.Contains("then, ", text.Out);
    }

    [Fact]
    public async Task A_corrupt_line_is_named_and_skipped_and_the_record_after_it_replays()
    {
        var models = Path.Combine(dir, "models");
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(models, "m"));
        var notebook = WriteNotebook("m", 6);
        Assert.Equal(0, (await CliRunner.Run("run", notebook, "--models", models)).ExitCode);
        var file = RunRecords.FileFor(notebook, "tale");
        var good = File.ReadAllText(file);
        File.WriteAllText(file, "this is not JSON\n" + good);

        var r = await CliRunner.Run("replay", file, "--models", models);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"warning: {file} line 1: not a run record", r.Error);
        Assert.Contains("line 2 (tale / warm) on m", r.Out);
        Assert.Contains("output 1: identical (6 tokens)", r.Out);
    }

    [Fact]
    public async Task A_file_without_records_is_bad_input()
    {
        var file = Path.Combine(dir, "foreign.jsonl");
        File.WriteAllText(file, "{\"level\": \"info\", \"msg\": \"some other log\"}\n");

        var r = await CliRunner.Run("replay", file);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 1: not a GptPlayground run record", r.Error);
        Assert.Contains("no run records to replay", r.Error);
    }

    [Fact]
    public async Task A_line_without_a_record_is_refused_with_the_lines_that_have_one()
    {
        var file = Path.Combine(dir, "one.jsonl");
        File.WriteAllText(file, "\n" + JsonSerializer.Serialize(new RunRecord
        {
            Format = RunRecord.CurrentFormat, Time = DateTime.UtcNow, Source = "run", Model = "m", AppVersion = "t", Provider = "cpu",
            Settings = new(), PromptIds = [1], Outputs = [],
        }, RunRecords.Json) + "\n");

        var r = await CliRunner.Run("replay", file, "--line", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--line (=1) is not a line with a run record", r.Error);
        Assert.Contains("records are on lines 2", r.Error);
    }

    [Fact]
    public async Task A_notebook_with_saved_token_ids_replays_its_outputs()
    {
        var models = Path.Combine(dir, "models");
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(models, "m"));
        var notebook = WriteNotebook("m", 6);
        var saved = Path.Combine(dir, "saved.md");
        Assert.Equal(0, (await CliRunner.Run("run", notebook, "--models", models, "--out", saved, "--no-record")).ExitCode);
        var bare = await CliRunner.Run("replay", notebook, "--models", models);

        var r = await CliRunner.Run("replay", saved, "--models", models);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("saved.md cell 1 (tale) / warm on m, sample t=0.9", r.Out);
        Assert.Contains("output 1: identical (6 tokens)", r.Out);
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("no saved output has token ids", bare.Error);
    }
}
