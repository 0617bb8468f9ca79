using System.Net;
using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Web;

/// <summary>/metrics: the scheduler's figures in Prometheus text format.</summary>
public class MetricsEndpointTests(WebModels models) : IClassFixture<WebModels>
{
    [Fact]
    public async Task Metrics_show_the_tokens_steps_and_time_to_first_token_of_a_generation_by_model()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        var client = factory.CreateClient();
        var runner = new GenerationRunner(factory.Services.GetRequiredService<ModelCatalog>(), factory.Services.GetRequiredService<GenerationQueue>(), new PlaygroundSession());
        int tokens = 0;
        await foreach (var _ in runner.RunAsync(new RunRequest("tiny", [1, 2, 3], new DecodingSettings { MaxNewTokens = 7, MinNewTokens = 7 }), new RunProgress()))
            tokens++;

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(7, tokens);
        Assert.Matches(@"gptplayground_generated_tokens(_total)?\{[^}]*model=""tiny""[^}]*\} ([7-9]|\d\d+)", text);
        Assert.Matches(@"gptplayground_decode_steps(_total)?\{[^}]*model=""tiny""[^}]*\} [1-9]", text);
        Assert.Matches(@"gptplayground_time_to_first_token_seconds_count\{[^}]*model=""tiny""[^}]*\} [1-9]", text);
        Assert.Matches(@"gptplayground_queue_length\{[^}]*model=""tiny""[^}]*\} 0", text);
        Assert.Matches(@"gptplayground_active_sequences\{[^}]*model=""tiny""[^}]*\} 0", text);
    }

    [Fact]
    public async Task Metrics_refuse_a_foreign_host_like_every_page()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = "evil.example";

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
