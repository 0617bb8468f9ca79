using System.Text.Json;
using GptPlayground.Evaluation;
using GptPlayground.Services;

namespace GptPlayground.Tests.Cli;

/// <summary><c>ablate</c> on playground-mini: the few-shot reverse task with a small dataset; seeded, its JSON shape, and bad input.</summary>
public class AblateCliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ablate-cli").FullName;

    static string Models => Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("no checkout"), "models");

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>playground-mini's few-shot reverse task (it reverses numbers only when shown examples), 3 examples, 6 rows.</summary>
    const string Notebook = """
        ---
        title: ablate
        model: playground-mini
        decoding:
          max_new_tokens: 12
          stop:
            - "\n"
        ---

        ## Few-shot: Reverse

        ```cell
        separator: "\n"
        ```

        ```template
        Input: {{input}}
        Output: {{output}}
        ```

        ```example
        6 5 3 4 0
        ```

        ```example-output
        0 4 3 5 6
        ```

        ```example
        3 7 5 0
        ```

        ```example-output
        0 5 7 3
        ```

        ```example
        4 0 8 9 5
        ```

        ```example-output
        5 9 8 0 4
        ```

        ```query
        {{input}}
        ```

        ```dataset
        input,expected
        3 8 9 4 1,1 4 9 8 3
        8 5 6 3 0,0 3 6 5 8
        5 9 2 7,7 2 9 5
        8 4 9 3,3 9 4 8
        1 6 2 8 7,7 8 2 6 1
        2 5 7 1,1 7 5 2
        ```

        ## Zero-shot: Plain

        ```input
        Reverse: {{input}}
        ```

        ```dataset
        input,expected
        1 2,2 1
        ```

        ## Few-shot: No data

        ```example
        1 2
        ```

        ```example-output
        2 1
        ```

        ```query
        3 4
        ```
        """;

    string Write()
    {
        var path = Path.Combine(dir, "ablate.md");
        File.WriteAllText(path, Notebook);
        return path;
    }

    static JsonElement Json(CliRunner.Result r) => JsonDocument.Parse(r.Out).RootElement;

    [Fact]
    public async Task Ablate_json_has_leave_one_out_the_k_shot_curve_and_orders_and_the_same_seed_gives_the_same_result()
    {
        var path = Write();

        var first = await CliRunner.Run("ablate", path, "--cell", "Reverse", "--repeats", "2", "--seed", "3", "--models", Models, "--json");
        var second = await CliRunner.Run("ablate", path, "--cell", "Reverse", "--repeats", "2", "--seed", "3", "--models", Models, "--json");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        var a = Json(first);
        var b = Json(second);
        Assert.Equal(6, a.GetProperty("rows").GetInt32());
        Assert.Equal("default", a.GetProperty("variant").GetString());
        var full = a.GetProperty("full");
        Assert.Equal([1, 2, 3], full.GetProperty("examples").EnumerateArray().Select(e => e.GetInt32()));
        AssertWilson(full);

        var leaveOneOut = a.GetProperty("leave_one_out").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], leaveOneOut.Select(l => l.GetProperty("example").GetInt32()));
        Assert.Equal("6 5 3 4 0", leaveOneOut[0].GetProperty("input").GetString());
        foreach (var l in leaveOneOut)
        {
            var without = l.GetProperty("without");
            Assert.DoesNotContain(l.GetProperty("example").GetInt32(), without.GetProperty("examples").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(full.GetProperty("accuracy").GetDouble() - without.GetProperty("accuracy").GetDouble(), l.GetProperty("delta").GetDouble(), 3);
            AssertWilson(without);
        }

        var curve = a.GetProperty("k_shot").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], curve.Select(p => p.GetProperty("k").GetInt32()));
        Assert.Equal([1, 2, 2, 1], curve.Select(p => p.GetProperty("subsets").GetArrayLength()));
        foreach (var p in curve)
        {
            var subsets = p.GetProperty("subsets").EnumerateArray().ToList();
            Assert.All(subsets, s => Assert.Equal(p.GetProperty("k").GetInt32(), s.GetProperty("examples").GetArrayLength()));
            var accuracies = subsets.Select(s => s.GetProperty("accuracy").GetDouble()).ToList();
            Assert.Equal(accuracies.Average(), p.GetProperty("mean").GetDouble(), 3);
            Assert.Equal(accuracies.Min(), p.GetProperty("min").GetDouble(), 3);
            Assert.Equal(accuracies.Max(), p.GetProperty("max").GetDouble(), 3);
        }
        // playground-mini reverses numbers only from examples: no examples does worse than all three
        Assert.True(curve[0].GetProperty("mean").GetDouble() < full.GetProperty("accuracy").GetDouble(), first.Out);

        var orders = a.GetProperty("order").GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal([1, 2, 3], o.GetProperty("examples").EnumerateArray().Select(e => e.GetInt32()).Order()));

        // seeded: the same subsets, orders and accuracies (only the timing differs)
        Assert.Equal(Comparable(a), Comparable(b));
    }

    static string Comparable(JsonElement e) =>
        string.Join("\n", e.EnumerateObject().Where(p => p.Name != "seconds").Select(p => p.Name + "=" + p.Value.GetRawText()));

    static void AssertWilson(JsonElement score)
    {
        var (low, high) = WilsonInterval.Of(score.GetProperty("passed").GetInt32(), score.GetProperty("judged").GetInt32());
        Assert.Equal(low, score.GetProperty("ci_low").GetDouble(), 3);
        Assert.Equal(high, score.GetProperty("ci_high").GetDouble(), 3);
    }

    [Fact]
    public async Task Ablate_prints_tables_without_json()
    {
        var path = Write();

        var r = await CliRunner.Run("ablate", path, "--cell", "reverse", "--repeats", "1", "--models", Models);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("cell 1 Reverse: 3 examples, 6 rows, variant default, repeats 1, seed 1", r.Out);
        Assert.Contains("leave one out (delta = all examples - without it; + helps, - hurts)", r.Out);
        Assert.Contains("#1 6 5 3 4 0 → 0 4 3 5 6", r.Out);
        Assert.Contains("k-shot curve (random subsets of k examples, 1 per k)", r.Out);
        Assert.Contains("order sensitivity (1 random orders of all examples)", r.Out);
    }

    [Theory]
    [InlineData(new[] { "--cell", "Missing" }, "--cell (='Missing'): no prompt cell has that name (cells: 'Reverse', 'Plain', 'No data')")]
    [InlineData(new[] { "--cell", "Plain" }, "cell 2 (Plain): cell 'Plain' is a zero-shot cell: the ablation leaves out few-shot examples")]
    [InlineData(new[] { "--cell", "No data" }, "cell 3 (No data): cell 'No data' has no dataset: the ablation measures accuracy over rows")]
    [InlineData(new[] { "--cell", "Reverse", "--repeats", "0" }, "--repeats (=0) must be between 1 and 100")]
    [InlineData(new[] { "--cell", "Reverse", "--repeats", "many" }, "--repeats (=many) must be an integer")]
    [InlineData(new[] { "--cell", "Reverse", "--seed", "-1" }, "--seed (=-1) must be >= 0")]
    [InlineData(new string[0], "'ablate' needs --cell NAME, the few-shot cell to ablate")]
    public async Task Bad_input_exits_2_with_one_line_naming_the_option_and_the_fix(string[] options, string message)
    {
        var path = Write();

        var r = await CliRunner.Run(["ablate", path, "--models", Models, .. options]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("gptplayground ablate: " + message, r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void The_same_seed_draws_the_same_subsets_and_another_seed_other_ones()
    {
        var notebook = GptPlayground.Notebooks.NotebookStorage.Decode("n.md", System.Text.Encoding.UTF8.GetBytes(
            "---\ntitle: t\n---\n\n## Few-shot: c\n\n" + string.Concat(Enumerable.Range(1, 8).Select(i => $"```example\n{i}\n```\n\n```example-output\n{i}\n```\n\n")) +
            "```query\n{{input}}\n```\n\n```dataset\ninput,expected\n1,1\n```\n"));
        var cell = notebook.PromptCells.Single();
        AblationPlan PlanWith(int seed) => FewShotAblation.Plan(new AblationRequest(notebook, cell, "playground-mini") { Seed = seed, Repeats = 10 });
        static string Drawn(AblationPlan p) => string.Join(";", p.Curve.SelectMany(c => c).Concat(p.Orders).Select(c => c.Key));

        var (a, b, c) = (PlanWith(5), PlanWith(5), PlanWith(6));

        Assert.Equal(Drawn(a), Drawn(b));
        Assert.NotEqual(Drawn(a), Drawn(c));
        Assert.All(a.Curve[3], s => Assert.Equal(s.Examples.Order(), s.Examples));          // a subset keeps the cell's order
        Assert.Equal([1, 10, 10, 10, 10, 10, 10, 10, 1], a.Curve.Select(k => k.Count));
        Assert.Equal(10, a.Orders.Count);
    }
}
