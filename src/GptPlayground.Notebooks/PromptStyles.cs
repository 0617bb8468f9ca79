namespace GptPlayground.Notebooks;

/// <summary>
/// The conversions of the prompt-style comparison (the prompt text itself is <see cref="PromptRenderer"/>'s): the UI's
/// "Compare prompt styles" and the evaluation engine's style comparison over a dataset use the same three cells.
/// </summary>
public static class PromptStyles
{
    /// <summary>
    /// The same task as zero-shot, few-shot and instruction prompts, for the prompt-style comparison, each with a note
    /// saying how it was built. The instruction and the input (a few-shot cell's query) stay. From a few-shot cell, the
    /// zero-shot prompt is the instruction and the query written through the example template with no examples (the
    /// template's cue, "A:", tells the model where to answer; the bare query alone gave junk); the few-shot prompt keeps
    /// the enabled examples. From a zero-shot cell, the few-shot prompt has no examples. Each cell keeps the source's
    /// model, dataset, expected answer and assertion, so that the three can be evaluated on the same rows.
    /// </summary>
    /// <exception cref="ArgumentException">The cell is an instruction cell (compare from a zero-shot or few-shot cell).</exception>
    public static IReadOnlyList<(string Style, PromptCell Cell, string Note)> Styles(PromptCell cell) =>
        StylesWithoutEvaluation(cell).Select(s => (s.Style, WithEvaluationOf(s.Cell, cell), s.Note)).ToList();

    /// <summary>
    /// A copy of a few-shot cell with <paramref name="examples"/> instead of its own (the few-shot ablation's prompts):
    /// the same instruction, template, separator, query, variables, model, decoding variants, dataset, expected answer and
    /// assertion; its outputs are not copied.
    /// </summary>
    public static FewShotCell WithExamples(FewShotCell cell, IEnumerable<FewShotExample> examples)
    {
        var copy = FewShotCopy(cell, examples.Select(e => new FewShotExample(e.Input, e.Output)).ToList());
        copy.Variants = [.. cell.Variants];
        return (FewShotCell)WithEvaluationOf(copy, cell);
    }

    static FewShotCell FewShotCopy(FewShotCell f, List<FewShotExample> examples) =>
        new() { Name = f.Name, Instruction = f.Instruction, Template = f.Template, Separator = f.Separator, Examples = examples, Query = f.Query, Variables = f.Variables };

    /// <summary>Copies the model, dataset, expected answer and assertion of <paramref name="source"/> onto <paramref name="cell"/>.</summary>
    static PromptCell WithEvaluationOf(PromptCell cell, PromptCell source)
    {
        cell.Model = source.Model;
        cell.Dataset = source.Dataset;
        cell.DatasetLine = source.DatasetLine;
        cell.DatasetFile = source.DatasetFile;
        cell.ExpectedColumn = source.ExpectedColumn;
        cell.Expected = source.Expected;
        cell.Assert = source.Assert;
        cell.Choices = [.. source.Choices];
        return cell;
    }

    static IReadOnlyList<(string Style, PromptCell Cell, string Note)> StylesWithoutEvaluation(PromptCell cell)
    {
        switch (cell)
        {
            case ZeroShotCell z:
                return
                [
                    ("zero-shot", new ZeroShotCell { Name = z.Name, Instruction = z.Instruction, Input = z.Input, Separator = z.Separator, Variables = z.Variables },
                        "the cell itself"),
                    ("few-shot", new FewShotCell { Name = z.Name, Instruction = z.Instruction, Template = FewShotCell.DefaultTemplate, Examples = [], Query = z.Input, Variables = z.Variables },
                        "instruction + input in the default template; a zero-shot cell has no examples"),
                    ("instruction", new InstructionCell { Name = z.Name, System = z.Instruction, User = z.Input, Variables = z.Variables },
                        "instruction as system message, input as user message"),
                ];
            case FewShotCell f:
                var examples = f.Examples.Where(e => e.Enabled).Select(e => new FewShotExample(e.Input, e.Output)).ToList();
                return
                [
                    ("zero-shot", FewShotCopy(f, []), "instruction + query in the example template, no examples"),
                    ("few-shot", FewShotCopy(f, examples),
                        $"the cell itself ({examples.Count} example{(examples.Count == 1 ? "" : "s")})"),
                    ("instruction", new InstructionCell { Name = f.Name, System = f.Instruction, User = f.Query, Variables = f.Variables },
                        "instruction as system message, query as user message"),
                ];
            default:
                throw new ArgumentException("the prompt-style comparison starts from a zero-shot or few-shot cell");
        }
    }
}
