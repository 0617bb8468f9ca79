using GptPlayground.Decoding;

namespace GptPlayground.Notebooks;

/// <summary>A problem with one decoding variant of one cell.</summary>
/// <param name="Cell">0-based index of the cell in <see cref="Notebook.Cells"/>.</param>
/// <param name="CellName">The cell's name.</param>
/// <param name="Variant">The variant's name.</param>
/// <param name="Parameter">The decoding setting concerned (snake_case).</param>
/// <param name="Message">What is wrong and how to fix it (from <see cref="DecodingSettings.Validate"/>).</param>
/// <param name="IsError">True for an error (the variant cannot run), false for a warning (a setting is ignored).</param>
public sealed record NotebookIssue(int Cell, string CellName, string Variant, string Parameter, string Message, bool IsError);

/// <summary>Checks a notebook's decoding variants (the file format itself is checked by <see cref="NotebookFormat"/>).</summary>
public static class NotebookValidation
{
    /// <summary>
    /// Every error and warning of every effective variant (the notebook's settings under the variant's), in cell order.
    /// </summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="contextLength">The model's context length, when known, for length checks.</param>
    public static IReadOnlyList<NotebookIssue> Validate(Notebook notebook, int? contextLength = null)
    {
        var issues = new List<NotebookIssue>();
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            if (notebook.Cells[i] is not PromptCell cell) continue;
            foreach (var variant in PromptRenderer.VariantsOf(notebook, cell))
            {
                var result = variant.Settings.Resolve().Validate(contextLength);
                issues.AddRange(result.Errors.Select(e => new NotebookIssue(i, cell.Name, variant.Name, e.Parameter, e.Message, true)));
                issues.AddRange(result.Warnings.Select(w => new NotebookIssue(i, cell.Name, variant.Name, w.Parameter, w.Message, false)));
            }
        }
        return issues;
    }
}
