using GptPlayground.Components.Cells;

namespace GptPlayground.Tests.Components.Cells;

public class VariablesEditorTests
{
    [Fact]
    public void Rows_edit_names_and_values_in_place()
    {
        using var ctx = new ComponentContext();
        var vars = new List<KeyValuePair<string, string>> { new("topic", "cats"), new("tone", "dry") };
        int changes = 0;
        var cut = ctx.Render<VariablesEditor>(p => p.Add(x => x.Value, vars).Add(x => x.Changed, () => changes++));

        Assert.Equal(2, cut.FindAll("[data-variable]").Count);
        cut.Find("textarea[aria-label='Variable 2 value']").Input("warm");

        Assert.Equal(new KeyValuePair<string, string>("tone", "warm"), vars[1]);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Add_gives_a_free_name_and_remove_deletes_the_row()
    {
        using var ctx = new ComponentContext();
        var vars = new List<KeyValuePair<string, string>> { new("var1", "x") };
        var cut = ctx.Render<VariablesEditor>(p => p.Add(x => x.Value, vars).Add(x => x.Label, "Cell variables"));

        cut.Find("button[aria-label='Add variable to Cell variables']").Click();
        cut.WaitForState(() => vars.Count == 2);
        Assert.Equal("var2", vars[1].Key);

        cut.Find("button[aria-label='Remove variable 1']").Click();
        cut.WaitForState(() => vars.Count == 1);
        Assert.Equal("var2", vars[0].Key);
    }

    [Theory]
    [InlineData("", "A variable needs a name")]
    [InlineData("my topic", "'my topic' cannot be written as {{my topic}}")]
    [InlineData("1st", "'1st' cannot be written as {{1st}}")]
    public void Names_a_placeholder_cannot_use_are_flagged(string name, string message)
    {
        using var ctx = new ComponentContext();
        var vars = new List<KeyValuePair<string, string>> { new(name, "v") };

        var cut = ctx.Render<VariablesEditor>(p => p.Add(x => x.Value, vars));

        Assert.Contains(message, cut.Find(".variable-problem").TextContent);
    }

    [Fact]
    public void A_name_given_twice_is_flagged_and_valid_names_are_not()
    {
        using var ctx = new ComponentContext();
        var vars = new List<KeyValuePair<string, string>> { new("topic", "a"), new("topic", "b"), new("user.name", "c") };

        var cut = ctx.Render<VariablesEditor>(p => p.Add(x => x.Value, vars));

        var problem = Assert.Single(cut.FindAll(".variable-problem"));
        Assert.Contains("'topic' is defined twice", problem.TextContent);
    }
}
