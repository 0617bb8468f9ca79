using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Cells;

public class InstructionFieldsTests
{
    [Fact]
    public void Edits_system_and_user_messages()
    {
        using var ctx = new ComponentContext();
        var cell = new InstructionCell { System = "Be brief.", User = "Hi" };
        int changes = 0;
        var cut = ctx.Render<InstructionFields>(p => p.Add(x => x.Cell, cell).Add(x => x.Changed, () => changes++));

        cut.Find("textarea[aria-label='System message']").Input("Be kind.");
        cut.Find("textarea[aria-label='User message']").Input("Hello there");

        Assert.Equal("Be kind.", cell.System);
        Assert.Equal("Hello there", cell.User);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Chat_format_can_be_chosen_or_left_to_the_model_template()
    {
        using var ctx = new ComponentContext();
        var cell = new InstructionCell { User = "Hi" };
        _ = ctx.Popovers;
        var cut = ctx.Render<InstructionFields>(p => p.Add(x => x.Cell, cell));
        var format = GptPlayground.Notebooks.Templates.ChatFormats.Names[0];

        ctx.Choose(cut, "Chat format", format);
        Assert.Equal(format, cell.ChatFormat);

        ctx.Choose(cut, "Chat format", "the model's chat template (else the notebook's format)");
        Assert.Null(cell.ChatFormat);
    }
}
