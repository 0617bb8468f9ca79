using GptPlayground.Decoding;

namespace GptPlayground.Notebooks;

/// <summary>
/// A prompt notebook: metadata (title, description, default model, default decoding settings, variables)
/// and ordered cells. Saved as one markdown file (see docs/notebook-format.md and <see cref="NotebookFormat"/>).
/// </summary>
/// <remarks>
/// Mutable so that the UI can edit it in place. Two notebooks are compared with <see cref="NotebookComparer"/>
/// (structural equality of every field, used by the round-trip tests).
/// </remarks>
public sealed class Notebook
{
    /// <summary>Title shown in lists (front matter <c>title</c>); null when the file has none.</summary>
    public string? Title { get; set; }

    /// <summary>One-paragraph description (front matter <c>description</c>).</summary>
    public string? Description { get; set; }

    /// <summary>Default model folder name for prompt cells without their own (front matter <c>model</c>).</summary>
    public string? Model { get; set; }

    /// <summary>Decoding settings every variant starts from (front matter <c>decoding</c>); its set values are overridden by a variant's.</summary>
    public DecodingSettings? Decoding { get; set; }

    /// <summary>Chat format used by instruction cells when the model has no chat template (front matter <c>chat_format</c>, default plain).</summary>
    public string? ChatFormat { get; set; }

    /// <summary>Values of <c>{{name}}</c> placeholders, in file order (front matter <c>variables</c>); a cell's own variables win.</summary>
    public List<KeyValuePair<string, string>> Variables { get; set; } = [];

    /// <summary>Front-matter keys this version does not know, kept as their YAML text so that they are never dropped.</summary>
    public List<KeyValuePair<string, string>> ExtraFrontMatter { get; set; } = [];

    /// <summary>
    /// Whether the file has a front matter block. A plain markdown file read without one is written back without one
    /// while it has nothing to put there; new notebooks have one.
    /// </summary>
    public bool HasFrontMatter { get; set; } = true;

    /// <summary>
    /// Comment lines of the front matter that stood on their own above a top-level key (the key; null: after the last
    /// key), written back above that key so that a save keeps them.
    /// </summary>
    public List<KeyValuePair<string?, string>> FrontMatterComments { get; set; } = [];

    /// <summary>
    /// Why writing this notebook would lose a comment of its front matter (a comment after a value, or inside a known
    /// key's nested value); null when nothing would be lost. The writer refuses to write while it is set.
    /// </summary>
    public string? UnkeptComment { get; set; }

    /// <summary>The cells, in order.</summary>
    public List<Cell> Cells { get; set; } = [];

    /// <summary>The prompt cells, in order.</summary>
    public IEnumerable<PromptCell> PromptCells => Cells.OfType<PromptCell>();
}

/// <summary>A notebook cell: <see cref="MarkdownCell"/> or one of the <see cref="PromptCell"/> kinds.</summary>
public abstract class Cell
{
}

/// <summary>Prose, kept exactly as written.</summary>
public sealed class MarkdownCell : Cell
{
    /// <summary>Creates a markdown cell.</summary>
    public MarkdownCell(string text = "") => Text = text;

    /// <summary>The markdown source.</summary>
    public string Text { get; set; }
}

/// <summary>Which prompt a cell builds.</summary>
public enum PromptKind
{
    /// <summary>Instruction + input (<see cref="ZeroShotCell"/>).</summary>
    ZeroShot,
    /// <summary>Instruction + examples through a template + query (<see cref="FewShotCell"/>).</summary>
    FewShot,
    /// <summary>System + user message through the chat template (<see cref="InstructionCell"/>).</summary>
    Instruction,
}

/// <summary>
/// A cell that builds a prompt and runs it: a name, its own variables, an optional model override, one or more named
/// decoding variants, an optional expected output and the last output of each variant.
/// </summary>
public abstract class PromptCell : Cell
{
    /// <summary>The cell's kind.</summary>
    public abstract PromptKind Kind { get; }

