using System.Text.Json;
using GptPlayground.Services;

namespace GptPlayground.Tests.Cli;

/// <summary>A models folder with one tiny synthetic model whose context (1024) holds the longest example prompt.</summary>
public sealed class NotebookCliModels : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "gptplayground-nb-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        var r = await CliRunner.Run("synth-model", "--out", Path.Combine(Directory, "tiny"), "--layers", "1", "--hidden", "32", "--heads", "4", "--vocab", "300", "--context", "1024", "--seed", "5");
        Assert.True(r.ExitCode == 0, r.Error);
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>The <c>notebook check</c> and <c>run</c> verbs over the example notebooks in prompts/.</summary>
public class NotebookCliTests(NotebookCliModels models) : IClassFixture<NotebookCliModels>
{
    static string PromptsDirectory => Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("no checkout"), "prompts");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(PromptsDirectory, "*.md").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Check_prints_every_example_byte_for_byte(string file)
    {
        var path = Path.Combine(PromptsDirectory, file);

        var r = await CliRunner.Run("notebook", "check", path);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllText(path), r.Out);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Run_executes_every_cell_and_variant_of_the_example(string file)
    {
        var dir = Directory.CreateTempSubdirectory("nbrun").FullName;
        try
        {
            var outMd = Path.Combine(dir, "out.md");

            var r = await CliRunner.Run("run", Path.Combine(PromptsDirectory, file), "--models", models.Directory, "--json", "--out", outMd, "--no-record");

            Assert.True(r.ExitCode == 0, r.Error);
            var root = JsonDocument.Parse(r.Out).RootElement;
            var runs = root.GetProperty("runs");
            var evaluations = root.TryGetProperty("evaluations", out var e) ? e.EnumerateArray().ToList() : [];
            Assert.True(runs.GetArrayLength() + evaluations.Count > 0);
            Assert.All(runs.EnumerateArray().Concat(evaluations), run => Assert.Equal("tiny", run.GetProperty("model").GetString()));
            var check = await CliRunner.Run("notebook", "check", outMd);
            Assert.Equal(0, check.ExitCode);
            Assert.Equal(File.ReadAllText(outMd), check.Out);
            Assert.Equal(runs.GetArrayLength(), File.ReadAllText(outMd).Split("\n```output ").Length - 1);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Run_prints_a_table_and_writes_json_when_asked()
    {
        var dir = Directory.CreateTempSubdirectory("nbrun").FullName;
        try
        {
            var outJson = Path.Combine(dir, "out.json");

            var r = await CliRunner.Run("run", Path.Combine(PromptsDirectory, "sampling-exploration.md"), "--models", models.Directory, "--out", outJson, "--no-record");

            Assert.True(r.ExitCode == 0, r.Error);
            Assert.StartsWith("cell", r.Out);
            Assert.Contains("beam4", r.Out);
            Assert.Contains("tokens/s", r.Out);
            Assert.Equal(8, JsonDocument.Parse(File.ReadAllText(outJson)).RootElement.GetProperty("runs").GetArrayLength());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Check_of_a_broken_notebook_exits_2_with_the_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, "---\ntitle: x\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```decoding g\ntemprature: 2\n```\n");
        try
        {
            var r = await CliRunner.Run("notebook", "check", path);

            Assert.Equal(2, r.ExitCode);
            Assert.Equal("", r.Out);
            Assert.Contains("line 12: unknown decoding setting 'temprature'", r.Error);
            Assert.Single(r.Error.TrimEnd().Split('\n'));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("notebook")]
    [InlineData("notebook", "check")]
    [InlineData("notebook", "check", "/no/such/file.md")]
    [InlineData("run")]
    public async Task Bad_usage_exits_2_with_one_line(params string[] args)
    {
        var r = await CliRunner.Run(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }
}
