using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Cells;

public class ZeroShotFieldsTests
{
    [Fact]
    public void Shows_instruction_and_input_and_edits_the_cell_in_place()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Instruction = "Classify.", Input = "Review: ok" };
        int changes = 0;
        var cut = ctx.Render<ZeroShotFields>(p => p.Add(x => x.Cell, cell).Add(x => x.Changed, () => changes++));

        Assert.Equal("Classify.", cut.Find("textarea[aria-label=Instruction]").GetAttribute("value") ?? cut.Find("textarea[aria-label=Instruction]").TextContent);
        cut.Find("textarea[aria-label=Input]").Input("Review: great");

        Assert.Equal("Review: great", cell.Input);
        Assert.Equal(1, changes);
    }
}
