using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Cells;

public class FewShotFieldsTests
{
    static FewShotCell Cell() => new()
    {
        Instruction = "Label the sentiment.",
        Examples = [new FewShotExample("great film", "positive"), new FewShotExample("dull", "negative")],
        Query = "loved it",
    };

    [Fact]
    public void Examples_are_an_editable_list_with_on_off_toggles()
    {
        using var ctx = new ComponentContext();
        var cell = Cell();
        var cut = ctx.Render<FewShotFields>(p => p.Add(x => x.Cell, cell));

        Assert.Equal(2, cut.FindAll("[data-example]").Count);
        cut.Find("[data-example='1'] textarea[aria-label='Example 2 output']").Input("meh");
        cut.Find("[data-example='0'] input[role=switch][aria-label='Use example 1']").Change(false);

        Assert.Equal("meh", cell.Examples[1].Output);
        Assert.False(cell.Examples[0].Enabled);
        Assert.Contains("off", cut.Find("[data-example='0']").ClassName);
    }

    [Fact]
    public void Add_and_remove_examples()
    {
        using var ctx = new ComponentContext();
        var cell = Cell();
        int changes = 0;
        var cut = ctx.Render<FewShotFields>(p => p.Add(x => x.Cell, cell).Add(x => x.Changed, () => changes++));

        cut.Find("button[aria-label='Add example']").Click();
        cut.WaitForState(() => cell.Examples.Count == 3);
        cut.Find("button[aria-label='Remove example 1']").Click();
        cut.WaitForState(() => cell.Examples.Count == 2);

        Assert.Equal(2, cell.Examples.Count);
        Assert.Equal("dull", cell.Examples[0].Input);
        Assert.Equal("", cell.Examples[1].Input);
        Assert.Equal(2, changes);
    }
}
