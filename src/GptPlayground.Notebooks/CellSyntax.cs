using System.Text.RegularExpressions;

namespace GptPlayground.Notebooks;

/// <summary>
/// The names of the notebook format, in one place for the reader, the writer and the UI: cell kinds ("zero-shot"),
/// their headings ("## Zero-shot: name"), the roles of fenced blocks per kind, the markers between cells, and the rules
/// for names (variables, decoding variants) that the reader enforces and the writer relies on: what reads, writes.
/// </summary>
public static partial class CellSyntax
{
    /// <summary>The fields of an <c>```output VARIANT ...</c> info string, in the order they are written.</summary>
    public static class OutputField
    {
        /// <summary>tokens=N: tokens generated.</summary>
        public const string Tokens = "tokens";
        /// <summary>finish=eos|length|stop|context.</summary>
        public const string Finish = "finish";
        /// <summary>time_ms=X: prefill plus decode time.</summary>
        public const string TimeMs = "time_ms";
        /// <summary>tokens_per_s=X over all sequences.</summary>
        public const string TokensPerSecond = "tokens_per_s";
        /// <summary>seed=N: the seed a sampling run used.</summary>
        public const string Seed = "seed";
        /// <summary>ids=1,2,3: the generated token ids, comma-separated (so that whoever opens the notebook can replay it).</summary>
        public const string Ids = "ids";
        /// <summary>"tokens=N, finish=eos|length|stop|context, time_ms=X, tokens_per_s=X, seed=N, ids=1,2,3", for messages.</summary>
        public const string Expected = "tokens=N, finish=eos|length|stop|context, time_ms=X, tokens_per_s=X, seed=N, ids=1,2,3";
    }

    /// <summary>What a variable name may be, as an error message ends it.</summary>
    public const string VariableNameRule = "must start with a letter or '_' and use only letters, digits, '_', '.', '-'";

    /// <summary>What a decoding variant's name may be, as an error message ends it.</summary>
    public const string VariantNameRule = "must be one word without spaces, backticks or '=' (e.g. greedy, t0.7)";

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*\z")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^[^\s`=]+\z")]
    private static partial Regex VariantName();

    /// <summary>True for a name a <c>{{placeholder}}</c> and a <c>variables</c> entry may have.</summary>
    public static bool IsVariableName(string? name) => name is not null && VariableName().IsMatch(name);

    /// <summary>True for a name a decoding variant may have (it is written after <c>```decoding</c> and <c>```output</c>).</summary>
    public static bool IsVariantName(string? name) => name is not null && VariantName().IsMatch(name);

    /// <summary>Info string of a markdown cell written as a fenced block (when its text would not read back raw).</summary>
    public const string MarkdownCellRole = "markdown-cell";

    /// <summary>The line between two markdown cells.</summary>
    public const string CellMarker = "<!-- cell -->";

    /// <summary>Block roles every prompt cell may have: its settings, dataset, expected answer, decoding variants and outputs.</summary>
    public static readonly IReadOnlyList<string> CommonRoles = ["cell", "dataset", "expected", "decoding", "output"];

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
