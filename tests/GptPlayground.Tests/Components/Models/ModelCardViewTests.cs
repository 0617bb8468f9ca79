using GptPlayground.Components.Models;
using GptPlayground.Inference.Models;
using GptPlayground.Services;
using GptPlayground.Tests.Cli;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Models;

/// <summary>The card's parameter count (issue 14, bug 10): each distinct weight once, "tied" when the export stores one twice.</summary>
public class ModelCardViewTests(WebModels models) : IClassFixture<WebModels>
{
    static string ShippedModels => Path.Combine(PlaygroundPaths.RepositoryRoot!, "models");

    [Fact]
    public void The_shipped_model_counts_its_tied_embedding_once_and_says_tied()
    {
        using var catalog = new ModelCatalog(ShippedModels);
        var card = catalog.Inspect(Path.Combine(ShippedModels, ModelCatalog.EmbeddedModelName)).Card!;
        using var context = new ComponentContext();

        var view = context.Render<ModelCardView>(p => p.Add(x => x.Card, card));

        var parameters = view.Find("dl.model-card dd").TextContent;
        Assert.Contains("4,273,664", parameters);   // the training log's figure, not 5,322,240 (the tied copy counted twice)
        Assert.Contains("tied", parameters);
    }

    [Fact]
    public void A_model_with_one_shared_embedding_says_nothing_about_ties()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var card = catalog.Inspect(Path.Combine(models.Directory, "tiny")).Card!;
        using var context = new ComponentContext();

        var view = context.Render<ModelCardView>(p => p.Add(x => x.Card, card));

        Assert.DoesNotContain("tied", view.Find("dl.model-card dd").TextContent);
    }

    [Fact]
    public async Task The_models_verb_prints_the_same_count_and_the_tie()
    {
        var r = await CliRunner.Run("models", "--models", ShippedModels);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("parameters 4.3M (tied: g.wte.weight stored twice (once transposed), counted once)", r.Out);
    }
}
