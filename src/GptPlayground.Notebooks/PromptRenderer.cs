using System.Text.RegularExpressions;
using GptPlayground.Decoding;
using GptPlayground.Notebooks.Templates;
using GptPlayground.Tokenizers;

namespace GptPlayground.Notebooks;

/// <summary>The exact prompt a model sees for a cell.</summary>
/// <param name="Text">The prompt text.</param>
/// <param name="TokenIds">Its token ids when a tokenizer was given, else null.</param>
/// <param name="AddSpecialTokens">Whether the ids were (or should be) encoded with the tokenizer's BOS.</param>
/// <param name="Format">"completion" for zero-/few-shot cells; "template" or the named chat format for instruction cells.</param>
/// <param name="Notes">What the user should know: a fallback format, a <c>{{name}}</c> with no value.</param>
public sealed record RenderedPrompt(string Text, int[]? TokenIds, bool AddSpecialTokens, string Format, IReadOnlyList<string> Notes)
{
    /// <summary>
    /// An instruction cell's messages (variables substituted) when it names no chat_format of its own, so that a model
    /// served elsewhere can apply its own chat template; null for other cells.
    /// </summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }
}

/// <summary>
/// Turns a cell into the prompt text (and token ids) the model sees. The one function the UI preview, the CLI and
/// the engine use.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>{{name}}</c> is replaced by the cell's variable, else the notebook's; one pass (values are not expanded
/// again); a name with no value stays as written and gives a note.</item>
/// <item>Zero-shot: instruction (when not empty) and input joined by the separator (default "\n\n").</item>
/// <item>Few-shot: instruction, each enabled example through the template, then the query through the part of the
/// template before <c>{{output}}</c> with trailing spaces removed ("Q: {{input}}\nA: {{output}}" gives "Q: ...\nA:");
/// joined by the separator (default "\n\n").</item>
/// <item>Instruction: system (when not empty) and user messages through <see cref="ChatFormats.Render"/>: the cell's
/// chat_format, else the model's chat template, else the notebook's chat_format, else plain.</item>
/// </list>
/// </remarks>
public static partial class PromptRenderer
{
    /// <summary>The separator used when a cell sets none.</summary>
    public const string DefaultSeparator = "\n\n";

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}")]
    private static partial Regex Placeholder();


    /// <summary>Whether <paramref name="name"/> can be written as a <c>{{name}}</c> placeholder: a letter or _, then letters, digits, _ . or -.</summary>
    public static bool IsVariableName(string name) => CellSyntax.IsVariableName(name);

    [GeneratedRegex(@"\{\{\s*output\s*\}\}")]
    private static partial Regex OutputPlaceholder();

    /// <summary>Renders a cell of a notebook.</summary>
    /// <param name="notebook">The notebook (variables, chat format).</param>
    /// <param name="cell">The cell.</param>
    /// <param name="model">The model's template and special tokens (<see cref="ModelPromptInfo.Load"/>); null for none.</param>
    /// <param name="tokenizer">The model's tokenizer, to get token ids; null for text only.</param>
    /// <param name="row">A dataset row's values (<see cref="DatasetTable.Variables"/>); they win over the cell's and the notebook's variables.</param>
    /// <exception cref="ArgumentException">The cell names an unknown chat format.</exception>
    public static RenderedPrompt Render(Notebook notebook, PromptCell cell, ModelPromptInfo? model = null, ITokenizer? tokenizer = null,
        IReadOnlyList<KeyValuePair<string, string>>? row = null)
    {
        var notes = new List<string>();
        var vars = VariablesOf(notebook, cell, row);
        string Sub(string text) => Substitute(text, vars, notes);

        string text;
        bool addSpecial = true;
        string format = "completion";
        IReadOnlyList<ChatMessage>? chatMessages = null;
        switch (cell)
        {
            case ZeroShotCell z:
                text = Join(z.Separator, [Sub(z.Instruction), Sub(z.Input)]);
                break;
            case FewShotCell f:
            {
                var template = f.Template;
                var parts = new List<string> { Sub(f.Instruction) };
                foreach (var ex in f.Examples.Where(e => e.Enabled))
                    parts.Add(Example(template, Sub(ex.Input), Sub(ex.Output), vars, notes));
                var match = OutputPlaceholder().Match(template);
                var queryTemplate = match.Success ? template[..match.Index].TrimEnd(' ', '\t') : template;
                parts.Add(Example(queryTemplate, Sub(f.Query), "", vars, notes));
                text = Join(f.Separator, parts);
                break;
            }
            case InstructionCell i:
            {
                var messages = new List<ChatMessage>();
                var system = Sub(i.System);
                if (system.Length > 0) messages.Add(new ChatMessage("system", system));
                messages.Add(new ChatMessage("user", Sub(i.User)));
                var chat = ChatFormats.Render(messages, model ?? ModelPromptInfo.None, i.ChatFormat, notebook.ChatFormat);
                if (chat.Note is not null) notes.Add(chat.Note);
                text = chat.Text;
                addSpecial = chat.AddSpecialTokens;
                format = chat.Format;
                if (i.ChatFormat is null) chatMessages = messages;
                break;
            }
            default:
                throw new ArgumentException($"cannot render a {cell.GetType().Name}");
        }
        var ids = tokenizer?.Encode(text, addSpecial);
        return new RenderedPrompt(text, ids, addSpecial, format, notes.Distinct().ToList()) { Messages = chatMessages };
    }

    /// <summary>The <c>{{name}}</c> values a cell renders with: the notebook's, then the cell's, then a dataset row's; later ones win.</summary>
    public static Dictionary<string, string> VariablesOf(Notebook notebook, PromptCell cell, IReadOnlyList<KeyValuePair<string, string>>? row = null)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in notebook.Variables) vars[k] = v;
        foreach (var (k, v) in cell.Variables) vars[k] = v;
        if (row is not null) foreach (var (k, v) in row) vars[k] = v;
        return vars;
    }

    static string Join(string? separator, List<string> parts) =>
        string.Join(separator ?? DefaultSeparator, parts.Where((p, i) => p.Length > 0 || i == parts.Count - 1));

    static string Example(string template, string input, string output, Dictionary<string, string> vars, List<string> notes)
    {
        var local = new Dictionary<string, string>(vars) { ["input"] = input, ["output"] = output };
        return Substitute(template, local, notes);
    }

    /// <summary>Replaces each <c>{{name}}</c> that has a value, in one pass; others stay and are noted.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> variables, List<string>? notes = null) =>
        Placeholder().Replace(text, m =>
        {
            if (variables.TryGetValue(m.Groups[1].Value, out var value)) return value;
            notes?.Add($"{{{{{m.Groups[1].Value}}}}} has no value: left as written");
            return m.Value;
        });

    /// <summary>The model a cell runs on: its own, else the notebook's; null when neither names one.</summary>
    public static string? ModelOf(Notebook notebook, PromptCell cell) => cell.Model ?? notebook.Model;

    /// <summary>
    /// The variants a cell runs, each with the notebook's decoding settings under its own: the cell's variants, or one
    /// named "default" with the notebook's settings when it has none.
    /// </summary>
    public static IReadOnlyList<DecodingVariant> VariantsOf(Notebook notebook, PromptCell cell) =>
        cell.Variants.Count == 0
            ? [new DecodingVariant("default", notebook.Decoding ?? new DecodingSettings())]
            : cell.Variants.Select(v => v with { Settings = DecodingSettings.Merge(notebook.Decoding, v.Settings) }).ToList();
}
