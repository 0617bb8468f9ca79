using System.Text.Json;

namespace GptPlayground.Tests.Cli;

/// <summary>The decoding flags of <c>generate</c> and the <c>score</c> verb.</summary>
public class DecodingCliTests(CliModels models) : IClassFixture<CliModels>
{
    Task<CliRunner.Result> Generate(params string[] args) =>
        CliRunner.Run(["generate", "--models", models.Directory, "--model", "tiny", .. args]);

    static JsonElement Json(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    static int[] Tokens(JsonElement sequence) => sequence.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Fact]
    public async Task Twenty_thousand_beams_are_refused_before_anything_is_allocated()
    {
        var r = await Generate("--prompt", "Once", "--num-beams", "20000", "--max-new-tokens", "4");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--num-beams (=20000) is over this server's limit of 64 beams", r.Error);
    }

    [Fact]
    public async Task Sampling_at_a_vanishing_temperature_gives_the_greedy_tokens_with_finite_logprobs()
    {
        var greedy = Json(await Generate("--prompt", "Once upon", "--max-new-tokens", "6", "--json"));

        var cold = Json(await Generate("--prompt", "Once upon", "--max-new-tokens", "6", "--do-sample", "--temperature", "1e-300", "--seed", "1", "--json"));

        var sequence = cold.GetProperty("sequences")[0];
        Assert.Equal(Tokens(greedy.GetProperty("sequences")[0]), Tokens(sequence));
        Assert.All(sequence.GetProperty("steps").EnumerateArray(), step =>
            Assert.Equal(0.0, step.GetProperty("processed_logprob").GetDouble()));   // all the mass on the argmax, not NaN
    }

    [Fact]
    public async Task Seeded_sampling_json_has_processed_logprobs_and_repeats_exactly()
    {
        string[] args = ["--prompt", "Once upon", "--max-new-tokens", "8", "--do-sample", "--temperature", "0.8", "--top-p", "0.9", "--top-k", "0",
            "--seed", "3", "--num-return-sequences", "2", "--top-logprobs", "5", "--json"];

        var first = Json(await Generate(args));
        var second = Json(await Generate(args));

        Assert.Equal(3UL, first.GetProperty("settings").GetProperty("seed").GetUInt64());
        Assert.Equal("sample t=0.8 top-k 0 top-p 0.9 ×2 seed 3", first.GetProperty("summary").GetString());
        var sequences = first.GetProperty("sequences").EnumerateArray().ToList();
        Assert.Equal(2, sequences.Count);
        Assert.Equal(sequences.Select(Tokens), second.GetProperty("sequences").EnumerateArray().Select(Tokens));
        var step = sequences[0].GetProperty("steps")[0];
        var processed = step.GetProperty("processed_top_logprobs");
        Assert.InRange(processed.GetArrayLength(), 1, 5);
        Assert.True(step.GetProperty("processed_logprob").GetDouble() <= 0);
        Assert.Equal(5, step.GetProperty("top_logprobs").GetArrayLength());
    }

