using GptPlayground.Decoding;
using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>Paths of the checkout and random adversarial notebooks for round-trip and fuzz tests.</summary>
static class TestFiles
{
    /// <summary>The checkout's prompts/ folder.</summary>
    public static string PromptsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return Path.Combine(dir.FullName, "prompts");
            throw new InvalidOperationException("GptPlayground.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every example notebook shipped in prompts/.</summary>
    public static string[] Examples() => Directory.GetFiles(PromptsDirectory, "*.md").Order(StringComparer.Ordinal).ToArray();

    static readonly string[] Fragments =
    [
        "```", "````", "~~~", "``` input", "```input", "```decoding x", "---", "...", "# Title", "## Zero-shot: x", "## Few-shot: y",
        "### Instruction: z", "{{input}}", "{{ output }}", "{{", "}}", "key: value", "- item", "  nested: [1, 2]", "<!-- cell -->",
        "<!--", "-->", "<div>", "</div>", "\r\n", "\r", "\n", "\n\n", "\t", "  ", "é", "日本語", "🙂", "Ω≈ç", "\u00A0", "\\", "\"", "'",
        "|", ">", "|-", "#", "*", "_", "[link](x)", "    indented", "Q: hot\nA: cold", "<|im_start|>", "[INST]", "</s>", "null", "true", "1.5",
        "```markdown-cell", "<script>", "> quote", "1. one", "===", "***", "a", "b", " ", "word", "text with: colon", "#hash",
    ];

    /// <summary>Random text made of fragments that stress the format.</summary>
    public static string Text(Random rng, int maxParts = 8)
    {
        int n = rng.Next(0, maxParts + 1);
        var parts = new List<string>();
        for (int i = 0; i < n; i++)
            parts.Add(rng.Next(3) == 0 ? Fragments[rng.Next(Fragments.Length)] + "\n" : Fragments[rng.Next(Fragments.Length)]);
        return string.Concat(parts);
    }

    static string Word(Random rng) => new[] { "greedy", "t0.7", "top_k-5", "beam", "x", "é", "v1" }[rng.Next(7)];

    /// <summary>A random notebook with adversarial text in every field.</summary>
    public static Notebook RandomNotebook(Random rng)
    {
        var n = new Notebook
        {
            Title = rng.Next(4) == 0 ? null : Text(rng, 3),
            Description = rng.Next(2) == 0 ? null : Text(rng),
            Model = rng.Next(2) == 0 ? null : "playground-mini",
            ChatFormat = rng.Next(4) == 0 ? "chatml" : null,
            Decoding = rng.Next(2) == 0 ? null : RandomSettings(rng),
        };
        for (int i = rng.Next(3); i > 0; i--) n.Variables.Add(new($"v{i}", Text(rng)));
        int cells = rng.Next(0, 7);
        for (int i = 0; i < cells; i++) n.Cells.Add(RandomCell(rng));
        return n;
    }

    public static DecodingSettings RandomSettings(Random rng) => new()
    {
        MaxNewTokens = rng.Next(2) == 0 ? rng.Next(1, 200) : null,
        DoSample = rng.Next(3) == 0 ? rng.Next(2) == 0 : null,
        Temperature = rng.Next(2) == 0 ? Math.Round(rng.NextDouble() * 2, 2) : null,
        TopP = rng.Next(3) == 0 ? 0.9 : null,
        Stop = rng.Next(3) == 0 ? [Text(rng, 2), "\n"] : null,
        Seed = rng.Next(3) == 0 ? (ulong)rng.NextInt64() : null,
    };

    static Cell RandomCell(Random rng)
    {
        PromptCell p;
        switch (rng.Next(4))
        {
            case 0: return new MarkdownCell(Text(rng));
            case 1: p = new ZeroShotCell { Instruction = Text(rng), Input = Text(rng), Separator = rng.Next(3) == 0 ? Text(rng, 2) : null }; break;
            case 2:
                var f = new FewShotCell { Instruction = Text(rng), Template = rng.Next(2) == 0 ? FewShotCell.DefaultTemplate : Text(rng), Query = Text(rng) };
                for (int i = rng.Next(4); i > 0; i--) f.Examples.Add(new FewShotExample(Text(rng), Text(rng), rng.Next(4) != 0));
                p = f; break;
            default: p = new InstructionCell { System = Text(rng), User = Text(rng), ChatFormat = rng.Next(3) == 0 ? "llama-2" : null }; break;
        }
        p.Name = Text(rng, 2).ReplaceLineEndings(" ").Trim();
        p.Model = rng.Next(3) == 0 ? Text(rng, 2) : null;
        p.Note = rng.Next(3) == 0 ? Text(rng) : null;
        p.Expected = rng.Next(2) == 0 ? Text(rng) : null;
        for (int i = rng.Next(3); i > 0; i--) p.Variables.Add(new($"c{i}", Text(rng)));
        var names = new HashSet<string>();
        for (int i = rng.Next(4); i > 0; i--)
        {
            var name = Word(rng);
            if (names.Add(name)) p.Variants.Add(new DecodingVariant(name, RandomSettings(rng)));
        }
        foreach (var v in p.Variants)
            if (rng.Next(2) == 0)
            {
                int count = rng.Next(100);
                p.Outputs.Add(new CellOutput
                {
                    Variant = v.Name, Text = Text(rng), Tokens = count, Finish = "eos", TimeMs = 12.5, TokensPerSecond = rng.Next(2) == 0 ? 33.25 : null, Seed = rng.Next(2) == 0 ? 42UL : null,
                    TokenIds = rng.Next(2) == 0 ? Enumerable.Range(0, count).Select(_ => rng.Next(50_000)).ToArray() : null,
                });
            }
        RandomEvaluation(rng, p);
        return p;
    }

    static readonly string[] ChoiceTexts = ["yes", "no: maybe", "\"quoted\" - x"];

    /// <summary>Sometimes a dataset (a CSV block of adversarial quoted text, or a file name), an expected column, an assertion, choices: always a valid combination.</summary>
    static void RandomEvaluation(Random rng, PromptCell p)
    {
        int kind = rng.Next(4);
        if (kind == 0) return;
        if (kind == 3)
        {
            if (p.Expected is not null) p.Assert = (AssertionKind)rng.Next(3);          // exact, contains, starts-with
            return;
        }
        if (p.Expected is null && rng.Next(2) == 0) p.ExpectedColumn = "answer";
        bool choices = rng.Next(4) == 0;
        if (choices) { p.Assert = AssertionKind.Choices; p.Choices = [.. ChoiceTexts]; }
        else if (rng.Next(2) == 0) p.Assert = (AssertionKind)rng.Next(3);
        if (kind == 2) { p.DatasetFile = rng.Next(2) == 0 ? "data/rows.csv" : "data/sub/rows é.jsonl"; return; }
        static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        var csv = new System.Text.StringBuilder($"input,{p.ExpectedColumn ?? "expected"}");
        for (int i = rng.Next(1, 4); i > 0; i--)
            csv.Append('\n').Append(Quote(Text(rng))).Append(',').Append(Quote(choices ? ChoiceTexts[rng.Next(ChoiceTexts.Length)] : Text(rng)));
        p.Dataset = csv.ToString();
    }
}
