using System.Diagnostics;

namespace GptPlayground.Tests.Cli;

/// <summary>The executable in a child process: what only a real process sees (its command line, its exit code).</summary>
public class ProcessTests(CliModels models) : IClassFixture<CliModels>
{
    [Fact]
    public async Task A_command_line_over_32_kb_reaches_the_verb_instead_of_crashing_the_runtime()
    {
        // ONNX Runtime 1.29 (compiled from npm sources) aborted with "Internal CLR error" (exit 134) while creating its
        // environment whenever the argument list passed about 32,700 bytes; the verb must get to answer.
        var prompt = string.Concat(Enumerable.Repeat("word ", 8_000));   // 40,000 bytes

        var (code, _, error) = await RunAsync("generate", "--model", models.Tiny, "--prompt", prompt, "--max-new-tokens", "1");

        Assert.Equal(2, code);
        Assert.Contains("context length is 64", error);
    }

    static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gptplayground.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
