using System.Text.Json;
using GptPlayground.Evaluation;

namespace GptPlayground.Tests.Cli;

/// <summary><c>run</c> on cells with datasets: the results matrix, pass rates with intervals, <c>--fail-under</c>, <c>--styles</c>, scored choices and bad input.</summary>
public class DatasetCliTests(NotebookCliModels models) : IClassFixture<NotebookCliModels>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("dataset-cli").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    const string Front = "---\ntitle: t\ndecoding:\n  max_new_tokens: 4\n---\n\n";

    static string FewShot(string settings, string dataset = "", string variants = "") =>
        Front + "## Few-shot: Plurals\n\n```cell\nseparator: \"\\n\"\n" + settings + "\n```\n\n```template\n{{input}} -> {{output}}\n```\n\n" +
        "```example\ndog\n```\n\n```example-output\ndogs\n```\n\n```query\n{{word}}\n```\n" +
        (dataset.Length > 0 ? "\n```dataset\n" + dataset + "\n```\n" : "") + variants;

    const string Rows = "word,expected\ncat,cats\nbox,boxes\nbaby,babies";
    const string TwoVariants = "\n```decoding greedy\ndo_sample: false\n```\n\n```decoding t1\ndo_sample: true\nseed: 3\n```\n";

    string Write(string text, string name = "nb.md")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static JsonElement Json(CliRunner.Result r) => JsonDocument.Parse(r.Out).RootElement;

    [Fact]
    public async Task Run_json_reports_every_row_and_variant_with_pass_rates_and_wilson_intervals()
    {
        var path = Write(FewShot("assert: regex", "word,expected\ncat,.*\nbox,.*\nbaby,^$", TwoVariants));

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var evaluation = Assert.Single(Json(r).GetProperty("evaluations").EnumerateArray().ToList());
        Assert.Equal("regex", evaluation.GetProperty("assert").GetString());
        Assert.Equal(3, evaluation.GetProperty("rows").GetInt32());
        var results = evaluation.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(6, results.Count);
        Assert.Equal(["greedy", "t1", "greedy", "t1", "greedy", "t1"], results.Select(x => x.GetProperty("variant").GetString()));
        Assert.All(results.Take(4), x => Assert.True(x.GetProperty("passed").GetBoolean()));
        int header = File.ReadAllLines(path).ToList().IndexOf("word,expected") + 1;          // rows carry the notebook's line numbers
        Assert.Equal([header + 1, header + 1, header + 2, header + 2, header + 3, header + 3], results.Select(x => x.GetProperty("line").GetInt32()));
        foreach (var v in evaluation.GetProperty("variants").EnumerateArray())
        {
            int passed = v.GetProperty("passed").GetInt32();
            Assert.Equal(3, v.GetProperty("judged").GetInt32());
            Assert.Equal(passed / 3.0, v.GetProperty("pass_rate").GetDouble(), 9);
            var (low, high) = WilsonInterval.Of(passed, 3);
            Assert.Equal(low, v.GetProperty("ci_low").GetDouble(), 9);
            Assert.Equal(high, v.GetProperty("ci_high").GetDouble(), 9);
        }
    }

    [Fact]
    public async Task Each_row_and_variant_of_a_dataset_run_leaves_a_record_unless_no_record()
    {
        var path = Write(FewShot("", Rows, TwoVariants));
        var file = GptPlayground.Services.RunRecords.FileFor(path, "Plurals");

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var read = GptPlayground.Services.RunRecords.Read(file);
        Assert.Empty(read.Warnings);
        var recorded = read.Records.Select(x => (x.Record.Variant, Assert.Single(x.Record.Outputs).Text)).Order().ToList();
        var reported = Json(r).GetProperty("evaluations")[0].GetProperty("results").EnumerateArray()
            .Select(x => (x.GetProperty("variant").GetString(), x.GetProperty("output").GetString())).Order().ToList();
        Assert.Equal(6, recorded.Count);                                    // 3 rows x 2 variants, finished in any order
        Assert.Equal(reported, recorded);
        Assert.Equal(3, read.Records.Select(x => string.Join(",", x.Record.PromptIds)).Distinct().Count());   // each row's own prompt
        Assert.All(read.Records, x => Assert.Equal("run", x.Record.Source));

        File.Delete(file);
        var quiet = await CliRunner.Run("run", path, "--models", models.Directory, "--no-record");

        Assert.True(quiet.ExitCode == 0, quiet.Error);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Fail_under_exits_3_naming_the_variant_below_the_rate()
    {
        var path = Write(FewShot("", Rows));

        var plain = await CliRunner.Run("run", path, "--models", models.Directory);
        var failing = await CliRunner.Run("run", path, "--models", models.Directory, "--fail-under", "0.5");

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Contains("95% interval", plain.Out);
        Assert.Equal(RunVerbExit.Failed, failing.ExitCode);
        Assert.Contains("cell 1 (Plurals) / default: pass rate 0 (0/3) is below --fail-under 0.5", failing.Error);
    }

    [Fact]
    public async Task Fail_under_counts_a_failed_expected_block_on_a_cell_without_a_dataset()
    {
        var path = Write(Front + "## Zero-shot: One\n\n```input\nhello\n```\n\n```expected\nsurely not this\n```\n");

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--fail-under", "1");

        Assert.Equal(RunVerbExit.Failed, r.ExitCode);
        Assert.Contains("cell 1 (One) / default: the output does not match the expected one", r.Error);
    }

    [Fact]
    public async Task Choices_are_scored_and_the_most_probable_one_is_the_output()
    {
        var path = Write(FewShot("assert: choices\nchoices: [cats, boxes, babies]", Rows));

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var results = Json(r).GetProperty("evaluations")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        foreach (var row in results)
        {
            Assert.Equal("choices", row.GetProperty("variant").GetString());
            var choices = row.GetProperty("choices").EnumerateArray().ToList();
            Assert.Equal(["cats", "boxes", "babies"], choices.Select(c => c.GetProperty("choice").GetString()));
            Assert.All(choices, c => Assert.True(c.GetProperty("logprob").GetDouble() < 0));
            var best = choices.MaxBy(c => c.GetProperty("logprob").GetDouble()).GetProperty("choice").GetString();
            Assert.Equal(best, row.GetProperty("output").GetString());
            Assert.Equal(best == row.GetProperty("expected").GetString(), row.GetProperty("passed").GetBoolean());
        }
    }

    [Fact]
    public async Task Styles_run_the_rows_as_zero_shot_few_shot_and_instruction_prompts()
    {
        var path = Write(FewShot("", Rows));

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json", "--styles");

        Assert.True(r.ExitCode == 0, r.Error);
        var styles = Json(r).GetProperty("styles").EnumerateArray().ToList();
        Assert.Equal(["zero-shot", "few-shot", "instruction"], styles.Select(s => s.GetProperty("style").GetString()));
        Assert.All(styles, s => Assert.Equal(3, s.GetProperty("results").GetArrayLength()));
        Assert.All(styles, s => Assert.True(s.TryGetProperty("ci_high", out _)));
        var text = await CliRunner.Run("run", path, "--models", models.Directory, "--styles");
        Assert.Contains("prompt styles over 3 rows", text.Out);
    }

    [Fact]
    public async Task A_dataset_file_beside_the_notebook_fills_the_rows()
    {
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.WriteAllText(Path.Combine(dir, "data", "plurals.jsonl"), "{\"word\": \"cat\", \"answer\": \"cats\"}\n{\"word\": \"box\", \"answer\": \"boxes\"}\n");
        var path = Write(FewShot("dataset: data/plurals.jsonl\nexpected_column: answer"));

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var evaluation = Json(r).GetProperty("evaluations")[0];
        Assert.Equal("data/plurals.jsonl", evaluation.GetProperty("dataset").GetString());
        Assert.Equal(["cats", "boxes"], evaluation.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("expected").GetString()));
    }

    [Theory]
    [InlineData("data/rows.csv", "word,expected\ncat,cats\nbox\n", "cell 2 (Plurals): data/rows.csv line 3: the row has 1 field but the header has 2 (word, expected)")]
    [InlineData("data/rows.csv", "input,expected\ncat,cats\n", "")]   // the missing column shows as a {{word}} left as written: no error
    [InlineData("data/rows.csv", "word,plural\ncat,cats\n", "cell 2 (Plurals): data/rows.csv line 1: no column 'answer' for the expected answer (columns: word, plural)")]
    [InlineData("data/none.csv", null, "cell 2 (Plurals): data/none.csv: no such file beside the notebook")]
    public async Task A_bad_dataset_file_exits_2_naming_the_line_before_anything_runs(string file, string? content, string message)
    {
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        if (content is not null) File.WriteAllText(Path.Combine(dir, "data", "rows.csv"), content);
        var settings = $"dataset: {file}" + (message.Contains("'answer'") ? "\nexpected_column: answer" : "");
        // a cell without a dataset first: with --out, nothing is written when a later cell's dataset is bad
        var path = Write(Front + "## Zero-shot: First\n\n```input\nhi\n```\n\n" + FewShot(settings)[Front.Length..]);
        var outMd = Path.Combine(dir, "out.md");

        var r = await CliRunner.Run("run", path, "--models", models.Directory, "--out", outMd);

        if (message.Length == 0) { Assert.True(r.ExitCode == 0, r.Error); return; }
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(outMd));
    }

    [Fact]
    public async Task Notebook_check_reports_a_bad_dataset_file_line_on_stderr()
    {
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.WriteAllText(Path.Combine(dir, "data", "rows.csv"), "word,expected\ncat,cats,extra\n");
        var path = Write(FewShot("dataset: data/rows.csv"));

        var r = await CliRunner.Run("notebook", "check", path);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(path), r.Out);
        Assert.Contains("error: cell 1 (Plurals): data/rows.csv line 2: the row has 3 fields but the header has 2", r.Error);
    }

    [Fact]
    public async Task A_10_MB_dataset_file_exits_2_with_the_limit()
    {
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        using (var f = File.Create(Path.Combine(dir, "data", "big.csv"))) f.SetLength(10 * 1024 * 1024);
        var path = Write(FewShot("dataset: data/big.csv"));

        var r = await CliRunner.Run("run", path, "--models", models.Directory);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("data/big.csv: is 10.0 MB: datasets over 4 MB are refused", r.Error);
    }

    [Theory]
    [InlineData("--fail-under", "1.5", "--fail-under (=1.5) must be a pass rate from 0 to 1")]
    [InlineData("--concurrency", "0", "--concurrency (=0) must be between 1 and 256")]
    public async Task Bad_options_exit_2_naming_the_value(string option, string value, string message)
    {
        var path = Write(FewShot("", Rows));

        var r = await CliRunner.Run("run", path, "--models", models.Directory, option, value);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Error);
    }

    [Theory]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    [InlineData(0, 0, 0.0, 1.0)]
    public void Wilson_interval_matches_the_published_values(int passed, int total, double low, double high)
    {
        var interval = WilsonInterval.Of(passed, total);

        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    static class RunVerbExit
    {
        public const int Failed = GptPlayground.Cli.RunVerb.FailedExitCode;
    }
}
