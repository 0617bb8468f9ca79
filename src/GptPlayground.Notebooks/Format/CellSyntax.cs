namespace GptPlayground.Notebooks;

/// <summary>
/// The names of the notebook format, in one place for the reader, the writer and the UI: cell kinds ("zero-shot"),
/// their headings ("## Zero-shot: name"), the roles of fenced blocks per kind, and the markers between cells.
/// </summary>
public static class CellSyntax
{
    /// <summary>Info string of a markdown cell written as a fenced block (when its text would not read back raw).</summary>
    public const string MarkdownCellRole = "markdown-cell";

    /// <summary>The line between two markdown cells.</summary>
    public const string CellMarker = "<!-- cell -->";

    /// <summary>Block roles every prompt cell may have: its settings, expected answer, decoding variants and outputs.</summary>
    public static readonly IReadOnlyList<string> CommonRoles = ["cell", "expected", "decoding", "output"];

    /// <summary>The block roles of each kind's fields, in the order they are written.</summary>
    public static readonly IReadOnlyDictionary<PromptKind, string[]> KindRoles = new Dictionary<PromptKind, string[]>
    {
        [PromptKind.ZeroShot] = ["instruction", "input"],
        [PromptKind.FewShot] = ["instruction", "template", "example", "example-output", "query"],
        [PromptKind.Instruction] = ["system", "user"],
    };

    /// <summary>"zero-shot", "few-shot" or "instruction": the kind as a heading names it, lower case.</summary>
    public static string Name(PromptKind kind) => kind switch
    {
        PromptKind.ZeroShot => "zero-shot",
        PromptKind.FewShot => "few-shot",
        _ => "instruction",
    };

    /// <summary>"markdown", or the prompt cell's kind (<see cref="Name(PromptKind)"/>).</summary>
    public static string Name(Cell cell) => cell switch
    {
        MarkdownCell => "markdown",
        PromptCell p => Name(p.Kind),
        _ => "cell",
    };

    /// <summary>"Zero-shot", "Few-shot" or "Instruction", as a cell heading writes it.</summary>
    public static string Heading(PromptKind kind) => kind switch
    {
        PromptKind.ZeroShot => "Zero-shot",
        PromptKind.FewShot => "Few-shot",
        _ => "Instruction",
    };

    /// <summary>A new empty cell of the kind a heading names (case-insensitive; anything else is an instruction cell).</summary>
    public static PromptCell NewCell(string kindName) => kindName.ToLowerInvariant() switch
    {
        "zero-shot" => new ZeroShotCell(),
        "few-shot" => new FewShotCell(),
        _ => new InstructionCell(),
    };
}
