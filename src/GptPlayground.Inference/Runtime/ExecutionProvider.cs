namespace GptPlayground.Inference.Runtime;

/// <summary>Where a model runs.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider (the default; always available).</summary>
    Cpu,
    /// <summary>NVIDIA GPU through ONNX Runtime's CUDA execution provider (needs CUDA 13 + cuDNN 9, see README: Running on an NVIDIA GPU).</summary>
    Cuda,
    /// <summary>CUDA when its provider loads and a session can be created on it, else CPU; the choice and the reason are reported.</summary>
    Auto,
}

/// <summary>The provider a model actually runs on, and why (what <see cref="ExecutionProvider.Auto"/> decided).</summary>
/// <param name="Provider">Cpu or Cuda, never Auto.</param>
/// <param name="Reason">One sentence for the user, e.g. "auto: the CUDA provider cannot load (libcublasLt.so.13: ...); ...; using CPU".</param>
public sealed record ProviderChoice(ExecutionProvider Provider, string Reason)
{
    /// <summary>Lower-case name as used by the CLI and model cards: "cpu" or "cuda".</summary>
    public string Name => Provider.ToString().ToLowerInvariant();
}

/// <summary>Parsing of the <c>--provider</c> option.</summary>
public static class ExecutionProviders
{
    /// <summary>Parses "cpu", "cuda" or "auto" (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other value; the message names the value and the choices.</exception>
    public static ExecutionProvider Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" or "gpu" => ExecutionProvider.Cuda,
        "auto" => ExecutionProvider.Auto,
        _ => throw new ArgumentException($"provider (={value}) must be cpu, cuda or auto"),
    };
}
