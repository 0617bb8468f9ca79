using System.Runtime.InteropServices;
using GptPlayground.Inference.Runtime;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace GptPlayground.Cli;

/// <summary>
/// The peer that <c>bench --compare-genai</c> measures the engine against: ONNX Runtime GenAI's own greedy
/// generator (Microsoft.ML.OnnxRuntimeGenAI 0.18) on the same model folder and prompt ids. GenAI reads the
/// folder's <c>genai_config.json</c> (synth-model writes one with <c>--genai-config</c>; the onnxruntime-genai
/// model builder writes one for every model) and loads the same libonnxruntime.so as the engine.
/// </summary>
public static class GenAiPeer
{
    const string NativeLibraryName = "onnxruntime-genai";
    static readonly Lazy<string?> NativePath = new(RegisterNativeLibrary);

    /// <summary>True when the folder has a genai_config.json for GenAI to read.</summary>
    public static bool CanLoad(string modelFolder) => File.Exists(Path.Combine(modelFolder, "genai_config.json"));

    /// <summary>
    /// Loads the model into GenAI; dispose the result. Its sessions decode greedily, a fixed number of tokens with
    /// end-of-sequence suppressed (min_length), as the engine's bench decodes, so both produce the same count.
    /// </summary>
    /// <exception cref="CliException">No genai_config.json, GenAI's native library is missing, or GenAI refuses the model.</exception>
    public static Session Open(string modelFolder, ProviderChoice provider)
    {
        if (!CanLoad(modelFolder))
            throw new CliException($"--compare-genai: {modelFolder} has no genai_config.json for ONNX Runtime GenAI (synth-model writes one with --genai-config)");
        if (NativePath.Value is null)
            throw new CliException($"--compare-genai: lib{NativeLibraryName}.so is not in this build's output (it comes from the Microsoft.ML.OnnxRuntimeGenAI package through src/GptPlayground's PackageDownload)");
        try
        {
            var config = new Config(modelFolder);
            try
            {
                config.ClearProviders();
                if (provider.Provider == ExecutionProvider.Cuda) config.AppendProvider("cuda");
                return new Session(new Model(config));
            }
            finally { config.Dispose(); }
        }
        catch (OnnxRuntimeGenAIException e)
        {
            throw new CliException($"--compare-genai: ONNX Runtime GenAI cannot load {modelFolder}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>A model loaded into GenAI, reused across the bench's runs.</summary>
    public sealed class Session(Model model) : IDisposable
    {
        /// <summary>Greedy-decodes <paramref name="newTokens"/> tokens after <paramref name="prompt"/>; returns them and the time of steps 2..N (the engine's decode figure).</summary>
        public (int[] Tokens, TimeSpan Decode) Run(int[] prompt, int newTokens)
        {
            using var parameters = new GeneratorParams(model);
            parameters.SetSearchOption("max_length", prompt.Length + newTokens);
            parameters.SetSearchOption("min_length", prompt.Length + newTokens);   // no early end of sequence
            parameters.SetSearchOption("do_sample", false);
            using var generator = new Generator(model, parameters);
            generator.AppendTokens(prompt);                                            // prefill + first token's logits
            var clock = new System.Diagnostics.Stopwatch();
            int made = 0;
            while (!generator.IsDone() && made < newTokens)
            {
                if (made == 1) clock.Start();
                generator.GenerateNextToken();
                made++;
            }
            clock.Stop();
            var sequence = generator.GetSequence(0);
            return (sequence[prompt.Length..].ToArray(), clock.Elapsed);
        }

        /// <summary>Releases the GenAI model.</summary>
        public void Dispose() => model.Dispose();
    }

    /// <summary>Points GenAI's P/Invokes at libonnxruntime-genai.so beside ONNX Runtime's natives in the app's output.</summary>
    static string? RegisterNativeLibrary()
    {
        var path = SessionFactory.FindNativeLibrary($"lib{NativeLibraryName}.so");
        if (path is null) return null;
        NativeLibrary.SetDllImportResolver(typeof(Model).Assembly, (name, _, _) =>
            name == NativeLibraryName ? NativeLibrary.Load(path) : IntPtr.Zero);
        return path;
    }
}
