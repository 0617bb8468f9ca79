using GptPlayground.Components.Decoding;
using GptPlayground.Decoding;

namespace GptPlayground.Tests.Components.Decoding;

public class DecodingPresetsTests
{
    [Theory]
    [InlineData("greedy", "greedy")]
    [InlineData("beam-4", "beam 4")]
    [InlineData("precise", "sample t=0.3")]
    [InlineData("balanced", "sample t=0.7 top-p 0.9")]
    [InlineData("creative", "sample top-p 0.95")]
    [InlineData("custom", "greedy")]
    public void Presets_are_the_issue_list_and_valid(string name, string summary)
    {
        var preset = DecodingPresets.Get(name);

        Assert.Equal(summary, preset.Settings.Summary());
        Assert.True(preset.Settings.Validate().IsValid);
    }

    [Fact]
    public void Unique_name_appends_a_number_when_taken()
    {
        Assert.Equal("greedy", DecodingPresets.UniqueName("greedy", ["default"]));
        Assert.Equal("greedy-3", DecodingPresets.UniqueName("greedy", ["greedy", "greedy-2"]));
    }

    [Fact]
    public void Unknown_preset_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DecodingPresets.Get("wild"));

        Assert.Contains("balanced", e.Message);
    }
}
