using System.Security.Cryptography;
using System.Text.Json;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Cli;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Services;

/// <summary>Run records: what a run leaves beside its notebook, how files are read back (corrupt and foreign lines skipped with a warning), and the model files' hashes.</summary>
public sealed class RunRecordsTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("gptplayground-records-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    static Notebook Notebook() => new()
    {
        Model = "tiny",
        Decoding = new DecodingSettings { MaxNewTokens = 4 },
        Cells =
        [
            new ZeroShotCell
            {
                Name = "answer",
                Input = "The capital is",
                Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("sampled", new DecodingSettings { DoSample = true, Temperature = 0.7, Seed = 9 })],
            },
        ],
    };

    string WriteNotebook()
    {
        var path = Path.Combine(dir, "capitals.md");
        File.WriteAllText(path, NotebookFormat.Write(Notebook(), keepOutputs: false));
        return path;
    }

    static RunRecord Sample(string text = "x") => new()
    {
        Format = RunRecord.CurrentFormat,
        Time = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
        Source = "run",
        Cell = "answer",
        Model = "tiny",
        AppVersion = "test",
        Provider = "cpu",
        Settings = new DecodingSettings { MaxNewTokens = 1 },
        PromptIds = [1, 2],
        Outputs = [new RecordedOutput { Text = text, Ids = [3], Logprobs = [-0.5f] }],
    };

    [Fact]
    public async Task Run_leaves_one_record_per_variant_beside_the_notebook()
    {
        var path = WriteNotebook();
        var outMd = Path.Combine(dir, "out.md");

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--out", outMd);

        Assert.True(r.ExitCode == 0, r.Error);
        var file = RunRecords.FileFor(path, "answer");
        Assert.Equal(Path.Combine(dir, ".runs", "capitals", "answer.jsonl"), file);
        var read = RunRecords.Read(file);
        Assert.Empty(read.Warnings);
        Assert.Equal(["greedy", "sampled"], read.Records.Select(x => x.Record.Variant));
        var saved = NotebookFormat.Parse(File.ReadAllText(outMd)).PromptCells.Single().Outputs;
        var modelHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(models.Directory, "tiny", "model.onnx"))));
        foreach (var (line, record) in read.Records)
        {
            Assert.Equal(("run", "capitals.md", "answer", "tiny", "cpu"), (record.Source, record.Notebook, record.Cell, record.Model, record.Provider));
            Assert.Equal(modelHash, record.Files["model.onnx"]);
            Assert.Equal(4, record.Settings.MaxNewTokens);
            Assert.NotEmpty(record.PromptIds);
            var output = Assert.Single(record.Outputs);
            Assert.Equal(saved.Single(o => o.Variant == record.Variant).TokenIds!, output.Ids);
            Assert.Equal(saved.Single(o => o.Variant == record.Variant).Text, output.Text);
            Assert.Equal(output.Ids.Length, output.Logprobs.Length);
            Assert.All(output.Logprobs, lp => Assert.True(lp <= 0));
            Assert.True(record.Timings.DecodeMs >= 0);
        }
        var sampled = read.Records.Single(x => x.Record.Variant == "sampled").Record.Settings;
        Assert.Equal((true, 9UL, 0.7), (sampled.DoSample!.Value, sampled.Seed!.Value, sampled.Temperature!.Value));
        Assert.Equal(false, read.Records.Single(x => x.Record.Variant == "greedy").Record.Settings.DoSample);   // resolved: the default filled in
    }

    [Fact]
    public async Task Run_with_no_record_leaves_no_record()
    {
        var path = WriteNotebook();

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--no-record");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.False(Directory.Exists(Path.Combine(dir, ".runs")));
    }

    [Fact]
    public void Reading_skips_corrupt_and_foreign_lines_and_names_each()
    {
        var file = Path.Combine(dir, "answer.jsonl");
        File.WriteAllLines(file,
        [
            JsonSerializer.Serialize(Sample("first"), RunRecords.Json),
            "{\"format\": \"gptplayground-run/1\", \"mod",
            "{\"name\": \"someone else's log\"}",
            "",
            JsonSerializer.Serialize(Sample("last"), RunRecords.Json),
        ]);

        var read = RunRecords.Read(file);

        Assert.Equal([(1, "first"), (5, "last")], read.Records.Select(r => (r.Line, r.Record.Outputs[0].Text)));
        Assert.Equal(2, read.Warnings.Count);
        Assert.Contains($"{file} line 2: not a run record", read.Warnings[0]);
        Assert.Contains($"{file} line 3: not a GptPlayground run record", read.Warnings[1]);
    }

    [Fact]
    public void Reading_a_record_of_another_format_says_which()
    {
        var file = Path.Combine(dir, "answer.jsonl");
        File.WriteAllText(file, JsonSerializer.Serialize(Sample() with { Format = "gptplayground-run/9" }, RunRecords.Json) + "\n");

        var read = RunRecords.Read(file);

        Assert.Empty(read.Records);
        Assert.Contains("another format ('gptplayground-run/9'", Assert.Single(read.Warnings));
    }

    [Fact]
    public void A_missing_record_file_has_no_records_and_no_warnings()
    {
        var read = RunRecords.Read(Path.Combine(dir, "none.jsonl"));

        Assert.Empty(read.Records);
        Assert.Empty(read.Warnings);
    }

    [Fact]
    public void Append_closes_a_line_left_unfinished_before_writing_its_own()
    {
        var file = Path.Combine(dir, "sub", "answer.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "{\"format\": \"gptplayground-run/1\", \"ti");

        var problem = new RunRecords().Append(file, Sample("whole"));

        Assert.Null(problem);
        var read = RunRecords.Read(file);
        Assert.Equal("whole", Assert.Single(read.Records).Record.Outputs[0].Text);
        Assert.Contains("line 1", Assert.Single(read.Warnings));
    }

    [Fact]
    public void Records_turned_off_write_nothing()
    {
        var file = Path.Combine(dir, "answer.jsonl");

        var problem = new RunRecords(enabled: false).Append(file, Sample());

        Assert.Null(problem);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void A_record_that_cannot_be_written_is_reported_not_thrown()
    {
        var blocker = Path.Combine(dir, "blocker");
        File.WriteAllText(blocker, "a file where the folder should be");

        var problem = new RunRecords().Append(Path.Combine(blocker, "answer.jsonl"), Sample());

        Assert.NotNull(problem);
        Assert.Contains("the run record was not written", problem);
    }

    [Fact]
    public void A_changed_file_gets_a_new_hash_and_the_difference_is_named()
    {
        var model = Path.Combine(dir, "m");
        Directory.CreateDirectory(model);
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(model, "tokenizer.json"), "{}");
        var before = ModelFileHashes.Of(model);

        File.WriteAllBytes(Path.Combine(model, "model.onnx"), [1, 2, 4]);
        File.SetLastWriteTimeUtc(Path.Combine(model, "model.onnx"), DateTime.UtcNow.AddMinutes(1));
        var after = ModelFileHashes.Of(model);

        Assert.Equal(["model.onnx", "tokenizer.json"], before.Keys);
        Assert.Equal(before["tokenizer.json"], after["tokenizer.json"]);
        Assert.NotEqual(before["model.onnx"], after["model.onnx"]);
        Assert.StartsWith("model.onnx: ", Assert.Single(ModelFileHashes.Differences(before, after)));
    }

    [Theory]
    [InlineData("Antonyms", "Antonyms")]
    [InlineData("a/b:c", "a-b-c")]
    [InlineData("  ", "cell")]
    [InlineData("..", "cell")]
    public void A_cell_name_becomes_a_safe_file_name(string name, string file) => Assert.Equal(file, RunRecords.SafeName(name));
}
