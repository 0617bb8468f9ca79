using System.Net;
using System.Text.Json;
using GptPlayground.Inference;
using GptPlayground.Inference.Models;
using GptPlayground.Onnx;
using GptPlayground.Services;
using GptPlayground.Tests.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Api;

/// <summary>
/// Remote OpenAI-compatible models (models/NAME/remote.json): a second GptPlayground on another loopback port is the
/// remote backend of the first, so a notebook cell, the API and the CLI on the remote model can be compared with the
/// same model run locally.
/// </summary>
public class RemoteModelTests(ApiApp backend) : IClassFixture<ApiApp>
{
    /// <summary>A models folder with <c>tiny</c> (the backend's model, written again with the same options) and <c>remote-tiny</c>, the backend's tiny over HTTP.</summary>
    string FrontModels(string? baseUrl = null, string extra = "")
    {
        var dir = Directory.CreateTempSubdirectory("gptplayground-front-").FullName;
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(dir, "tiny"));
        Directory.CreateDirectory(Path.Combine(dir, "remote-tiny"));
        File.WriteAllText(Path.Combine(dir, "remote-tiny", RemoteModel.FileName),
            $$"""{"base_url": "{{baseUrl ?? backend.BaseUrl + "/v1"}}", "model": "tiny", "context_length": 128, "timeout_seconds": 30{{extra}}}""");
        return dir;
    }

    [Fact]
    public async Task A_notebook_cell_on_the_remote_model_gives_the_local_models_greedy_text()
    {
        var models = FrontModels();
        var notebook = Path.Combine(Directory.CreateTempSubdirectory("gptplayground-front-nb-").FullName, "compare.md");
        string Cells(string model) =>
            $"## Zero-shot: story on {model}\n\n```cell\nmodel: {model}\n```\n\n```input\nOnce upon a time\n```\n\n```decoding greedy\nmax_new_tokens: 24\ndo_sample: false\n```\n\n" +
            $"## Instruction: ask on {model}\n\n```cell\nmodel: {model}\n```\n\n```user\nName a colour.\n```\n\n```decoding greedy\nmax_new_tokens: 16\ndo_sample: false\n```\n\n";
        File.WriteAllText(notebook, "---\ntitle: Local vs remote\n---\n\n" + Cells("tiny") + Cells("remote-tiny"));

        var run = await CliRunner.Run("run", notebook, "--models", models, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var rows = JsonDocument.Parse(run.Out).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["tiny", "tiny", "remote-tiny", "remote-tiny"], rows.Select(r => r.GetProperty("model").GetString()));
        var outputs = rows.Select(r => r.GetProperty("output").GetString()).ToList();
        Assert.NotEqual("", outputs[0]);
        Assert.Equal(outputs[0], outputs[2]);      // zero-shot: the text prompt through the backend's /v1/completions
        Assert.Equal(outputs[1], outputs[3]);      // instruction: the messages through the backend's /v1/chat/completions and its template
    }

    [Fact]
    public async Task The_front_app_lists_runs_and_serves_the_remote_model_beside_the_local_one()
    {
        var (front, services) = backend.Start(models: FrontModels());
        using var http = new HttpClient();
        var catalog = services.GetRequiredService<ModelCatalog>();

        var list = JsonDocument.Parse(await http.GetStringAsync(front + "/v1/models")).RootElement.GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("owned_by").GetString());
        async Task<string?> Complete(string model)
        {
            var response = await http.PostAsync(front + "/v1/completions", new StringContent(
                $$"""{"model": "{{model}}", "prompt": "The cat sat", "max_tokens": 20, "temperature": 0}""", System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        }
        var page = await http.GetStringAsync(front + "/models");

        Assert.Equal("remote", list["remote-tiny"]);
        Assert.Equal("gptplayground", list["tiny"]);
        Assert.Equal(await Complete("tiny"), await Complete("remote-tiny"));
        var entry = catalog.List().Single(e => e.Name == "remote-tiny");
        Assert.True(entry.IsOk);
        Assert.Equal(backend.BaseUrl + "/v1/", entry.Remote!.BaseUrl.ToString());
        Assert.Contains(">remote</", page);
        Assert.Contains($"tiny at {backend.BaseUrl}/v1/", page);
        Assert.Contains("is a remote model", (await Assert.ThrowsAsync<ModelException>(() => catalog.GetAsync("remote-tiny"))).Message);
    }

    [Fact]
    public async Task Generate_on_the_remote_model_prints_the_local_models_text()
    {
        var models = FrontModels();

        var local = await CliRunner.Run("generate", "--models", models, "--model", "tiny", "--prompt", "Hello there", "--max-new-tokens", "20");
        var remote = await CliRunner.Run("generate", "--models", models, "--model", "remote-tiny", "--prompt", "Hello there", "--max-new-tokens", "20");

        Assert.True(remote.ExitCode == 0, remote.Error);
        Assert.Equal(local.Out, remote.Out);
        Assert.Contains("remote", remote.Error);
    }

    [Fact]
    public async Task Sampled_remote_runs_with_a_seed_are_reproducible_and_logprobs_come_through()
    {
        var models = FrontModels();
        using var catalog = new ModelCatalog(models) { AllowPaths = false };
        using var session = new PlaygroundSession();
        var remote = new RemoteGeneration(catalog);
        var settings = new GptPlayground.Decoding.DecodingSettings { DoSample = true, Temperature = 0.9, Seed = 3, NumReturnSequences = 2, MaxNewTokens = 10 };
        async Task<List<GptPlayground.Inference.Generation.GenerationStep>> Run()
        {
            var steps = new List<GptPlayground.Inference.Generation.GenerationStep>();
            await foreach (var s in remote.RunAsync(new RunRequest("remote-tiny", [], settings, TopLogprobs: 3) { Text = new PromptText("Once") }, new RunProgress(), session))
                steps.Add(s);
            return steps;
        }

        var first = await Run();
        var again = await Run();

        string Text(List<GptPlayground.Inference.Generation.GenerationStep> s, int seq) => string.Concat(s.Where(x => x.Sequence == seq).Select(x => x.Text));
        Assert.Equal(Text(first, 0), Text(again, 0));
        Assert.Equal(Text(first, 1), Text(again, 1));
        Assert.Equal(2, first.Count(s => s.Finish is not null));
        Assert.All(first.Where(s => s.Text.Length > 0), s => { Assert.True(s.Logprob <= 0); Assert.InRange(s.TopLogprobs.Count, 1, 3); });
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_the_answer_streams_through()
    {
        int calls = 0;
        var fake = WebApplication.CreateBuilder();
        fake.WebHost.UseUrls("http://127.0.0.1:0");
        await using var server = fake.Build();
        server.MapPost("/v1/completions", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref calls) == 1) { context.Response.StatusCode = 503; return; }
            context.Response.ContentType = "text/event-stream";
            foreach (var (text, finish) in new[] { ("Hel", (string?)null), ("lo", null), ("", "length") })
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(new { choices = new[] { new { index = 0, text, finish_reason = finish } } })}\n\n");
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
        await server.StartAsync();
        var url = server.Urls.First();
        var models = FrontModels(url + "/v1", ", \"max_retries\": 2, \"chat\": false");
        using var catalog = new ModelCatalog(models) { AllowPaths = false };
        using var session = new PlaygroundSession();

        var steps = new List<GptPlayground.Inference.Generation.GenerationStep>();
        await foreach (var s in new RemoteGeneration(catalog).RunAsync(new RunRequest("remote-tiny", [], new(), 0) { Text = new PromptText("x") }, new RunProgress(), session))
            steps.Add(s);

        Assert.Equal(2, calls);
        Assert.Equal("Hello", string.Concat(steps.Select(s => s.Text)));
        Assert.Equal(GptPlayground.Inference.Generation.FinishReason.Length, steps[^1].Finish);
        Assert.Equal(2, steps.Count);     // the finish rides on the last token, not on an extra step
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_an_error_naming_it_after_the_retries()
    {
        var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var closed = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();                                 // nothing listens there now
        var models = FrontModels($"http://127.0.0.1:{closed}/v1", ", \"max_retries\": 1");
        using var catalog = new ModelCatalog(models) { AllowPaths = false };
        using var session = new PlaygroundSession();

        var error = await Assert.ThrowsAsync<RemoteModelException>(async () =>
        {
            await foreach (var _ in new RemoteGeneration(catalog).RunAsync(new RunRequest("remote-tiny", [], new(), 0) { Text = new PromptText("x") }, new RunProgress(), session)) { }
        });

        Assert.Equal(503, error.Status);
        Assert.Contains($"remote-tiny: cannot reach http://127.0.0.1:{closed}/v1/", error.Message);
        Assert.Contains("tried 2 times", error.Message);
    }

    [Theory]
    [InlineData("""{"model": "x"}""", "base_url is required")]
    [InlineData("""{"base_url": "ftp://host/v1"}""", "must be an absolute http:// or https:// address")]
    [InlineData("""{"base_url": "http://host/v1", "api_key": "sk-123"}""", "write the key's environment variable as api_key_env")]
    [InlineData("""{"base_url": "http://host/v1", "timeout_seconds": 0}""", "timeout_seconds (=0) must be a whole number from 1 to 3600")]
    [InlineData("""{"base_url": "http://host/v1", "chat": false, "completions": false}""", "could not be called")]
    [InlineData("""{"base_url": "http://host/v1", "colour": "red"}""", "unknown key 'colour'")]
    [InlineData("""{"base_url": """, "not valid JSON")]
    public void A_bad_remote_json_makes_the_folder_unusable_with_the_reason(string json, string reason)
    {
        var dir = Directory.CreateTempSubdirectory("gptplayground-remote-json-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "r"));
        File.WriteAllText(Path.Combine(dir, "r", RemoteModel.FileName), json);

        var entry = new ModelCatalog(dir).List().Single();

        Assert.False(entry.IsOk);
        Assert.StartsWith("error: r/remote.json: ", entry.Status);
        Assert.Contains(reason, entry.Status);
    }
}
