using System.Text.Json.Nodes;
using GptPlayground.Inference.Models;
using GptPlayground.Onnx;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>The default model: a synth-model folder never wins over a trained one (issue 14, bug 2).</summary>
public sealed class ModelChoiceTests : IDisposable
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

        Assert.True(ModelChoice.IsSynthetic(Path.Combine(directory, "tiny")));
        Assert.False(ModelChoice.IsSynthetic(Path.Combine(directory, ModelCatalog.EmbeddedModelName)));
        Assert.Equal(ModelCatalog.EmbeddedModelName, ModelChoice.Default(catalog));
    }

    [Fact]
    public void A_users_own_trained_model_still_wins_over_the_embedded_one()
    {
        WriteTrained(ModelCatalog.EmbeddedModelName);
        WriteTrained("mine");
        WriteSynthetic("aaa-random");
        using var catalog = new ModelCatalog(directory);

        Assert.Equal("mine", ModelChoice.Default(catalog));
    }

    [Fact]
    public void A_synthetic_model_is_used_when_it_is_the_only_one_or_when_preferred()
    {
        WriteSynthetic("tiny");
        using (var only = new ModelCatalog(directory)) Assert.Equal("tiny", ModelChoice.Default(only));

        WriteTrained(ModelCatalog.EmbeddedModelName);
        using var catalog = new ModelCatalog(directory);
        Assert.Equal("tiny", ModelChoice.Default(catalog, preferred: "tiny"));
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
