using System.Text.Json;

namespace GptPlayground.Decoding.Tests;

public class DecodingSettingsTests
{
    [Theory]
    [InlineData("temperature", "temperature (=-1) must be >= 0")]
    [InlineData("temperature0", "temperature (=0) must be > 0 when sampling; for greedy decoding turn sampling off (do_sample=false)")]
    [InlineData("top_p", "top_p (=1.5) must be in (0, 1]")]
    [InlineData("top_p0", "top_p (=0) must be in (0, 1]")]
    [InlineData("top_k", "top_k (=-1) must be >= 0; use 0 to keep every token")]
    [InlineData("min_p", "min_p (=1.2) must be in [0, 1]")]
    [InlineData("typical_p", "typical_p (=0) must be in (0, 1]")]
    [InlineData("repetition_penalty", "repetition_penalty (=0) must be > 0")]
    [InlineData("presence_penalty", "presence_penalty (=3) must be between -2 and 2")]
    [InlineData("frequency_penalty", "frequency_penalty (=-2.5) must be between -2 and 2")]
    [InlineData("no_repeat_ngram_size", "no_repeat_ngram_size (=-1) must be >= 0")]
    [InlineData("num_beams", "num_beams (=0) must be >= 1")]
    [InlineData("num_beams_sample", "num_beams (=4) with do_sample=true (beam sampling) is not supported")]
    [InlineData("num_return_sequences", "num_return_sequences (=5) must be <= num_beams (=4)")]
    [InlineData("num_return_sequences_greedy", "num_return_sequences (=2) must be 1 for greedy decoding")]
    [InlineData("num_return_sequences0", "num_return_sequences (=0) must be >= 1")]
    [InlineData("max_new_tokens", "max_new_tokens (=0) must be >= 1")]
    [InlineData("max_new_tokens_context", "max_new_tokens (=500) exceeds the model's context length (128)")]
    [InlineData("min_new_tokens", "min_new_tokens (=-1) must be >= 0")]
    [InlineData("length_penalty", "length_penalty (=NaN) must be a finite number")]
    [InlineData("stop", "stop[1] (=\"\") is empty")]
    public void Each_invalid_value_gives_an_error_naming_parameter_value_and_fix(string testCase, string message)
    {
        DecodingSettings s = testCase switch
        {
            "temperature" => new() { Temperature = -1 },
            "temperature0" => new() { Temperature = 0, DoSample = true },
            "top_p" => new() { TopP = 1.5 },
            "top_p0" => new() { TopP = 0 },
            "top_k" => new() { TopK = -1 },
            "min_p" => new() { MinP = 1.2 },
            "typical_p" => new() { TypicalP = 0 },
            "repetition_penalty" => new() { RepetitionPenalty = 0 },
            "presence_penalty" => new() { PresencePenalty = 3 },
            "frequency_penalty" => new() { FrequencyPenalty = -2.5 },
            "no_repeat_ngram_size" => new() { NoRepeatNgramSize = -1 },
            "num_beams" => new() { NumBeams = 0 },
            "num_beams_sample" => new() { NumBeams = 4, DoSample = true },
            "num_return_sequences" => new() { NumBeams = 4, NumReturnSequences = 5 },
            "num_return_sequences_greedy" => new() { NumReturnSequences = 2 },
            "num_return_sequences0" => new() { NumReturnSequences = 0 },
            "max_new_tokens" => new() { MaxNewTokens = 0 },
            "max_new_tokens_context" => new() { MaxNewTokens = 500 },
            "min_new_tokens" => new() { MinNewTokens = -1 },
            "length_penalty" => new() { NumBeams = 2, LengthPenalty = double.NaN },
            "stop" => new() { Stop = ["a", ""] },
            _ => throw new ArgumentException(testCase),
        };

        var v = s.Validate(contextLength: 128);

        var error = Assert.Single(v.Errors);
        Assert.StartsWith(message, error.Message);
        Assert.StartsWith(error.Parameter, message);
        Assert.False(v.IsValid);
        Assert.Contains(message, Assert.Throws<ArgumentException>(v.ThrowIfInvalid).Message);
    }

