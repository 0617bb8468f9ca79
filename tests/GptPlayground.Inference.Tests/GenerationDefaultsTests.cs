using GptPlayground.Decoding;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Tests;

/// <summary>A model folder's generation_config.json becomes the model's decoding defaults (<see cref="ModelConfig.GenerationDefaults"/>).</summary>
public class GenerationDefaultsTests
{
    [Fact]
    public void A_models_generation_config_gives_its_decoding_defaults()
    {
        var dir = TestModels.TempFolder("genconfig");
        File.WriteAllText(Path.Combine(dir, "generation_config.json"),
            """{ "do_sample": true, "temperature": 0.6, "top_p": 0.9, "max_new_tokens": 50, "early_stopping": "never", "eos_token_id": 2 }""");

        var defaults = ModelConfig.Read(dir).GenerationDefaults;

        Assert.Equal(new DecodingSettings { DoSample = true, Temperature = 0.6, TopP = 0.9, MaxNewTokens = 50, EarlyStopping = false }, defaults);
    }

    [Fact]
    public void Without_generation_config_nothing_is_set()
    {
        var dir = TestModels.TempFolder("nogenconfig");

        Assert.Equal(new DecodingSettings(), ModelConfig.Read(dir).GenerationDefaults);
    }
}
