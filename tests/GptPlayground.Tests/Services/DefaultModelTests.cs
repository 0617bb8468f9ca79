using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using GptPlayground.Cli;
using GptPlayground.Inference.Models;
using GptPlayground.Onnx;
using GptPlayground.Tests.Web;
using Microsoft.AspNetCore.Hosting;

namespace GptPlayground.Tests.Services;

/// <summary>
/// The default model, one rule (<see cref="ModelCatalog.DefaultModel"/>) for every front end: a synth-model folder never
/// wins over a trained one (issue 14, bug 2), a configured default wins when usable, a lone model is the default; the
/// notebook editor, the share view, the CLI and the API's model list agree.
/// </summary>
public sealed class DefaultModelTests : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), "gptplayground-choice-" + Guid.NewGuid().ToString("N")[..8]);
    static readonly SynthGptOptions Tiny = new() { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 };

    /// <summary>A model folder like a trained export: the same files without synth-model's marker.</summary>
    void WriteTrained(string name)
    {
        var result = SynthGpt.Write(Tiny, Path.Combine(directory, name));
        var config = JsonNode.Parse(File.ReadAllText(result.ConfigPath))!.AsObject();
        config.Remove(SynthGpt.MarkerKey);
        File.WriteAllText(result.ConfigPath, config.ToJsonString());
    }

    void WriteSynthetic(string name) => SynthGpt.Write(Tiny, Path.Combine(directory, name));

    [Fact]
    public void A_synthetic_model_does_not_become_the_default_over_the_embedded_trained_one()
    {
        WriteTrained(ModelCatalog.EmbeddedModelName);
        WriteSynthetic("tiny");
        using var catalog = new ModelCatalog(directory);

        Assert.True(ModelCatalog.IsSynthetic(Path.Combine(directory, "tiny")));
        Assert.False(ModelCatalog.IsSynthetic(Path.Combine(directory, ModelCatalog.EmbeddedModelName)));
        Assert.Equal(ModelCatalog.EmbeddedModelName, catalog.DefaultModel());
    }

    [Fact]
    public void A_users_own_trained_model_still_wins_over_the_embedded_one()
    {
        WriteTrained(ModelCatalog.EmbeddedModelName);
        WriteTrained("mine");
        WriteSynthetic("aaa-random");
        using var catalog = new ModelCatalog(directory);

        Assert.Equal("mine", catalog.DefaultModel());
    }

    [Fact]
    public void A_synthetic_model_is_used_when_it_is_the_only_one_or_when_preferred()
    {
        WriteSynthetic("tiny");
        using (var only = new ModelCatalog(directory)) Assert.Equal("tiny", only.DefaultModel());

        WriteTrained(ModelCatalog.EmbeddedModelName);
        using var catalog = new ModelCatalog(directory);
        Assert.Equal("tiny", catalog.DefaultModel(preferred: "tiny"));
    }

    [Fact]
    public void A_configured_default_wins_when_usable_and_is_passed_over_when_not()
    {
        WriteTrained(ModelCatalog.EmbeddedModelName);
        WriteSynthetic("tiny");
        Directory.CreateDirectory(Path.Combine(directory, "broken"));

        using (var configured = new ModelCatalog(directory) { ConfiguredDefault = "tiny" }) Assert.Equal("tiny", configured.DefaultModel());
        using (var preferred = new ModelCatalog(directory) { ConfiguredDefault = "tiny" })
            Assert.Equal(ModelCatalog.EmbeddedModelName, preferred.DefaultModel(preferred: ModelCatalog.EmbeddedModelName));   // a notebook's own model first
        using (var broken = new ModelCatalog(directory) { ConfiguredDefault = "broken" }) Assert.Equal(ModelCatalog.EmbeddedModelName, broken.DefaultModel());
        using (var missing = new ModelCatalog(directory) { ConfiguredDefault = "gone" }) Assert.Equal(ModelCatalog.EmbeddedModelName, missing.DefaultModel());
    }

    [Theory]
    [InlineData("trained:playground-mini,synthetic:aaa-random", null, "playground-mini")]          // trained over synthetic
    [InlineData("trained:playground-mini,trained:mine,synthetic:tiny", "tiny", "tiny")]            // the configured default
    [InlineData("synthetic:tiny", null, "tiny")]                                                   // a single model
    public async Task The_notebook_editor_the_share_view_the_cli_and_the_api_pick_the_same_default(string folders, string? configured, string expected)
    {
        foreach (var folder in folders.Split(','))
            if (folder.Split(':') is [var kind, var name]) { if (kind == "trained") WriteTrained(name); else WriteSynthetic(name); }
        var prompts = Directory.CreateDirectory(Path.Combine(directory, ".prompts")).FullName;     // a dot folder: not a model
        File.WriteAllText(Path.Combine(prompts, "plain.md"), "---\ntitle: Plain\n---\n\n## Zero-shot: c\n\n```input\nHi\n```\n");
        await using var factory = PlaygroundFactory.Create(directory, promptsDirectory: prompts)
            .WithWebHostBuilder(b => b.UseSetting("Playground:DefaultModel", configured ?? ""));
        using var http = factory.CreateClient();

        var editor = await http.GetStringAsync("/notebooks/plain.md");
        var share = await http.GetStringAsync("/view/plain.md");
        var api = JsonDocument.Parse(await http.GetStringAsync("/v1/models")).RootElement.GetProperty("data")[0].GetProperty("id").GetString();
        var stdout = new StringWriter();
        var cli = new CliContext(stdout, new StringWriter()) { Environment = name => name == "Playground__DefaultModel" ? configured : null };
        Assert.Equal(0, await CommandLine.RunAsync(["models", "--models", directory, "--json"], cli));
        var cliDefault = JsonDocument.Parse(stdout.ToString()).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("default").GetBoolean()).Select(e => e.GetProperty("name").GetString()).ToList();

        Assert.Matches($@"Notebook settings: model <strong[^>]*>{Regex.Escape(expected)} \(default\)</strong>", editor);      // the editor's "(default)" model
        Assert.Matches($@"Model: <code[^>]*>{Regex.Escape(expected)} \(default\)</code>", share);
        Assert.Equal(expected, api);
        Assert.Equal([expected], cliDefault);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
