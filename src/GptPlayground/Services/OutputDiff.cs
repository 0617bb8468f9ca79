using DiffPlex.Chunkers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using GptPlayground.Notebooks;

namespace GptPlayground.Services;

/// <summary>What a piece of a diff is: in both texts, only in the first, only in the second.</summary>
public enum DiffKind
{
    /// <summary>In both texts.</summary>
    Same,
    /// <summary>Only in the first text (removed).</summary>
    Removed,
    /// <summary>Only in the second text (added).</summary>
    Added,
}

/// <summary>A run of words (with their whitespace) of one <see cref="DiffKind"/>.</summary>
public sealed record DiffPiece(DiffKind Kind, string Text);

/// <summary>A word-level diff of two outputs: pieces in reading order, and how many words each side changed.</summary>
/// <param name="Pieces">The <see cref="DiffKind.Same"/> and <see cref="DiffKind.Removed"/> pieces spell the first text, the Same and Added ones the second.</param>
/// <param name="WordsRemoved">Words only in the first text.</param>
/// <param name="WordsAdded">Words only in the second text.</param>
public sealed record OutputDiff(IReadOnlyList<DiffPiece> Pieces, int WordsRemoved, int WordsAdded)
{
    /// <summary>True when the texts are equal.</summary>
    public bool Identical => WordsRemoved == 0 && WordsAdded == 0 && Pieces.All(p => p.Kind == DiffKind.Same);

    /// <summary>
    /// The word-level diff of <paramref name="before"/> and <paramref name="after"/> (DiffPlex's <see cref="WordChunker"/>:
    /// words and the whitespace between them are the units; case and whitespace count). Neighbouring pieces of one kind
    /// are merged.
    /// </summary>
    public static OutputDiff Words(string before, string after)
    {
        var model = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false, ignoreCase: false, chunker: WordChunker.Instance);
        var pieces = new List<DiffPiece>();
        int removed = 0, added = 0;
        foreach (var chunk in model.Lines)
        {
            var kind = chunk.Type switch
            {
                ChangeType.Deleted => DiffKind.Removed,
                ChangeType.Inserted => DiffKind.Added,
                _ => DiffKind.Same,
            };
            bool word = !string.IsNullOrWhiteSpace(chunk.Text);
            if (word && kind == DiffKind.Removed) removed++;
            if (word && kind == DiffKind.Added) added++;
            if (pieces.Count > 0 && pieces[^1].Kind == kind) pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + chunk.Text };
            else pieces.Add(new DiffPiece(kind, chunk.Text ?? ""));
        }
        return new OutputDiff(pieces, removed, added);
    }
}

/// <summary>One text a diff can compare: a column's current output, or the output the notebook file holds for a variant.</summary>
/// <param name="Key">Stable id ("current:NAME", "saved:NAME").</param>
/// <param name="Label">What the user picks ("greedy", "greedy (saved)").</param>
/// <param name="Text">The output.</param>
public sealed record DiffSource(string Key, string Label, string Text);

/// <summary>
/// The output diff of a prompt cell: which two outputs it compares, and the outputs the notebook file holds (kept when
/// the cell is first shown and again after each save, since a run replaces the cell's outputs in memory).
/// </summary>
public sealed class OutputDiffState
{
    Dictionary<string, string>? saved;
    readonly List<DiffSource> pinned = [];

    /// <summary>True while the diff is shown (its header's button toggles it; <see cref="Pin"/> shows it).</summary>
    public bool Shown { get; set; }

    /// <summary>The first text's <see cref="DiffSource.Key"/>; null: the first source.</summary>
    public string? Before { get; set; }

    /// <summary>The second text's <see cref="DiffSource.Key"/>; null: the second source.</summary>
    public string? After { get; set; }

    /// <summary>The outputs of <paramref name="cell"/> as the file holds them, by variant, unless already known.</summary>
    public void RememberSaved(PromptCell cell)
    {
        if (saved is null) KeepSaved(cell, keptInFile: true);
    }

    /// <summary>The notebook was saved: the file now holds <paramref name="cell"/>'s current outputs, or none when outputs are not kept.</summary>
    public void KeepSaved(PromptCell cell, bool keptInFile) =>
        saved = keptInFile ? cell.Outputs.GroupBy(o => o.Variant).ToDictionary(g => g.Key, g => g.First().Text) : [];

    /// <summary>The texts to compare: each column's output (finished or shown from the file), each saved output, then each pinned one (<see cref="Pin"/>).</summary>
    public IReadOnlyList<DiffSource> Sources(IEnumerable<VariantRun> columns)
    {
        var list = columns.Where(c => !c.Running && c.Sequences.Count > 0)
            .Select(c => new DiffSource("current:" + c.Name, c.Name, c.Sequences[0].Text)).ToList();
        list.AddRange((saved ?? []).Select(s => new DiffSource("saved:" + s.Key, s.Key + " (saved)", s.Value)));
        list.AddRange(pinned);
        return list;
    }

    /// <summary>
    /// Puts an old output (a run record of the cell's history) beside the current one: it becomes a source of the diff
    /// (replacing one with the same key), the diff's first text, its second the current output of <paramref name="variant"/>
    /// (when that column has one), and the diff is shown.
    /// </summary>
    public void Pin(DiffSource source, string variant)
    {
        pinned.RemoveAll(p => p.Key == source.Key);
        pinned.Add(source);
        Before = source.Key;
        After = "current:" + variant;
        Shown = true;
    }

    /// <summary>The two chosen sources among <paramref name="sources"/> (the first two by default); null when fewer than two.</summary>
    public (DiffSource Before, DiffSource After)? Chosen(IReadOnlyList<DiffSource> sources)
    {
        if (sources.Count < 2) return null;
        var before = sources.FirstOrDefault(s => s.Key == Before) ?? sources[0];
        var after = sources.FirstOrDefault(s => s.Key == After && s != before) ?? sources.First(s => s != before);
        return (before, after);
    }
}
