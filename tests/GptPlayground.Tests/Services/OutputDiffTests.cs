using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>Word-level diffs of two outputs, and which outputs a cell's diff can compare.</summary>
public class OutputDiffTests
{
    static string Side(OutputDiff d, DiffKind other) => string.Concat(d.Pieces.Where(p => p.Kind != other).Select(p => p.Text));

    [Theory]
    [InlineData("the cat sat on the mat", "the dog sat on the mat")]
    [InlineData("Once upon a time", "Once upon a time there was")]
    [InlineData("a  b\nc", "a b\n\nc d")]
    [InlineData("", "new text")]
    [InlineData("old text", "")]
    [InlineData("Same.", "Same.")]
    public void Same_and_removed_spell_the_first_text_same_and_added_the_second(string before, string after)
    {
        var d = OutputDiff.Words(before, after);

        Assert.Equal(before, Side(d, DiffKind.Added));
        Assert.Equal(after, Side(d, DiffKind.Removed));
        Assert.Equal(before == after, d.Identical);
    }

    [Fact]
    public void A_changed_word_is_one_removed_and_one_added()
    {
        var d = OutputDiff.Words("the cat sat on the mat", "the dog sat on the mat");

        Assert.Equal([new DiffPiece(DiffKind.Same, "the "), new DiffPiece(DiffKind.Removed, "cat"), new DiffPiece(DiffKind.Added, "dog"), new DiffPiece(DiffKind.Same, " sat on the mat")], d.Pieces);
        Assert.Equal((1, 1), (d.WordsRemoved, d.WordsAdded));
    }

    [Fact]
    public void Added_words_at_the_end_count_only_words()
    {
        var d = OutputDiff.Words("Once upon a time", "Once upon a time there was");

        Assert.Equal((0, 2), (d.WordsRemoved, d.WordsAdded));
        Assert.Equal(new DiffPiece(DiffKind.Added, " there was"), d.Pieces[^1]);
    }

    static VariantRun Column(string name, string text)
    {
        var run = new VariantRun(name, "");
        run.ShowSaved(new CellOutput { Variant = name, Text = text });
        return run;
    }

    [Fact]
    public void Sources_are_the_columns_then_the_files_outputs_kept_until_a_save()
    {
        var cell = new ZeroShotCell { Input = "x", Outputs = [new CellOutput { Variant = "greedy", Text = "old" }] };
        var state = new OutputDiffState();
        state.RememberSaved(cell);
        cell.Outputs = [new CellOutput { Variant = "greedy", Text = "new" }];       // a run replaced them in memory
        state.RememberSaved(cell);

        var sources = state.Sources([Column("greedy", "new"), Column("hot", "warm")]);

        Assert.Equal(["greedy", "hot", "greedy (saved)"], sources.Select(s => s.Label));
        Assert.Equal("old", sources[2].Text);
        Assert.Equal(("greedy", "hot"), (state.Chosen(sources)!.Value.Before.Label, state.Chosen(sources)!.Value.After.Label));

        state.KeepSaved(cell, keptInFile: true);
        Assert.Equal("new", state.Sources([]).Single().Text);
        state.KeepSaved(cell, keptInFile: false);
        Assert.Empty(state.Sources([]));
    }

    [Fact]
    public void Chosen_follows_the_users_keys_and_needs_two_sources()
    {
        var state = new OutputDiffState { Before = "saved:greedy", After = "current:greedy" };
        var cell = new ZeroShotCell { Input = "x", Outputs = [new CellOutput { Variant = "greedy", Text = "old" }] };
        state.RememberSaved(cell);

        Assert.Null(state.Chosen(state.Sources([])));
        var chosen = state.Chosen(state.Sources([Column("greedy", "new")]))!.Value;
        Assert.Equal(("old", "new"), (chosen.Before.Text, chosen.After.Text));
    }
}
