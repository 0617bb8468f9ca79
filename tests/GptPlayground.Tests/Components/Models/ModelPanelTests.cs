using GptPlayground.Components.Models;
using GptPlayground.Inference.Models;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Models;

/// <summary>One model folder on the Models page: its card or its error, Load, and the empty-folder help.</summary>
public class ModelPanelTests(WebModels models) : IClassFixture<WebModels>
{
    [Fact]
    public void A_usable_model_shows_its_card_and_Load_and_loading_it_marks_it_loaded()
    {
        using var ctx = new ComponentContext();
        ctx.WithPlayground(models.Directory);
        var catalog = ctx.Services.GetService(typeof(ModelCatalog)) as ModelCatalog;
        var entry = catalog!.List().Single(e => e.Name == "tiny");
        int changed = 0;
        var cut = ctx.Render<ModelPanel>(p => p.Add(x => x.Entry, entry).Add(x => x.Changed, () => changed++));

        Assert.Equal("tiny", cut.Find(".model-name").TextContent);
        Assert.Contains("not loaded", cut.Markup);
        Assert.NotEmpty(cut.FindAll(".model-card dt"));
        cut.Find("button[aria-label='Load tiny']").Click();

        cut.WaitForState(() => changed == 1, TimeSpan.FromSeconds(30));
        Assert.True(catalog.List().Single(e => e.Name == "tiny").Loaded);
        catalog.TryUnload("tiny", out _);
    }

    [Fact]
    public void An_unusable_folder_shows_its_error_and_no_load_button()
    {
        using var ctx = new ComponentContext();
        ctx.WithPlayground(models.Directory);
        var entry = new ModelCatalog(models.Directory).List().Single(e => e.Name == "broken");

        var cut = ctx.Render<ModelPanel>(p => p.Add(x => x.Entry, entry));

        Assert.Contains("unusable", cut.Markup);
        Assert.NotEmpty(cut.Find(".model-error[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("button[aria-label='Load broken']"));
    }

    [Fact]
    public void An_empty_models_folder_says_how_to_add_a_model()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<EmptyCatalog>(p => p.Add(x => x.Directory, "/nowhere/models"));

        Assert.Contains("No models yet", cut.Markup);
        Assert.Contains("synth-model --out /nowhere/models/tiny", cut.Markup);
    }
}