    /// <summary>Name shown in the heading ("## Zero-shot: NAME"); one line.</summary>
    public string Name { get; set; } = "";

    /// <summary>Prose shown under the heading (what the cell demonstrates); null for none. Not part of the prompt.</summary>
    public string? Note { get; set; }

    /// <summary>Model folder name that overrides the notebook's; null uses the notebook's.</summary>
    public string? Model { get; set; }

    /// <summary>The cell's own <c>{{name}}</c> values; they win over the notebook's.</summary>
    public List<KeyValuePair<string, string>> Variables { get; set; } = [];

    /// <summary>Decoding variants compared side by side; none means one variant named "default" with the notebook's settings.</summary>
    public List<DecodingVariant> Variants { get; set; } = [];

    /// <summary>The output the author expects, or null.</summary>
    public string? Expected { get; set; }

    /// <summary>
    /// The cell's inline table of inputs (a <c>```dataset</c> block: CSV with a header row), as written; null for none.
    /// Its columns fill <c>{{variables}}</c>, one run per row (see <see cref="CellDataset"/>).
    /// </summary>
    public string? Dataset
    {
        get;
        set
        {
            if (value != field) DatasetLine = null;          // edited text: the file's line numbers no longer hold
            field = value;
        }
    }

    /// <summary>
    /// The notebook file's line of the <see cref="Dataset"/> block's first line (its header), set by the reader, so that
    /// errors in a row name the line a user opens; null for a block built in code or edited since it was read (then
    /// lines count from the block's first line). Not part of the notebook's content: not compared, not serialized.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int? DatasetLine { get; set; }

    /// <summary>
    /// A dataset file beside the notebook instead of <see cref="Dataset"/> (cell setting <c>dataset: data/NAME.csv</c> or
    /// <c>.jsonl</c>, relative to the notebook's folder); null for none.
    /// </summary>
    public string? DatasetFile { get; set; }

    /// <summary>The dataset column that holds the expected answer (cell setting <c>expected_column</c>); null means <c>expected</c>.</summary>
    public string? ExpectedColumn { get; set; }

    /// <summary>How outputs are judged against the expected answer (cell setting <c>assert</c>); null means <see cref="AssertionKind.Exact"/>.</summary>
    public AssertionKind? Assert { get; set; }

    /// <summary>The answers a <c>choices</c> assertion scores (cell setting <c>choices</c>, a list); empty for other assertions.</summary>
    public List<string> Choices { get; set; } = [];

    /// <summary>True when the cell has a dataset (inline or a file).</summary>
    public bool HasDataset => Dataset is not null || DatasetFile is not null;

    /// <summary>
    /// The verdict on <paramref name="output"/> against the <see cref="Expected"/> output by the cell's assertion
    /// (<see cref="Assertions.Judge"/>; exact after trimming unless <see cref="Assert"/> says otherwise); null when the
    /// cell expects nothing. The one rule of the UI's ✓/✗, of <c>run</c>'s JSON and of the evaluation engine.
    /// </summary>
    public Judgement? Judge(string output) => Expected is { } expected ? Assertions.Judge(Assert ?? AssertionKind.Exact, expected, output) : null;

    /// <summary>Whether <paramref name="output"/> passes the cell's assertion (<see cref="Judge"/>); null when the cell expects nothing.</summary>
    public bool? MatchesExpected(string output) => Judge(output)?.Passed;

    /// <summary>Last output of each variant (saved only when the user keeps outputs).</summary>
    public List<CellOutput> Outputs { get; set; } = [];
}

/// <summary>Zero-shot: a task instruction and the input, joined by <see cref="Separator"/>.</summary>
public sealed class ZeroShotCell : PromptCell
{
    /// <inheritdoc/>
    public override PromptKind Kind => PromptKind.ZeroShot;

