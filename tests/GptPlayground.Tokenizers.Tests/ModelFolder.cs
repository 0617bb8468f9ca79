using System.Text.Json;
using System.Text.Json.Nodes;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>A model folder under the temp directory, written by a test and deleted when disposed.</summary>
sealed class ModelFolder : IDisposable
{
    readonly string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gptplayground-tokenizers-" + Guid.NewGuid().ToString("N"));

    public ModelFolder(string name = "tiny")
    {
        Path = System.IO.Path.Combine(root, "models", name);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder; its messages name it "models/&lt;name&gt;".</summary>
    public string Path { get; }

    public ModelFolder With(string file, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, file), content);
        return this;
    }

    public ModelFolder With(string file, JsonNode json) => With(file, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public ModelFolder WithCopy(string file, string source)
    {
        File.Copy(source, System.IO.Path.Combine(Path, file));
        return this;
    }

    public ITokenizer Load() => TokenizerLoader.Load(Path);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }   // a leftover temp folder is harmless
    }
}
