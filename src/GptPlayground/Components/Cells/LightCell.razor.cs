using GptPlayground.Notebooks;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// A cell drawn light: its text (a markdown cell rendered, a prompt cell's name, fields and saved outputs) as plain,
/// read-only HTML. The notebook editor draws the cells of a long notebook this way until they come near the viewport:
/// a prompt cell in full is some 60 MudBlazor components and 200 elements, this is a few elements, and its text is still
/// in the page (find in page finds it). The labels are those of the full cell's fields.
/// </summary>
public sealed partial class LightCell
{
    /// <summary>The cell shown.</summary>
    [Parameter, EditorRequired] public Cell Cell { get; set; } = default!;

    string AriaLabel => Cell is PromptCell p ? $"{CellSyntax.Name(p.Kind)} cell {p.Name} (read-only until opened)" : "markdown cell (read-only until opened)";

    /// <summary>The non-empty text fields of <paramref name="cell"/>, labelled as in its full editor, in the editor's order.</summary>
    public static IEnumerable<(string Label, string Text)> Fields(PromptCell cell)
    {
        IEnumerable<(string, string)> all = cell switch
        {
            ZeroShotCell z => [("Instruction", z.Instruction), ("Input", z.Input)],
            FewShotCell f => [("Instruction", f.Instruction), ("Example template", f.Template),
                .. f.Examples.SelectMany((e, i) => new[] { ($"Example {i + 1} input{(e.Enabled ? "" : " (off)")}", e.Input), ($"Example {i + 1} output", e.Output) }),
                ("Query", f.Query)],
            InstructionCell i => [("System message", i.System), ("User message", i.User)],
            _ => [],
        };
        return all.Where(f => !string.IsNullOrEmpty(f.Item2));
    }
}
