using GptPlayground.Notebooks;

namespace GptPlayground.Components.Cells;

/// <summary>
/// The conversions of the prompt-style comparison (the prompt text itself is <see cref="PromptRenderer"/>'s).
/// </summary>
public static class CellPrompts
{
    /// <summary>
    /// The same task as zero-shot, few-shot and instruction prompts, for the prompt-style comparison: the instruction
    /// and the input (a few-shot cell's query) stay; the examples come from the cell when it is few-shot (a zero-shot
    /// cell has none, and its few-shot prompt says so by having no examples).
    /// </summary>
    /// <exception cref="ArgumentException">The cell is an instruction cell (compare from a zero-shot or few-shot cell).</exception>
    public static IReadOnlyList<(string Style, PromptCell Cell)> Styles(PromptCell cell)
    {
        var (instruction, input, examples, template) = cell switch
        {
            ZeroShotCell z => (z.Instruction, z.Input, new List<FewShotExample>(), FewShotCell.DefaultTemplate),
            FewShotCell f => (f.Instruction, f.Query, f.Examples.Where(e => e.Enabled).Select(e => new FewShotExample(e.Input, e.Output)).ToList(), f.Template),
            _ => throw new ArgumentException("the prompt-style comparison starts from a zero-shot or few-shot cell"),
        };
        // A few-shot query is the bare input; a zero-shot input often ends with its own cue ("Sentiment:").
        return
        [
            ("zero-shot", new ZeroShotCell { Name = cell.Name, Instruction = instruction, Input = input, Variables = cell.Variables }),
            ("few-shot", new FewShotCell { Name = cell.Name, Instruction = instruction, Template = template, Examples = examples, Query = input, Variables = cell.Variables }),
            ("instruction", new InstructionCell { Name = cell.Name, System = instruction, User = input, Variables = cell.Variables }),
        ];
    }
}
