using GptPlayground.Onnx;

namespace GptPlayground.Tests.Web;

/// <summary>
/// A models folder for the web tests: <c>tiny</c>, a one-layer random-weight model written by the
/// project's own <see cref="SynthGpt"/>, and <c>broken</c>, whose model.onnx is not an ONNX file.
/// </summary>
public sealed class WebModels : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "gptplayground-web-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public WebModels()
    {
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(Directory, "tiny"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "broken"));
        File.WriteAllText(Path.Combine(Directory, "broken", "model.onnx"), "garbage, not protobuf");
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
