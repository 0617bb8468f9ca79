using System.Net;
using System.Text;
using GptPlayground.Services;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Api;

/// <summary>An API generation leaves a run record in PROMPTS/.runs/api/MODEL.jsonl, like a cell's run.</summary>
public class ApiRecordTests(ApiApp app) : IClassFixture<ApiApp>
{
    [Fact]
    public async Task A_completion_leaves_a_record_with_its_tokens()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var file = app.Services.GetRequiredService<RunRecords>().ApiFileFor("tiny")!;

        var response = await http.PostAsync(app.BaseUrl + "/v1/completions",
            new StringContent("""{"model": "tiny", "prompt": "hello", "max_tokens": 3, "temperature": 0.8, "seed": 11}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = RunRecords.Read(file).Records.Last().Record;
        Assert.Equal(("api", "tiny", 11UL, true), (record.Source, record.Model, record.Settings.Seed!.Value, record.Settings.DoSample!.Value));
        Assert.NotEmpty(record.PromptIds);
        Assert.Equal(3, Assert.Single(record.Outputs).Ids.Length);
        Assert.Contains("model.onnx", record.Files.Keys);
    }
}