    [Fact]
    public async Task Beam_search_json_returns_the_best_sequences_with_scores()
    {
        var root = Json(await Generate("--prompt-ids", "1,2,3", "--max-new-tokens", "5", "--num-beams", "3", "--num-return-sequences", "2", "--length-penalty", "0.5", "--json"));

        var sequences = root.GetProperty("sequences").EnumerateArray().ToList();
        Assert.Equal(2, sequences.Count);
        var scores = sequences.Select(s => s.GetProperty("score").GetDouble()).ToList();
        Assert.True(scores[0] >= scores[1]);
        Assert.Equal("beam 3 lp 0.5 ×2", root.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Ignored_settings_warn_on_stderr_and_still_run()
    {
        var r = await Generate("--prompt-ids", "1,2", "--max-new-tokens", "3", "--temperature", "0.5", "--top-p", "0.8");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: --temperature (=0.5) is ignored: greedy decoding takes the most likely token; set do_sample=true to use it", r.Error);
        Assert.Contains("warning: --top-p (=0.8) is ignored", r.Error);
    }

    [Fact]
    public async Task Stop_string_ends_the_text_before_it()
    {
        var free = Json(await Generate("--prompt", "Hello there", "--max-new-tokens", "20", "--json")).GetProperty("sequences")[0];
        var text = free.GetProperty("text").GetString()!;
        var stop = text.Substring(text.Length / 2, 2);

        var stopped = Json(await Generate("--prompt", "Hello there", "--max-new-tokens", "20", "--stop", stop, "--json")).GetProperty("sequences")[0];

        Assert.Equal("stop", stopped.GetProperty("finish_reason").GetString());
        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], stopped.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Explicit_false_switches_are_accepted()
    {
        var r = await Generate("--prompt-ids", "1,2", "--max-new-tokens", "2", "--do-sample=false", "--early-stopping=false", "--json");

        Assert.Equal("greedy", Json(r).GetProperty("summary").GetString());
    }

    public static TheoryData<string[], string> BadDecodingFlags() => new()
    {
        { ["--top-p", "1.5"], "--top-p (=1.5) must be in (0, 1]" },
        { ["--temperature", "warm"], "--temperature (=warm) must be a number" },
        { ["--do-sample", "--temperature", "0"], "--temperature (=0) must be > 0 when sampling; for greedy decoding turn sampling off (do_sample=false)" },
        { ["--num-beams", "2", "--num-return-sequences", "3"], "--num-return-sequences (=3) must be <= num_beams (=2)" },
        { ["--top-k", "-1"], "--top-k (=-1) must be >= 0" },
        { ["--seed", "-4"], "--seed (=-4) must be a non-negative integer" },
        { ["--max-new-tokens", "100"], "--max-new-tokens (=100) exceeds the model's context length (64)" },
    };

    [Theory]
    [MemberData(nameof(BadDecodingFlags))]
    public async Task Bad_decoding_flags_give_one_line_naming_the_flag(string[] flags, string expected)
    {
        var r = await Generate(["--prompt-ids", "1,2", .. flags]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Score_json_gives_every_token_logprob_and_perplexity_as_exp_mean_nll()
    {
        var root = Json(await CliRunner.Run("score", "--models", models.Directory, "--model", "tiny", "--text", "The cat sat on the mat.", "--top-logprobs", "2", "--json"));

        var tokens = root.GetProperty("tokens").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, tokens[0].TryGetProperty("logprob", out var first) ? first.ValueKind : JsonValueKind.Null);
        var logprobs = tokens.Skip(1).Select(t => t.GetProperty("logprob").GetDouble()).ToList();
        Assert.Equal(root.GetProperty("scored_tokens").GetInt32(), logprobs.Count);
        Assert.Equal(-logprobs.Average(), root.GetProperty("mean_nll").GetDouble(), 4);
        Assert.Equal(Math.Exp(-logprobs.Average()), root.GetProperty("perplexity").GetDouble(), 2);
        Assert.Equal(2, tokens[1].GetProperty("top_logprobs").GetArrayLength());
    }

    [Fact]
    public async Task Score_text_prints_a_table_and_the_perplexity()
    {
        var r = await CliRunner.Run("score", "--models", models.Directory, "--model", "tiny", "--text", "Hello world");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("logprob  token", r.Out);
        Assert.Contains("perplexity ", r.Out);
    }

    [Theory]
    [InlineData(new[] { "score", "--model", "tiny" }, "'score' needs a text: --text TEXT or --text-file F")]
    [InlineData(new[] { "score", "--model", "tiny", "--text", "a" }, "scoring needs at least 2 tokens")]
    [InlineData(new[] { "score", "--model", "tiny", "--text-file", "/nonexistent/t.txt" }, "--text-file (=/nonexistent/t.txt) cannot be read")]
    public async Task Score_bad_input_gives_one_line(string[] args, string expected)
    {
        var r = await CliRunner.Run([.. args, "--models", models.Directory]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void The_help_lists_every_decoding_setting_as_a_flag()
    {
        foreach (var setting in GptPlayground.Decoding.DecodingSetting.All)
            Assert.Contains($"[--{setting.Flag}", GptPlayground.Cli.CommandLine.Usage);
    }
}
