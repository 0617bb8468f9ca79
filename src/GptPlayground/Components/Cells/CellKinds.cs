using GptPlayground.Notebooks;

namespace GptPlayground.Components.Cells;

/// <summary>The names the UI uses for cell kinds (as in the notebook format's headings, lower case).</summary>
public static class CellKinds
{
    /// <summary>"markdown", "zero-shot", "few-shot" or "instruction".</summary>
    public static string Name(Cell cell) => cell switch
    {
        MarkdownCell => "markdown",
        PromptCell p => Name(p.Kind),
        _ => "cell",
    };

    /// <summary>"zero-shot", "few-shot" or "instruction".</summary>
    public static string Name(PromptKind kind) => kind switch
    {
        PromptKind.ZeroShot => "zero-shot",
        PromptKind.FewShot => "few-shot",
        _ => "instruction",
    };

    /// <summary>"Zero-shot", "Few-shot" or "Instruction", as in a cell heading.</summary>
    public static string Heading(PromptKind kind) => kind switch
    {
        PromptKind.ZeroShot => "Zero-shot",
        PromptKind.FewShot => "Few-shot",
        _ => "Instruction",
    };
}
