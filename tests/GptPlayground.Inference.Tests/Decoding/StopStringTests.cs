using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests.Decoding;

public class StopStringTests
{
    [Fact]
    public void Matcher_holds_back_a_possible_start_and_stops_across_pushes()
    {
        var matcher = new StopMatcher(["cd", "xyz"]);

        Assert.Equal(("ab", false), matcher.Push("ab"));
        Assert.Equal(("", false), matcher.Push("c"));     // could be the start of "cd"
        Assert.Equal(("", true), matcher.Push("de"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Matcher_releases_held_text_when_the_match_fails_and_at_the_end()
    {
        var matcher = new StopMatcher(["cd"]);

        Assert.Equal(("a", false), matcher.Push("ac"));
        Assert.Equal(("ce", false), matcher.Push("e"));
        Assert.Equal(("", false), matcher.Push("c"));
        Assert.Equal("c", matcher.Flush());
    }

    [Fact]
    public void Stop_string_split_across_tokens_ends_the_sequence_and_is_not_in_the_output()
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = model.Encode("Once upon a time");
        var free = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 30 }).Sequences[0];
        // a stop string made of the last character of one token's text and the first of the next one's
        var steps = free.Steps;
        int j = Enumerable.Range(3, steps.Count - 4).First(i => steps[i].Text.Length > 0 && steps[i + 1].Text.Length > 0);
        var stop = steps[j].Text[^1..] + steps[j + 1].Text[..1];
        int at = free.Text.IndexOf(stop, StringComparison.Ordinal);

        var stopped = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 30, Stop = [stop] }).Sequences[0];

        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal(free.Text[..at], stopped.Text);
        Assert.False(stopped.Text.Contains(stop, StringComparison.Ordinal));
        Assert.True(stopped.Tokens.Length < free.Tokens.Length);
        Assert.Equal(free.Tokens[..stopped.Tokens.Length], stopped.Tokens);
    }

    [Fact]
    public void Without_a_match_the_output_is_unchanged()
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = model.Encode("Once upon a time");

        var free = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 20 }).Sequences[0];
        var withStop = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 20, Stop = ["\u0001never\u0002"] }).Sequences[0];

        Assert.Equal(free.Text, withStop.Text);
        Assert.Equal(free.Finish, withStop.Finish);
    }
}
