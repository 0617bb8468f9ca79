using GptPlayground.Components.Models;
using GptPlayground.Decoding;
using GptPlayground.Onnx;
using GptPlayground.Services;
using GptPlayground.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Components.Models;

/// <summary>The Models page's live batch figures of a loaded model.</summary>
public class ModelActivityTests(WebModels models) : IClassFixture<WebModels>
{
    [Fact]
    public void A_model_that_never_generated_says_it_is_idle()
    {
        using var context = new ComponentContext().WithPlayground(models.Directory);

        var figures = context.Render<ModelActivity>(p => p.Add(x => x.Model, "tiny"));

        Assert.Contains("idle", figures.Find("[data-figure='batch']").TextContent);
    }

    [Fact]
    public async Task While_a_request_decodes_the_batch_shows_it_and_afterwards_the_time_to_first_token()
    {
        var directory = Directory.CreateTempSubdirectory("gptplayground-activity-").FullName;
        SynthGpt.Write(new SynthGptOptions { Layers = 2, Hidden = 64, Heads = 2, Vocab = 300, Context = 4096, Seed = 5 }, Path.Combine(directory, "long"));
        using var context = new ComponentContext().WithPlayground(directory);
        var runner = context.Services.GetRequiredService<GenerationRunner>();
        var figures = context.Render<ModelActivity>(p => p.Add(x => x.Model, "long").Add(x => x.Interval, TimeSpan.FromMilliseconds(20)));
        using var stop = new CancellationTokenSource();

        var run = Task.Run(async () =>
        {
            await foreach (var _ in runner.RunAsync(new RunRequest("long", [1, 2, 3], new DecodingSettings { MaxNewTokens = 4000, MinNewTokens = 4000 }), new RunProgress(), stop.Token)) { }
        });
        figures.WaitForAssertion(() => Assert.Contains("batch: 1 sequence (1 request)", figures.Find("[data-figure='batch']").TextContent), TimeSpan.FromSeconds(20));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        figures.WaitForAssertion(() => Assert.Contains("batch: 0 sequences (0 requests)", figures.Find("[data-figure='batch']").TextContent), TimeSpan.FromSeconds(20));
        Assert.Contains("queue: 0 waiting", figures.Find("[data-figure='queue']").TextContent);
        Assert.Matches(@"last time to first token: (\d+ ms|\d+\.\d s)", figures.Find("[data-figure='ttft']").TextContent);
    }
}