    [Theory]
    [InlineData("temperature", "temperature (=0.7) is ignored: greedy decoding takes the most likely token; set do_sample=true to use it")]
    [InlineData("top_p", "top_p (=0.9) is ignored")]
    [InlineData("top_k", "top_k (=10) is ignored")]
    [InlineData("min_p", "min_p (=0.1) is ignored")]
    [InlineData("typical_p", "typical_p (=0.5) is ignored")]
    [InlineData("seed", "seed (=3) is ignored")]
    [InlineData("length_penalty", "length_penalty (=2) is ignored without beam search")]
    [InlineData("early_stopping", "early_stopping (=true) is ignored without beam search")]
    [InlineData("min_new_tokens", "min_new_tokens (=9) is more than max_new_tokens (=8)")]
    [InlineData("beam_temperature", "temperature (=0.7) is ignored: beam search does not sample")]
    public void Settings_the_mode_ignores_give_a_warning_not_an_error(string testCase, string message)
    {
        DecodingSettings s = testCase switch
        {
            "temperature" => new() { Temperature = 0.7 },
            "top_p" => new() { TopP = 0.9 },
            "top_k" => new() { TopK = 10 },
            "min_p" => new() { MinP = 0.1 },
            "typical_p" => new() { TypicalP = 0.5 },
            "seed" => new() { Seed = 3 },
            "length_penalty" => new() { LengthPenalty = 2 },
            "early_stopping" => new() { EarlyStopping = true },
            "min_new_tokens" => new() { MinNewTokens = 9, MaxNewTokens = 8 },
            "beam_temperature" => new() { NumBeams = 2, Temperature = 0.7 },
            _ => throw new ArgumentException(testCase),
        };

        var v = s.Validate();

        Assert.Empty(v.Errors);
        Assert.StartsWith(message, Assert.Single(v.Warnings).Message);
    }