    /// <summary>What to do ("Classify the sentiment of the review."); may be empty.</summary>
    public string Instruction { get; set; } = "";

    /// <summary>The input, usually ending where the model should continue ("Review: ...\nSentiment:").</summary>
    public string Input { get; set; } = "";

    /// <summary>Text between the instruction and the input; null means "\n\n".</summary>
    public string? Separator { get; set; }
}

/// <summary>
/// Few-shot: an optional instruction, every enabled example rendered through <see cref="Template"/>, then the query
/// rendered through the part of the template before <c>{{output}}</c>; all joined by <see cref="Separator"/>.
/// </summary>
public sealed class FewShotCell : PromptCell
{
    /// <summary>The default example template.</summary>
    public const string DefaultTemplate = "Q: {{input}}\nA: {{output}}";

    /// <inheritdoc/>
    public override PromptKind Kind => PromptKind.FewShot;

    /// <summary>What to do; may be empty.</summary>
    public string Instruction { get; set; } = "";

    /// <summary>How one example reads, with <c>{{input}}</c> and <c>{{output}}</c> (default "Q: {{input}}\nA: {{output}}").</summary>
    public string Template { get; set; } = DefaultTemplate;

    /// <summary>Text between instruction, examples and query; null means "\n\n".</summary>
    public string? Separator { get; set; }

    /// <summary>The examples (input/output pairs), each can be switched off.</summary>
    public List<FewShotExample> Examples { get; set; } = [];

    /// <summary>The input the model should answer.</summary>
    public string Query { get; set; } = "";
}

/// <summary>One few-shot example.</summary>
public sealed class FewShotExample
{
    /// <summary>Creates an example.</summary>
    public FewShotExample(string input = "", string output = "", bool enabled = true) { Input = input; Output = output; Enabled = enabled; }

    /// <summary>Value of <c>{{input}}</c>.</summary>
    public string Input { get; set; }

    /// <summary>Value of <c>{{output}}</c>.</summary>
    public string Output { get; set; }

    /// <summary>False leaves the example out of the prompt (it stays in the file).</summary>
    public bool Enabled { get; set; }
}

/// <summary>Instruction: a system and a user message rendered through the model's chat template or a named format.</summary>
public sealed class InstructionCell : PromptCell
{
    /// <inheritdoc/>
    public override PromptKind Kind => PromptKind.Instruction;

    /// <summary>System message; empty sends none.</summary>
    public string System { get; set; } = "";

    /// <summary>User message.</summary>
    public string User { get; set; } = "";

    /// <summary>Named format (see <see cref="Templates.ChatFormats"/>) that replaces the model's chat template; null uses the template when there is one.</summary>
    public string? ChatFormat { get; set; }
}

/// <summary>A named decoding settings object (one column of a side-by-side comparison).</summary>
/// <param name="Name">Variant name: no whitespace, backticks or '='.</param>
/// <param name="Settings">Full decoding settings; only set values are written.</param>
public sealed record DecodingVariant(string Name, DecodingSettings Settings);

/// <summary>The last output of one variant.</summary>
public sealed record CellOutput
{
    /// <summary>Name of the variant that produced it.</summary>
    public required string Variant { get; init; }

    /// <summary>Generated text.</summary>
    public required string Text { get; init; }

    /// <summary>Number of generated tokens.</summary>
    public int? Tokens { get; init; }

    /// <summary>Why generation stopped (eos, length, stop, context).</summary>
    public string? Finish { get; init; }

    /// <summary>Wall time of the generation, milliseconds.</summary>
    public double? TimeMs { get; init; }

    /// <summary>Decode speed, tokens per second.</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>Seed used for sampling.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The generated token ids, in order (<c>ids=</c>); null when not known (an older notebook, a remote model).
    /// With them a shared notebook can be replayed token by token (the <c>replay</c> verb).</summary>
    public IReadOnlyList<int>? TokenIds { get; init; }
}
