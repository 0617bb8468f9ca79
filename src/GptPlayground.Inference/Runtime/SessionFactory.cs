using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace GptPlayground.Inference.Runtime;

/// <summary>
/// Creates ONNX Runtime sessions on the requested execution provider. ONNX Runtime comes from the NuGet package
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c>: one native library with the CPU provider built in, and the CUDA provider
/// (<c>libonnxruntime_providers_cuda.so</c>, CUDA 13 + cuDNN 9) beside it, appended through the standard
/// <see cref="SessionOptions.AppendExecutionProvider_CUDA(int)"/>.
/// </summary>
public static class SessionFactory
{
    /// <summary>File name of the CUDA provider library that ONNX Runtime loads from beside its own library.</summary>
    public const string CudaProviderFile = "libonnxruntime_providers_cuda.so";
    /// <summary>Environment variable selecting the CUDA device ordinal (default 0).</summary>
    public const string CudaDeviceVariable = "GPTPLAYGROUND_CUDA_DEVICE";
    /// <summary>Environment variable: "1" lets ONNX Runtime's idle intra-op threads spin (default: they sleep).</summary>
    public const string SpinVariable = "GPTPLAYGROUND_ORT_SPIN";
    static readonly object EnvGate = new();
    static bool envReady;

    /// <summary>
    /// Creates a session for <paramref name="onnxFile"/> on <paramref name="requested"/>.
    /// Auto tries CUDA and falls back to CPU, saying why in <see cref="ProviderChoice.Reason"/>.
    /// Returns where the KV cache should live between steps: the device's memory on CUDA, host memory on CPU.
    /// </summary>
    /// <exception cref="ModelException">The model cannot be loaded, or CUDA was requested explicitly and is not usable.</exception>
    public static (InferenceSession Session, ProviderChoice Choice, OrtMemoryInfo CacheMemory) Create(string onnxFile, ExecutionProvider requested, string where)
    {
        EnsureEnvironment();
        if (requested == ExecutionProvider.Cpu)
            return (CreateCpu(onnxFile, where), new ProviderChoice(ExecutionProvider.Cpu, "cpu: requested"), OrtMemoryInfo.DefaultInstance);

        int device = CudaDevice();
        string why;
        using (var options = NewOptions())
        {
            try
            {
                options.AppendExecutionProvider_CUDA(device);
                var session = new InferenceSession(onnxFile, options);
                var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device, OrtMemType.Default);
                return (session, new ProviderChoice(ExecutionProvider.Cuda, $"{Label(requested)}: CUDA device {device}"), memory);
            }
            catch (OnnxRuntimeException e)
            {
                why = DiagnoseCuda() ?? $"a CUDA session could not be created: {FirstLine(e.Message)}";
            }
        }
        if (requested == ExecutionProvider.Cuda)
            throw new ModelException($"{where}: provider cuda is not usable: {why}. Use --provider cpu, or auto to fall back to CPU");
        return (CreateCpu(onnxFile, where), new ProviderChoice(ExecutionProvider.Cpu, $"auto: {why}; using CPU"), OrtMemoryInfo.DefaultInstance);
    }

    /// <summary>Creates a CPU session.</summary>
    /// <exception cref="ModelException">ONNX Runtime cannot load the file; the message names it and ONNX Runtime's reason.</exception>
    public static InferenceSession CreateCpu(string onnxFile, string where)
    {
        EnsureEnvironment();
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

    /// <summary>The ONNX Runtime version in use, e.g. "1.31.0".</summary>
    public static string RuntimeVersion
    {
        get { EnsureEnvironment(); return OrtEnv.Instance().GetVersionString(); }
    }

    /// <summary>
    /// Where ONNX Runtime would load the CUDA provider from (beside its own native library), or null when the
    /// app's output has none (test projects leave it out: see Directory.Build.targets).
    /// </summary>
    public static string? FindCudaProvider() => FindNativeLibrary(CudaProviderFile);

    /// <summary>
    /// A native library beside ONNX Runtime's own in the app's output: <c>runtimes/RID/native/</c> of a portable build,
    /// or the output folder itself (a RID-specific publish puts natives flat); null when absent.
    /// </summary>
    public static string? FindNativeLibrary(string fileName)
    {
        var rid = RuntimeInformation.RuntimeIdentifier.StartsWith("linux-arm64", StringComparison.Ordinal) ? "linux-arm64" : "linux-x64";
        return new[]
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", fileName),
            Path.Combine(AppContext.BaseDirectory, fileName),
        }.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// ONNX Runtime only says "Failed to load shared library" when the CUDA provider cannot load; the loader's
    /// own message names the missing CUDA library, so ask the loader. Called only after ONNX Runtime failed.
    /// </summary>
    static string? DiagnoseCuda()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var provider = FindCudaProvider();
        if (provider is null)
            return $"the CUDA provider ({CudaProviderFile}) is not in this build's output";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(provider));
            return null;   // it loads: the failure is elsewhere (no GPU, driver too old), ONNX Runtime's message says more
        }
        catch (DllNotFoundException e)
        {
            var missing = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.Message;
            return $"the CUDA provider cannot load ({missing}); it needs CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9 on the library path (README: Running on an NVIDIA GPU)";
        }
    }

    /// <summary>
    /// Creates ONNX Runtime's process-wide environment once, logging only fatal errors: every failure the app
    /// cares about reaches it as an exception with a message, and a failed CUDA probe must not print a red
    /// stack-less line on every <c>--provider auto</c>.
    /// </summary>
    static void EnsureEnvironment()
    {
        if (envReady) return;
        lock (EnvGate)
        {
            if (envReady) return;
            var options = new EnvironmentCreationOptions { logId = "gptplayground", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            try { OrtEnv.CreateInstanceWithOptions(ref options); }
            catch (OnnxRuntimeException) { /* another component created it first: use that one */ }
            envReady = true;
        }
    }

    static int CudaDevice()
    {
        var text = Environment.GetEnvironmentVariable(CudaDeviceVariable);
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (!int.TryParse(text, out var device) || device < 0)
            throw new ModelException($"{CudaDeviceVariable} (={text}) must be a CUDA device ordinal: 0, 1, ...");
        return device;
    }

    static SessionOptions NewOptions()
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Idle intra-op threads sleep instead of spinning: a shared server runs several generations, the web host and
        // often a training job on few cores, and spinning threads then steal each other's time (GPT-2-small on 2 busy
        // cores: 32.8 tokens/s without spinning against 19.6 with it; docs/performance.md). GPTPLAYGROUND_ORT_SPIN=1
        // brings spinning back for a quiet machine that runs one generation at a time.
        o.AddSessionConfigEntry("session.intra_op.allow_spinning", Environment.GetEnvironmentVariable(SpinVariable) == "1" ? "1" : "0");
        return o;
    }

    static string Label(ExecutionProvider p) => p.ToString().ToLowerInvariant();

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
