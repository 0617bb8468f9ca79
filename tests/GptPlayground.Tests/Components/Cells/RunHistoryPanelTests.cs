using System.Text.Json;
using GptPlayground.Components.Cells;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>The run history of a cell: past runs newest first from the records beside the notebook, unreadable lines as warnings, and Compare into the diff.</summary>
public sealed class RunHistoryPanelTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("gptplayground-history-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    string Notebook => Path.Combine(dir, "story.md");

    static RunRecord Record(string variant, string text, int minute, DecodingSettings settings) => new()
    {
        Format = RunRecord.CurrentFormat,
        Time = new DateTime(2026, 12, 1, 10, minute, 0, DateTimeKind.Utc),
        Source = "ui",
        Notebook = "story.md",
        Cell = "tale",
        Variant = variant,
        Model = "tiny",
        AppVersion = "test",
        Provider = "cpu",
        Settings = settings,
        PromptIds = [1, 2],
        Outputs = [new RecordedOutput { Text = text, Ids = [.. text.Split(' ').Select((_, i) => i)], Logprobs = [] }],
    };

    void WriteRecords(params string[] extraLines)
    {
        var file = RunRecords.FileFor(Notebook, "tale");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file,
        [
            JsonSerializer.Serialize(Record("greedy", "the cat sat", 1, new DecodingSettings { DoSample = false, MaxNewTokens = 8 }), RunRecords.Json),
            .. extraLines,
            JsonSerializer.Serialize(Record("warm", "a dog ran off", 2, new DecodingSettings { DoSample = true, Temperature = 0.9, Seed = 7 }), RunRecords.Json),
        ]);
    }

    CellRunState State() => new() { Record = new RecordTarget(Notebook, "ui") };

    [Fact]
    public void Opening_lists_past_runs_newest_first_with_settings_and_output()
    {
        WriteRecords();
        using var ctx = new ComponentContext();
        var cut = ctx.Render<RunHistoryPanel>(p => p.Add(x => x.Cell, new ZeroShotCell { Name = "tale", Input = "x" }).Add(x => x.State, State()));

        cut.Find("button[aria-label='Run history']").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".history-table tbody tr").Count));
        var rows = cut.FindAll(".history-table tbody tr");
        Assert.Equal(["warm", "greedy"], rows.Select(r => r.GetAttribute("data-variant")));
        Assert.Contains("seed 7", rows[0].QuerySelector(".settings")!.TextContent);
        Assert.Equal("a dog ran off", rows[0].QuerySelector(".output")!.TextContent);
        Assert.Equal("12-01 10:02:00", rows[0].QuerySelector(".when")!.TextContent);
        Assert.Empty(cut.FindAll(".history-warning"));
    }

    [Fact]
    public void A_corrupt_line_is_a_warning_and_the_other_runs_still_show()
    {
        WriteRecords("{ this is not a record", "{\"someone\": \"else\"}");
        using var ctx = new ComponentContext();
        var cut = ctx.Render<RunHistoryPanel>(p => p.Add(x => x.Cell, new ZeroShotCell { Name = "tale", Input = "x" }).Add(x => x.State, State()).Add(x => x.Open, true));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".history-table tbody tr").Count));
        var warnings = cut.FindAll(".history-warning[role=alert]").Select(w => w.TextContent).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("line 2: not a run record", warnings[0]);
        Assert.Contains("line 3: not a GptPlayground run record", warnings[1]);
    }

    [Fact]
    public void Compare_puts_the_old_output_beside_the_current_one_in_the_diff()
    {
        WriteRecords();
        using var ctx = new ComponentContext();
        var state = State();
        var current = new VariantRun("greedy", "");
        current.ShowSaved(new CellOutput { Variant = "greedy", Text = "the cat ran" });
        var cell = new ZeroShotCell { Name = "tale", Input = "x" };
        var history = ctx.Render<RunHistoryPanel>(p => p.Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Open, true));
        history.WaitForAssertion(() => Assert.Equal(2, history.FindAll(".history-table tbody tr").Count));

        history.Find("button[aria-label='Compare the greedy output of 10:01:00 with the current one']").Click();
        var diff = ctx.Render<OutputDiffPanel>(p => p.Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Columns, [current]));

        Assert.True(state.Diff.Shown);
        Assert.Equal("sat", diff.Find(".diff-text del").TextContent);
        Assert.Equal("ran", diff.Find(".diff-text ins").TextContent);
        Assert.Contains("greedy, 10:01:00 UTC (history)", diff.Find("[aria-label^='Diff of']").GetAttribute("aria-label"));
    }

    [Fact]
    public void A_cell_without_records_says_how_runs_get_recorded()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.Render<RunHistoryPanel>(p => p.Add(x => x.Cell, new ZeroShotCell { Name = "tale", Input = "x" }).Add(x => x.State, State()).Add(x => x.Open, true));

        cut.WaitForAssertion(() => Assert.Contains("No recorded runs of this cell yet", cut.Find(".history-empty").TextContent));
    }
}
