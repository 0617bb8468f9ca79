namespace GptPlayground.Onnx.Tests;

/// <summary>Options validation: the message names the option, shows its value and says what to do.</summary>
public sealed class SynthGptOptionsTests
{
    public static TheoryData<SynthGptOptions, string, string> Invalid => new()
    {
        { new() { Layers = 0 }, "Layers", "Layers (=0) must be >= 1" },
        { new() { Hidden = 0 }, "Hidden", "Hidden (=0) must be >= 1" },
        { new() { Heads = 0 }, "Heads", "Heads (=0) must be >= 1" },
        { new() { Hidden = 64, Heads = 5 }, "Heads", "Heads (=5) must divide Hidden (=64) so every head has the same width; try 4" },
        { new() { Heads = 4, KvHeads = 3 }, "KvHeads", "KvHeads (=3) must divide Heads (=4) so each K/V head serves the same number of query heads; try 2" },
        { new() { Heads = 4, KvHeads = 8 }, "KvHeads", "KvHeads (=8) must be between 1 and Heads (=4)" },
        { new() { KvHeads = 0 }, "KvHeads", "KvHeads (=0) must be between 1 and Heads" },
        { new() { Vocab = 1 }, "Vocab", "Vocab (=1) must be >= 2" },
        { new() { Context = 0 }, "Context", "Context (=0) must be >= 1" },
        { new() { Layout = (SynthLayout)7 }, "Layout", "Layout (=7) is not a SynthLayout value" },
        { new() { GenAiConfig = true, Layout = SynthLayout.LegacyStacked }, "GenAiConfig", "GenAiConfig (=true) needs Layout Optimum (is LegacyStacked)" },
        { new() { Layers = 48, Hidden = 2048, Heads = 16, Vocab = 50257, ExternalData = false }, "ExternalData", "ExternalData (=false) cannot hold" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_name_the_option_its_value_and_a_fix(SynthGptOptions options, string parameter, string message)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Write_validates_before_touching_the_disk()
    {
        string dir = Path.Combine(Path.GetTempPath(), "gptplayground-onnx-tests", Guid.NewGuid().ToString("n"));

        Assert.Throws<ArgumentException>(() => SynthGpt.Write(new SynthGptOptions { Heads = 3 }, dir));
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData(null, 4)]
    [InlineData(2, 2)]
    public void KvHeads_defaults_to_Heads(int? kvHeads, int effective)
    {
        var options = new SynthGptOptions { Heads = 4, KvHeads = kvHeads };

        options.Validate();

        Assert.Equal(effective, options.EffectiveKvHeads);
    }
}
