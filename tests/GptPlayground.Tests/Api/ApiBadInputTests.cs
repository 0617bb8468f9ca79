using System.Net;
using System.Text;
using System.Text.Json;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Api;

/// <summary>
/// Bad input over real HTTP (no SDK in between): malformed JSON, wrong types, out-of-range values, unknown fields, a body
/// over 5 MB and a client that disconnects mid-stream. Each gets a clear error in OpenAI's shape, nothing keeps running,
/// and the server goes on answering.
/// </summary>
public class ApiBadInputTests(ApiApp app) : IClassFixture<ApiApp>
{
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };

    async Task<(HttpStatusCode Status, JsonElement Error)> PostAsync(string path, string body)
    {
        var response = await http.PostAsync(app.BaseUrl + path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.TryGetProperty("error", out var e) ? e.Clone() : default);
    }

    [Theory]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x",""", null, "invalid_json", "not valid JSON (line 1")]
    [InlineData("/v1/completions", "", null, "invalid_json", "the request body is empty")]
    [InlineData("/v1/completions", "[1, 2]", null, "invalid_json", "must be a JSON object, not a list")]
    [InlineData("/v1/completions", """{"prompt": "x"}""", "model", "missing_required_parameter", "'model' is required")]
    [InlineData("/v1/completions", """{"model": "tiny"}""", "prompt", "missing_required_parameter", "'prompt' is required")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": 42}""", "prompt", "invalid_type", "prompt must be a string, a list of strings")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": "ten"}""", "max_tokens", "invalid_type", "max_tokens must be an integer between 1 and 2147483647, not a string (\"ten\")")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 1e30}""", "max_tokens", "invalid_value", "max_tokens (=1e30) must be an integer between 1 and 2147483647")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 2000000000}""", "max_tokens", "invalid_value", "max_tokens (=2000000000) exceeds the model's context length")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 0}""", "max_tokens", "invalid_value", "max_tokens (=0) must be an integer between 1")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "temperature": "hot"}""", "temperature", "invalid_type", "temperature must be a number, not a string")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "stream": "yes"}""", "stream", "invalid_type", "stream must be true or false")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "n": 1000, "temperature": 1}""", "n", "invalid_value", "n (=1000) is over this server's limit of 256 sequences")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "seed": -1}""", "seed", "invalid_value", "seed (=-1) must be an integer between 0 and 18446744073709551615")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "stop": [1]}""", "stop", "invalid_type", "stop must be a string or a list of strings")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "stop": [""]}""", "stop", "invalid_value", "stop[0] (=\"\") is empty")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "top_k": -3, "temperature": 1}""", "top_k", "invalid_value", "top_k (=-3) must be >= 0")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "num_beams": 100000}""", "num_beams", "invalid_value", "num_beams (=100000) is over this server's limit of 64 beams")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "frobnicate": true}""", "frobnicate", "unknown_parameter", "unrecognized request argument supplied: 'frobnicate'")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "stream_options": {"include_usage": true}}""", "stream_options", "invalid_value", "stream_options needs stream: true")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": [299, 100000]}""", "prompt", "invalid_value", "token id 100000 is out of range")]
    [InlineData("/v1/completions", """{"model": "tiny", "prompt": "x", "suffix": "y"}""", "suffix", "unsupported_parameter", "'suffix' is not supported")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": "hi"}""", "messages", "invalid_type", "messages must be a list")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": [{"role": "wizard", "content": "x"}]}""", "messages", "invalid_value", "messages[0].role (=wizard) must be one of system, developer, user, assistant")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]}""", "messages", "unsupported_parameter", "takes text only")]
    [InlineData("/v1/chat/completions", """{"model": "tiny", "messages": [{"role": "user", "content": "x"}], "max_tokens": 5, "max_completion_tokens": 5}""", "max_tokens", "invalid_value", "give either max_completion_tokens or max_tokens, not both")]
    public async Task Bad_input_gets_a_400_naming_the_parameter(string path, string body, string? param, string code, string message)
    {
        var (status, error) = await PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_5_MB_gets_413_and_the_server_stays_up(bool chunked)
    {
        var big = "{\"model\": \"tiny\", \"prompt\": \"" + new string('a', 6 * 1024 * 1024) + "\"}";
        // with a length the server refuses before reading (the client waits for "100 Continue", as curl does for large
        // bodies); without one it reads up to the limit
        var request = new HttpRequestMessage(HttpMethod.Post, app.BaseUrl + "/v1/completions")
        {
            Content = chunked ? new ChunkedContent(big) : new StringContent(big, Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = !chunked },
        };

        var response = await http.SendAsync(request);
        var after = await http.GetAsync(app.BaseUrl + "/v1/models");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("over this server's limit of 5,242,880 bytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    /// <summary>A body sent without Content-Length (chunked), so the server learns its size only by reading it.</summary>
    sealed class ChunkedContent(string text) : StringContent(text, Encoding.UTF8, "application/json")
    {
        protected override bool TryComputeLength(out long length) { length = 0; return false; }
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_stops_its_generation_and_the_server_stays_up()
    {
        var queue = app.Services.GetRequiredService<GenerationQueue>();
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        var key = catalog.Resolve("slow");
        var request = new HttpRequestMessage(HttpMethod.Post, app.BaseUrl + "/v1/completions")
        {
            Content = new StringContent("""{"model": "slow", "prompt": "Once", "max_tokens": 4000, "min_new_tokens": 4000, "temperature": 0, "stream": true}""", Encoding.UTF8, "application/json"),
        };

        using (var client = new HttpClient())
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            int events = 0;
            while (events < 5 && await reader.ReadLineAsync() is { } line)
                if (line.StartsWith("data: {", StringComparison.Ordinal)) events++;
            Assert.Equal(5, events);
            Assert.Equal(1, queue.Snapshot("slow")?.ActiveRequests);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        }   // the connection closes here, mid-generation

        await OpenAiSdkTests.WaitUntil(() => queue.Snapshot("slow")?.ActiveSequences == 0 && catalog.InUse(key) == 0);
        var (status, _) = await PostAsync("/v1/completions", """{"model": "tiny", "prompt": "still there?", "max_tokens": 3}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_completion_stream_is_server_sent_events_ending_in_done()
    {
        var response = await http.PostAsync(app.BaseUrl + "/v1/completions",
            new StringContent("""{"model": "tiny", "prompt": ["Hello", "Bye"], "max_tokens": 6, "temperature": 0, "stream": true, "stream_options": {"include_usage": true}}""", Encoding.UTF8, "application/json"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        var whole = await http.PostAsync(app.BaseUrl + "/v1/completions",
            new StringContent("""{"model": "tiny", "prompt": ["Hello", "Bye"], "max_tokens": 6, "temperature": 0}""", Encoding.UTF8, "application/json"));
        using var expected = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var texts = new string[2];
        foreach (var choice in chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()))
            texts[choice.GetProperty("index").GetInt32()] += choice.GetProperty("text").GetString();
        Assert.Equal(expected.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()), texts);
        Assert.Equal(expected.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(),
            chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/v1/completions", 405)]
    [InlineData("POST", "/v1/models", 405)]
    [InlineData("GET", "/v1/embeddings", 404)]
    public async Task Unknown_endpoints_and_methods_answer_in_openais_shape(string method, string path, int status)
    {
        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), app.BaseUrl + path));

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("/v1/", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
