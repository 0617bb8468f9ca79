using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace GptPlayground.Tests.Api;

/// <summary>
/// The app's OpenAI-compatible API driven by the official OpenAI .NET SDK (NuGet OpenAI) over real HTTP on a loopback
/// port: models, completions (through the SDK's pipeline: the SDK has no typed legacy-completions client), chat
/// completions, streaming, n + seed, logprobs, stop strings and the error cases.
/// </summary>
#pragma warning disable OPENAI001   // ChatCompletionOptions.Seed is marked experimental by the SDK
public class OpenAiSdkTests(ApiApp app) : IClassFixture<ApiApp>
{
    /// <summary>POSTs <paramref name="body"/> to /v1/completions with the SDK's pipeline (its key, its error handling).</summary>
    static async Task<JsonElement> CompleteAsync(OpenAIClient client, string baseUrl, object body)
    {
        using var message = client.Pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(baseUrl + "/v1/completions");
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromObjectAsJson(body));
        await client.Pipeline.SendAsync(message);
        if (message.Response!.IsError) throw new ClientResultException(message.Response);
        using var document = JsonDocument.Parse(message.Response.Content.ToMemory());
        return document.RootElement.Clone();
    }

    /// <summary>A chat completion with raw JSON through the SDK's protocol method (for n and the extra fields).</summary>
    static async Task<JsonElement> ChatJsonAsync(ChatClient chat, object body)
    {
        var result = await chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromObjectAsJson(body)));
        using var document = JsonDocument.Parse(result.GetRawResponse().Content.ToMemory());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task The_models_list_names_every_usable_model_of_the_catalog()
    {
        var models = app.Client().GetOpenAIModelClient();

        var list = (await models.GetModelsAsync()).Value.Select(m => m.Id).ToList();
        var tiny = (await models.GetModelAsync("tiny")).Value;
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("nope"));

        Assert.Equal(["slow", "tiny"], list.Order());                 // "broken" cannot load: not offered
        Assert.Equal("tiny", tiny.Id);
        Assert.Equal("gptplayground", tiny.OwnedBy);
        Assert.Equal(404, missing.Status);
    }

    [Theory]
    [InlineData("Once upon a time", 24, null)]
    [InlineData("The cat sat on the mat. The cat", 30, 1.3)]
    public async Task A_greedy_completion_is_the_text_of_the_generate_verb(string prompt, int maxTokens, double? repetitionPenalty)
    {
        var cliArgs = new List<string> { "generate", "--models", app.Models, "--model", "tiny", "--prompt", prompt, "--max-new-tokens", maxTokens.ToString() };
        if (repetitionPenalty is double r) cliArgs.AddRange(["--repetition-penalty", r.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var cli = await CliRunner.Run([.. cliArgs]);
        var body = new Dictionary<string, object> { ["model"] = "tiny", ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0 };
        if (repetitionPenalty is double rp) body["repetition_penalty"] = rp;

        var response = await CompleteAsync(app.Client(), app.BaseUrl, body);

        Assert.Equal(0, cli.ExitCode);
        var choice = response.GetProperty("choices")[0];
        Assert.Equal(cli.Out.TrimEnd('\n'), choice.GetProperty("text").GetString());
        Assert.Equal("text_completion", response.GetProperty("object").GetString());
        Assert.True(response.GetProperty("usage").GetProperty("completion_tokens").GetInt32() is > 0 and var n && n <= maxTokens);
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
    }

    [Fact]
    public async Task A_greedy_chat_completion_is_the_text_of_an_instruction_cell()
    {
        var notebook = Path.Combine(Directory.CreateTempSubdirectory("gptplayground-api-nb-").FullName, "chat.md");
        File.WriteAllText(notebook, "---\ntitle: Chat\nmodel: tiny\n---\n\n## Instruction: ask\n\n```system\nYou are terse.\n```\n\n```user\nName a colour.\n```\n\n```decoding greedy\nmax_new_tokens: 16\ndo_sample: false\n```\n");
        var run = await CliRunner.Run("run", notebook, "--models", app.Models, "--json");
        var chat = app.Client().GetChatClient("tiny");

        var completion = (await chat.CompleteChatAsync([new SystemChatMessage("You are terse."), new UserChatMessage("Name a colour.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 16 })).Value;

        Assert.Equal(0, run.ExitCode);
        var expected = JsonDocument.Parse(run.Out).RootElement.GetProperty("runs")[0].GetProperty("output").GetString();
        Assert.Equal(expected, completion.Content[0].Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.True(completion.Usage.OutputTokenCount is > 0 and <= 16);
    }

    [Fact]
    public async Task Streaming_sends_the_same_text_token_by_token_and_ends_with_the_usage()
    {
        var chat = app.Client().GetChatClient("tiny");
        var messages = new ChatMessage[] { new UserChatMessage("Tell me a story.") };
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 20 };
        var whole = (await chat.CompleteChatAsync(messages, options)).Value;

        var text = new StringBuilder();
        int updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var part in update.ContentUpdate) { text.Append(part.Text); updates++; }
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.True(updates > 1, $"{updates} content updates");
        Assert.Equal(whole.FinishReason, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task N_samples_with_a_seed_are_reproducible_and_a_new_seed_draws_new_ones()
    {
        var chat = app.Client().GetChatClient("tiny");
        object Body(int seed) => new { model = "tiny", messages = new[] { new { role = "user", content = "Hi" } }, n = 3, temperature = 1.0, seed, max_tokens = 12 };
        static List<string> Texts(JsonElement r) => r.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!).ToList();

        var first = Texts(await ChatJsonAsync(chat, Body(11)));
        var again = Texts(await ChatJsonAsync(chat, Body(11)));
        var other = Texts(await ChatJsonAsync(chat, Body(12)));
        var typed = (await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { Temperature = 1, Seed = 11, MaxOutputTokenCount = 12 })).Value;

        Assert.Equal(3, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() > 1, "the three samples should differ: " + string.Join(" | ", first));
        Assert.Equal(first[0], typed.Content[0].Text);            // n=1 with the seed is the first of the n=3 samples
    }

    [Fact]
    public async Task Chat_logprobs_come_in_openais_shape_with_the_alternatives()
    {
        var chat = app.Client().GetChatClient("tiny");

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("Count to ten.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 10, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 })).Value;

        var tokens = completion.ContentTokenLogProbabilities;
        Assert.Equal(completion.Usage.OutputTokenCount, tokens.Count);
        foreach (var t in tokens)
        {
            Assert.True(t.LogProbability <= 0);
            Assert.Equal(3, t.TopLogProbabilities.Count);
            Assert.Equal(t.Token, t.TopLogProbabilities[0].Token);     // greedy: the chosen token is the most likely one
            Assert.Equal(t.LogProbability, t.TopLogProbabilities[0].LogProbability, 5);
            Assert.True(t.TopLogProbabilities[0].LogProbability >= t.TopLogProbabilities[1].LogProbability);
        }
        var bytes = tokens.SelectMany(t => t.Utf8Bytes?.ToArray() ?? []).ToArray();
        Assert.StartsWith(completion.Content[0].Text, Encoding.UTF8.GetString(bytes));   // the tokens' bytes spell the text (then maybe end-of-text)
    }

    [Fact]
    public async Task Completion_logprobs_come_in_the_legacy_shape()
    {
        var response = await CompleteAsync(app.Client(), app.BaseUrl, new { model = "tiny", prompt = "Hello", max_tokens = 8, temperature = 0, logprobs = 2, echo = true });

        var choice = response.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        int n = logprobs.GetProperty("tokens").GetArrayLength();
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToList();
        Assert.Equal(response.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), n);
        Assert.Equal(n, logprobs.GetProperty("token_logprobs").GetArrayLength());
        Assert.All(logprobs.GetProperty("top_logprobs").EnumerateArray(), top => Assert.InRange(top.EnumerateObject().Count(), 1, 2));
        Assert.StartsWith("Hello", choice.GetProperty("text").GetString());   // echo
        Assert.Equal("Hello".Length, offsets[0]);
        Assert.Equal(offsets.Order(), offsets);
    }

    [Fact]
    public async Task A_stop_string_ends_the_text_before_it()
    {
        var chat = app.Client().GetChatClient("tiny");
        var messages = new ChatMessage[] { new UserChatMessage("Write something long.") };
        var full = (await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 })).Value.Content[0].Text;
        Assert.True(full.Length >= 10, $"the greedy text is too short for this test: '{full}'");
        var stop = full.Substring(6, 3);

        var stopped = (await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40, StopSequences = { stop } })).Value;

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], stopped.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    public static TheoryData<string, int, string> ErrorCases => new()
    {
        { """{"model": "nope", "messages": [{"role": "user", "content": "x"}]}""", 404, "unknown model 'nope'" },
        { """{"model": "broken", "messages": [{"role": "user", "content": "x"}]}""", 503, "model 'broken' cannot be loaded" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "temperature": -1}""", 400, "temperature (=-1) must be >= 0" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "top_p": 2}""", 400, "top_p (=2) must be in (0, 1]" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "n": 1000}""", 400, "n (=1000) is over this server's limit of 256" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "n": 2, "temperature": 0}""", 400, "n (=2) must be 1 for greedy decoding" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 1000000}""", 400, "max_completion_tokens (=1000000) exceeds the model's context length" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "logprobs": true, "top_logprobs": 21}""", 400, "top_logprobs (=21) must be an integer between 0 and 20" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 3}""", 400, "presence_penalty (=3) must be between -2 and 2" },
        { """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "tools": []}""", 400, "'tools' is not supported" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task Errors_come_with_openais_status_and_a_message_naming_the_problem(string body, int status, string message)
    {
        var chat = app.Client().GetChatClient("tiny");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body))));

        Assert.Equal(status, error.Status);
        using var json = JsonDocument.Parse(error.GetRawResponse()!.Content.ToMemory());
        var e = json.RootElement.GetProperty("error");
        Assert.Contains(message, e.GetProperty("message").GetString());
        Assert.True(e.TryGetProperty("type", out _) && e.TryGetProperty("param", out _) && e.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task A_full_queue_answers_429_and_empties_when_its_clients_leave()
    {
        var (url, services) = app.Start(new Dictionary<string, string> { ["Playground:MaxWaitingPerModel"] = "1", ["Playground:MaxBatchRows"] = "1" });
        var queue = services.GetRequiredService<GenerationQueue>();
        var key = services.GetRequiredService<ModelCatalog>().Resolve("slow");
        var chat = app.Client(url).GetChatClient("slow");
        var endless = BinaryContent.Create(BinaryData.FromObjectAsJson(new { model = "slow", messages = new[] { new { role = "user", content = "go" } }, max_tokens = 4000, min_new_tokens = 4000, temperature = 0, stream = true }));
        using var leave = new CancellationTokenSource();

        var running = chat.CompleteChatAsync(endless, new RequestOptions { CancellationToken = leave.Token, BufferResponse = false });
        await WaitUntil(() => queue.Snapshot("slow")?.ActiveRequests == 1);
        var waiting = chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromObjectAsJson(new { model = "slow", messages = new[] { new { role = "user", content = "go" } }, max_tokens = 5 })),
            new RequestOptions { CancellationToken = leave.Token });
        await WaitUntil(() => queue.Snapshot("slow")?.Waiting == 1);
        var full = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("one more")]));
        leave.Cancel();
        await Task.WhenAll(running, waiting).ContinueWith(_ => { });
        if (running.IsCompletedSuccessfully) (await running).GetRawResponse().Dispose();   // the stream's connection closes: its generation stops

        Assert.Equal(429, full.Status);
        Assert.Contains("queue", full.Message);
        await WaitUntil(() => queue.Snapshot("slow") is { ActiveRequests: 0, ActiveSequences: 0, Waiting: 0 });
    }

    /// <summary>Polls <paramref name="condition"/> for up to 30 s.</summary>
    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition(), "condition not reached within 30 s");
    }
}
