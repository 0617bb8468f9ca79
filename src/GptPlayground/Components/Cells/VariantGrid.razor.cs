using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// The columns of a comparison, side by side: one per <see cref="VariantRun"/> (decoding variants, or prompt styles).
/// Each column's header keeps its name, settings summary and buttons on one line. The first place where an output
/// differs from the <b>reference</b> column (the first, until another column's flag is pressed) is marked, so that with
/// many columns each mark says something about that column. When the cell has an expected output, each finished column
/// says ✓ or ✗ by <see cref="GptPlayground.Notebooks.PromptCell.MatchesExpected"/>'s rule.
/// </summary>
public sealed partial class VariantGrid
{
    string? reference;

    /// <summary>The columns.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<VariantRun> Runs { get; set; } = [];

    /// <summary>Show tokens coloured by probability instead of text.</summary>
    [Parameter] public bool TokenView { get; set; }

    /// <summary>Whether columns can be removed (variants yes, prompt styles no).</summary>
    [Parameter] public bool Removable { get; set; }

    /// <summary>Raised with a variant's name when its remove button is pressed.</summary>
    [Parameter] public EventCallback<string> RemoveVariant { get; set; }

    /// <summary>Raised with a variant's name when its settings button is pressed.</summary>
    [Parameter] public EventCallback<string> EditVariant { get; set; }

    /// <summary>The cell whose expected output (if any) judges each finished column; null for none.</summary>
    [Parameter] public GptPlayground.Notebooks.PromptCell? Cell { get; set; }

    string? Expected => Cell?.Expected;

    /// <summary>Accessible name of the grid.</summary>
    [Parameter] public string AriaLabel { get; set; } = "Outputs side by side";

    /// <summary>Index of the reference column: the chosen one while it exists, else the first.</summary>
    public int ReferenceIndex => Math.Max(0, Runs.ToList().FindIndex(r => r.Name == reference));

    string? ReferenceName => Runs.Count == 0 ? null : Runs[ReferenceIndex].Name;

    /// <summary>
    /// First-difference index of every sequence, in column order: each against the reference column's first sequence
    /// (nothing is marked while the reference has no output); a lone column's samples are compared with each other.
    /// </summary>
    int?[] Differences()
    {
        var texts = Runs.SelectMany(r => r.Sequences).Select(s => s.Text).ToList();
        if (Runs.Count <= 1) return FirstDifference.Of(texts);
        var referenceRun = Runs[ReferenceIndex];
        return referenceRun.Sequences.Count == 0 || referenceRun.Running
            ? new int?[texts.Count]
            : FirstDifference.From(texts, referenceRun.Sequences[0].Text);
    }

    /// <summary>✓ (true) or ✗ (false) for a finished column's first output; null while running, without output, or without an expected output.</summary>
    bool? Judge(VariantRun run) => run.Running || run.Sequences.Count == 0 ? null : Cell?.MatchesExpected(run.Sequences[0].Text);

    static string Mark(string text, int at) => at < text.Length ? text.Substring(at, char.IsHighSurrogate(text[at]) && at + 1 < text.Length ? 2 : 1) : "";
    static string Rest(string text, int at) => at + Mark(text, at).Length < text.Length ? text[(at + Mark(text, at).Length)..] : "";
}