    [Theory]
    [InlineData(20000, 1, false, "num_beams (=20000) is over this server's limit of 64 beams (Playground:MaxBeams)")]
    [InlineData(1, 2147483647, true, "num_return_sequences (=2147483647) is over this server's limit of 256 sequences per request")]
    [InlineData(1, 20000, true, "num_return_sequences (=20000) is over this server's limit of 256")]
    public void Requests_past_the_resource_limits_are_errors_naming_the_limit(int beams, int sequences, bool sample, string message)
    {
        var s = new DecodingSettings { NumBeams = beams, NumReturnSequences = sequences, DoSample = sample };

        Assert.Contains(s.Validate().Errors, e => e.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_can_be_set_per_call()
    {
        var s = new DecodingSettings { NumBeams = 8, NumReturnSequences = 8 };

        Assert.Empty(s.Validate().Errors);
        Assert.Contains(s.Validate(limits: new DecodingLimits(MaxBeams: 4)).Errors, e => e.Parameter == "num_beams");
    }

    [Fact]
    public void Valid_sampling_settings_have_no_errors_or_warnings()
    {
        var v = new DecodingSettings { DoSample = true, Temperature = 0.7, TopP = 0.9, TopK = 0, MinP = 0.05, Seed = 1, MaxNewTokens = 64 }.Validate(128, 10);

        Assert.Empty(v.Errors);
        Assert.Empty(v.Warnings);
    }

    [Fact]
    public void Resolve_fills_unset_values_from_the_models_defaults_then_defaults()
    {
        using var config = JsonDocument.Parse(
            """{ "do_sample": true, "temperature": 0.6, "top_p": 0.9, "max_new_tokens": 50, "early_stopping": "never", "eos_token_id": 2 }""");

        var resolved = new DecodingSettings { TopP = 0.5 }.Resolve(DecodingSettings.FromGenerationConfig(config.RootElement));

        Assert.True(resolved.DoSample);
        Assert.Equal(0.6, resolved.Temperature);
        Assert.Equal(0.5, resolved.TopP);              // the caller's value wins
        Assert.Equal(50, resolved.MaxNewTokens);
        Assert.Equal(50, resolved.TopK);               // transformers' default
        Assert.False(resolved.EarlyStopping);
        Assert.NotNull(resolved.Seed);                 // sampling without a seed: a fresh one
    }

    [Fact]
    public void Resolve_without_config_is_greedy()
    {
        var resolved = new DecodingSettings().Resolve();

        Assert.Equal(DecodingMode.Greedy, resolved.Mode);
        Assert.Equal(128, resolved.MaxNewTokens);
        Assert.Null(resolved.Seed);
        Assert.Empty(resolved.Stop!);
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("sample t=0.7 top-p 0.9 seed 42")]
    [InlineData("beam 4 lp 0.8 early ×2")]
    [InlineData("greedy rep 1.2 no-repeat 3 stop ×1")]
    [InlineData("sample top-k 0 min-p 0.05 presence 0.5 freq 0.25 ×3 seed 7")]
    public void Summary_is_one_line_of_mode_and_non_default_settings(string expected)
    {
        DecodingSettings s = expected switch
        {
            "greedy" => new(),
            "sample t=0.7 top-p 0.9 seed 42" => new() { DoSample = true, Temperature = 0.7, TopP = 0.9, Seed = 42 },
            "beam 4 lp 0.8 early ×2" => new() { NumBeams = 4, LengthPenalty = 0.8, EarlyStopping = true, NumReturnSequences = 2 },
            "greedy rep 1.2 no-repeat 3 stop ×1" => new() { RepetitionPenalty = 1.2, NoRepeatNgramSize = 3, Stop = ["\n"] },
            _ => new() { DoSample = true, TopK = 0, MinP = 0.05, PresencePenalty = 0.5, FrequencyPenalty = 0.25, NumReturnSequences = 3, Seed = 7 },
        };

        Assert.Equal(expected, s.Summary());
    }

    [Fact]
    public void Every_setting_has_a_one_sentence_description_and_its_json_name()
    {
        var json = JsonSerializer.Serialize(new DecodingSettings { Seed = 1 } with { MaxNewTokens = 1 });

        Assert.Equal(18, DecodingSettings.Names.Count);
        foreach (var name in DecodingSettings.Names)
        {
            var text = DecodingSettings.Describe(name);
            Assert.EndsWith(".", text);
            Assert.Contains($"\"{name}\"", JsonSerializer.Serialize(DecodingSettings.Defaults with { Seed = 1 }));
        }
        Assert.Contains("\"max_new_tokens\":1", json);
        var names = JsonDocument.Parse(JsonSerializer.Serialize(DecodingSettings.Defaults with { Seed = 1 })).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(DecodingSettings.Names.Order(), names.Order());          // nothing but the settings (no computed Mode)
        Assert.Throws<ArgumentException>(() => DecodingSettings.Describe("temprature"));
    }

    [Fact]
    public void Every_property_of_the_record_has_one_descriptor_that_reads_and_writes_it()
    {
        var set = DecodingSettings.Defaults with { Seed = 7, Stop = ["x"] };

        var names = JsonDocument.Parse(JsonSerializer.Serialize(set)).RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(names, DecodingSetting.All.Select(d => d.Name));           // same settings, same order
        foreach (var d in DecodingSetting.All)
        {
            var value = d.GetValue(set);
            Assert.NotNull(value);
            Assert.Null(d.GetValue(d.WithValue(set, null)));
            Assert.Equal(value, d.GetValue(d.WithValue(new DecodingSettings(), value)));
            Assert.Equal("--" + d.Name.Replace('_', '-'), "--" + d.Flag);
        }
    }
}
