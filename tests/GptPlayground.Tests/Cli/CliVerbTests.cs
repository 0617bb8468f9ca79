using System.Text.Json;

namespace GptPlayground.Tests.Cli;

public class CliVerbTests(CliModels models) : IClassFixture<CliModels>
{
    [Fact]
    public async Task Models_json_lists_every_folder_with_name_path_and_status()
    {
        var r = await CliRunner.Run("models", "--models", models.Directory, "--json");

        Assert.Equal(0, r.ExitCode);
        var list = JsonDocument.Parse(r.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(["broken", "tiny"], list.Select(e => e.GetProperty("name").GetString()));
        Assert.StartsWith("error: ", list[0].GetProperty("status").GetString());
        Assert.Equal("ok", list[1].GetProperty("status").GetString());
        Assert.Equal(models.Tiny, list[1].GetProperty("path").GetString());
        var card = list[1].GetProperty("card");
        Assert.Equal(2, card.GetProperty("layers").GetInt32());
        Assert.Equal(300, card.GetProperty("vocab_size").GetInt32());
        Assert.Equal(64, card.GetProperty("context_length").GetInt32());
    }

    [Fact]
    public async Task Models_json_prints_the_shape_as_the_cards_own_fields_as_before()
    {
        var r = await CliRunner.Run("models", "--models", models.Directory, "--json");

        var card = JsonDocument.Parse(r.Out).RootElement[1].GetProperty("card");
        string[] shape = ["layers", "heads", "kv_heads", "hidden", "head_size", "context_length", "vocab_size"];
        Assert.Equal(shape, card.EnumerateObject().Select(p => p.Name).Where(shape.Contains));
        Assert.False(card.TryGetProperty("shape", out _));
    }

    [Fact]
    public async Task Models_lists_a_model_with_a_bad_config_as_an_error_and_the_rest_as_usual()
    {
        var dir = Directory.CreateTempSubdirectory("gptplayground-badconfig-").FullName;
        var synth = await CliRunner.Run("synth-model", "--out", Path.Combine(dir, "bad"), "--layers", "1", "--hidden", "16", "--heads", "2", "--vocab", "300");
        Assert.True(synth.ExitCode == 0, synth.Error);
        File.WriteAllText(Path.Combine(dir, "bad", "generation_config.json"), "{\"eos_token_id\": [1.5]}");

        var r = await CliRunner.Run("models", "--models", dir, "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var entry = JsonDocument.Parse(r.Out).RootElement[0];
        Assert.StartsWith("error: ", entry.GetProperty("status").GetString());
        Assert.Contains("eos_token_id holds 1.5", entry.GetProperty("status").GetString());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Models_text_shows_the_card()
    {
        var r = await CliRunner.Run("models", "--models", models.Directory);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("tiny  [ok]", r.Out);
        Assert.Contains("layers 2", r.Out);
        Assert.Contains("broken  [error: ", r.Out);
    }

    [Fact]
    public async Task Generate_json_has_the_documented_shape()
    {
        var r = await CliRunner.Run("generate", "--models", models.Directory, "--model", "tiny", "--prompt-ids", "1,2,3", "--max-new-tokens", "4", "--top-logprobs", "3", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("tiny", root.GetProperty("model").GetString());
        Assert.Equal("cpu", root.GetProperty("provider").GetString());
        Assert.Equal([1, 2, 3], root.GetProperty("prompt_tokens").EnumerateArray().Select(e => e.GetInt32()));
        var sequence = root.GetProperty("sequences")[0];
        Assert.Equal(4, sequence.GetProperty("tokens").GetArrayLength());
        Assert.True(sequence.TryGetProperty("text", out _));
        Assert.Contains(sequence.GetProperty("finish_reason").GetString(), new[] { "eos", "length" });
        var step = sequence.GetProperty("steps")[0];
        Assert.Equal(sequence.GetProperty("tokens")[0].GetInt32(), step.GetProperty("token").GetInt32());
        Assert.True(step.GetProperty("logprob").GetDouble() <= 0);
        Assert.Equal(3, step.GetProperty("top_logprobs").GetArrayLength());
        Assert.True(step.GetProperty("top_logprobs")[0].TryGetProperty("token", out _));
        Assert.True(root.GetProperty("timing").GetProperty("prefill_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("timing").TryGetProperty("decode_tokens_per_s", out _));
    }

    [Fact]
    public async Task Generate_from_text_streams_the_output_and_summarises_on_stderr()
    {
        var r = await CliRunner.Run("generate", "--models", models.Directory, "--model", "tiny", "--prompt", "Hello", "--max-new-tokens", "5");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("tokens/s", r.Error);
        Assert.Contains("tiny on cpu", r.Error);
    }

    [Fact]
    public async Task Generate_accepts_a_model_path_instead_of_a_name()
    {
        var r = await CliRunner.Run("generate", "--model", models.Tiny, "--prompt-ids", "5", "--max-new-tokens", "2", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
    }

    [Fact]
    public async Task Bench_json_reports_prefill_decode_rate_and_run_share()
    {
        var r = await CliRunner.Run("bench", "--models", models.Directory, "--model", "tiny", "--prompt-tokens", "8", "--new-tokens", "8", "--runs", "2", "--compare-bare", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.True(root.GetProperty("prefill_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("decode_tokens_per_s").GetDouble() > 0);
        Assert.InRange(root.GetProperty("ort_run_share").GetDouble(), 0.0, 1.0);
        Assert.True(root.GetProperty("bare_decode_tokens_per_s").GetDouble() > 0);
    }

    [Fact]
    public async Task Bench_compare_genai_runs_onnx_runtime_genai_on_the_same_model_and_tokens()
    {
        var dir = Directory.CreateTempSubdirectory("gptplayground-genai-").FullName;   // not in the shared models folder: other tests list it
        var synth = await CliRunner.Run("synth-model", "--out", dir, "--layers", "2", "--hidden", "32", "--heads", "4", "--vocab", "300", "--context", "64", "--genai-config", "--force");
        Assert.True(synth.ExitCode == 0, synth.Error);

        var r = await CliRunner.Run("bench", "--model", dir, "--prompt-tokens", "8", "--new-tokens", "8", "--runs", "2", "--compare-genai", "--json");

        Assert.True(r.ExitCode == 0, r.Error);
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.True(root.GetProperty("genai_decode_tokens_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("engine_over_genai").GetDouble() > 0);
        Assert.True(root.GetProperty("genai_same_tokens").GetBoolean());   // greedy on one graph: the same tokens
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Bench_compare_genai_without_genai_config_says_how_to_get_one()
    {
        var r = await CliRunner.Run("bench", "--models", models.Directory, "--model", "tiny", "--prompt-tokens", "4", "--new-tokens", "4", "--runs", "1", "--compare-genai");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no genai_config.json", r.Error);
        Assert.Contains("--genai-config", r.Error);
    }

    [Fact]
    public async Task Synth_model_refuses_a_non_empty_folder()
    {
        var r = await CliRunner.Run("synth-model", "--out", models.Tiny, "--layers", "1", "--hidden", "8", "--heads", "2", "--vocab", "50");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not empty", r.Error);
    }

    [Fact]
    public async Task Generate_without_model_uses_the_catalogs_default_model()
    {
        var r = await CliRunner.Run("generate", "--models", models.Directory, "--prompt-ids", "1,2", "--max-new-tokens", "2", "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"model\": \"tiny\"", r.Out);
    }

    [Fact]
    public async Task Generate_without_model_and_no_usable_model_says_so()
    {
        var empty = Directory.CreateTempSubdirectory("gpt-empty-models").FullName;

        var r = await CliRunner.Run("generate", "--models", empty, "--prompt-ids", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--model NAME|PATH is required", r.Error);
        Assert.Contains("holds no usable model", r.Error);
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["generate", "--model", "nope", "--prompt", "x"], "unknown model 'nope'" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1,999"], "token id 999 is out of range" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1,x"], "'x' is not a token id" },
        { ["generate", "--model", "tiny", "--prompt", ""], "the prompt is empty" },
        { ["generate", "--model", "tiny"], "needs a prompt" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1", "--max-new-tokens", "0"], "--max-new-tokens (=0) must be >= 1" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1", "--max-new-tokens", "many"], "--max-new-tokens (=many) must be an integer" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1", "--top-logprobs", "50"], "--top-logprobs (=50) must be between 0 and 20" },
        { ["generate", "--model", "tiny", "--prompt-file", "/nonexistent/prompt.txt"], "--prompt-file (=/nonexistent/prompt.txt) cannot be read" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1", "--provider", "tpu"], "provider (=tpu) must be cpu, cuda or auto" },
        { ["generate", "--model", "tiny", "--prompt-ids", "1", "--temprature", "1"], "unknown option --temprature" },
        { ["generate", "--model", "broken", "--prompt-ids", "1"], "broken: ONNX Runtime cannot load model.onnx" },
        { ["generate", "--model", "tiny", "--prompt-ids", string.Join(",", Enumerable.Repeat(1, 64))], "no room to generate" },
        { ["bench", "--model", "tiny", "--runs", "0"], "--runs (=0) must be between 1 and 1000" },
        { ["bench", "--model", "tiny", "--batch", "2", "--compare-genai"], "--compare-genai needs --batch 1 (got --batch 2)" },
        { ["synth-model", "--out", "/tmp/x", "--layers", "1", "--hidden", "10", "--heads", "3", "--vocab", "50"], "Heads (=3) must divide Hidden (=10)" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gives_one_line_on_stderr_and_exit_code_2(string[] args, string expected)
    {
        var r = await CliRunner.Run(args[0] == "synth-model" ? args : [.. args, "--models", models.Directory]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Error);
    }
}
