using Microsoft.ML.OnnxRuntime;

namespace GptPlayground.Inference.Runtime;

/// <summary>
/// Creates ONNX Runtime sessions on the requested execution provider. CUDA comes from the plugin
/// library <c>libonnxruntime_providers_cuda.so</c> (npm <c>com.github.asus4.onnxruntime.linux-x64-gpu</c>),
/// registered once per process through the plugin-EP API (<c>RegisterExecutionProviderLibrary</c>,
/// <c>GetEpDevices</c>, <c>SessionOptions.AppendExecutionProvider</c>): the base libonnxruntime.so is a CPU build.
/// </summary>
public static class SessionFactory
{
    /// <summary>Environment variable naming the CUDA provider library explicitly.</summary>
    public const string CudaLibraryVariable = "GPTPLAYGROUND_CUDA_PROVIDER";
    const string CudaLibraryFile = "libonnxruntime_providers_cuda.so";
    static readonly object Gate = new();
    static IReadOnlyList<OrtEpDevice>? cudaDevices;
    static string? cudaError;

    /// <summary>
    /// Creates a session for <paramref name="onnxFile"/> on <paramref name="requested"/>.
    /// Auto tries CUDA and falls back to CPU, saying why in <see cref="ProviderChoice.Reason"/>.
    /// </summary>
    /// <exception cref="ModelException">The model cannot be loaded, or CUDA was requested explicitly and is not usable.</exception>
    public static (InferenceSession Session, ProviderChoice Choice, OrtMemoryInfo CacheMemory) Create(string onnxFile, ExecutionProvider requested, string where)
    {
        if (requested == ExecutionProvider.Cpu)
            return (CreateCpu(onnxFile, where), new ProviderChoice(ExecutionProvider.Cpu, "cpu: requested"), OrtMemoryInfo.DefaultInstance);

        var devices = CudaDevices(out var why);
        if (devices is not null)
        {
            try
            {
                using var options = NewOptions();
                options.AppendExecutionProvider(OrtEnv.Instance(), devices, null);
                var session = new InferenceSession(onnxFile, options);
                var memory = devices[0].GetMemoryInfo(OrtDeviceMemoryType.DEFAULT);
                return (session, new ProviderChoice(ExecutionProvider.Cuda, $"{Label(requested)}: CUDA device {devices[0].HardwareDevice.VendorId:x4}:{devices[0].HardwareDevice.DeviceId:x4}"), memory);
            }
            catch (OnnxRuntimeException e)
            {
                why = $"a CUDA session could not be created: {FirstLine(e.Message)}";
            }
        }
        if (requested == ExecutionProvider.Cuda)
            throw new ModelException($"{where}: provider cuda is not usable: {why}. Use --provider cpu, or auto to fall back to CPU");
        return (CreateCpu(onnxFile, where), new ProviderChoice(ExecutionProvider.Cpu, $"auto: {why}; using CPU"), OrtMemoryInfo.DefaultInstance);
    }

    /// <summary>Creates a CPU session.</summary>
    public static InferenceSession CreateCpu(string onnxFile, string where)
    {
        using var options = NewOptions();
        try
        {
            return new InferenceSession(onnxFile, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException($"{where}: ONNX Runtime cannot load {Path.GetFileName(onnxFile)}: {FirstLine(e.Message)}", e);
        }
    }

    static SessionOptions NewOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    /// <summary>The CUDA EP devices, registering the plugin on first use; null with a reason when unavailable.</summary>
    static IReadOnlyList<OrtEpDevice>? CudaDevices(out string why)
    {
        lock (Gate)
        {
            if (cudaDevices is null && cudaError is null)
            {
                var library = FindCudaLibrary();
                if (library is null)
                    cudaError = $"the CUDA provider plugin ({CudaLibraryFile}) is not installed (see README: Enabling CUDA)";
                else
                {
                    try
                    {
                        var env = OrtEnv.Instance();
                        env.RegisterExecutionProviderLibrary("CUDA", library);
                        var found = env.GetEpDevices().Where(d => d.EpName.Contains("CUDA", StringComparison.OrdinalIgnoreCase)).ToList();
                        if (found.Count == 0) cudaError = $"the CUDA plugin loaded from {library} but reports no GPU";
                        else cudaDevices = found.Take(1).ToList();
                    }
                    catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                    {
                        cudaError = $"the CUDA plugin {library} failed to load ({FirstLine(e.Message)}); it needs the CUDA 13 libraries libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10 and cuDNN 9 on LD_LIBRARY_PATH";
                    }
                }
            }
            why = cudaError ?? "";
            return cudaDevices;
        }
    }

    /// <summary>
    /// Looks for the CUDA plugin: <see cref="CudaLibraryVariable"/>, then beside the app's native libraries,
    /// then the opt-in npm install at <c>src/OnnxRuntime/cuda/node_modules</c> of the checkout the app runs from.
    /// </summary>
    public static string? FindCudaLibrary()
    {
        var explicitPath = Environment.GetEnvironmentVariable(CudaLibraryVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath)) return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        var beside = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", CudaLibraryFile);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var package = Path.Combine(dir.FullName, "src", "OnnxRuntime", "cuda", "node_modules", "com.github.asus4.onnxruntime.linux-x64-gpu");
            if (Directory.Exists(package))
                return Directory.EnumerateFiles(package, CudaLibraryFile, SearchOption.AllDirectories).FirstOrDefault();
        }
        return null;
    }

    static string Label(ExecutionProvider p) => p.ToString().ToLowerInvariant();

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
