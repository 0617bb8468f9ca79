using GptPlayground.Cli;

namespace GptPlayground.Tests.Cli;

/// <summary>Runs a CLI verb in process and captures what it printed.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, new CliContext(stdout, stderr));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A models folder holding a tiny model written by the synth-model verb itself.</summary>
public sealed class CliModels : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "gptplayground-cli-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public string Tiny => Path.Combine(Directory, "tiny");

    public async Task InitializeAsync()
    {
        var r = await CliRunner.Run("synth-model", "--out", Tiny, "--layers", "2", "--hidden", "32", "--heads", "4", "--vocab", "300", "--context", "64", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "broken"));
        File.WriteAllText(Path.Combine(Directory, "broken", "model.onnx"), "not an onnx file");
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
