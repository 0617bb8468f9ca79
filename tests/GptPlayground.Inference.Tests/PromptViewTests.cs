using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Tests;

/// <summary>The catalog reads a model folder's files and tokenizer once, for previews and for the loaded model alike.</summary>
public class PromptViewTests
{
    static (ModelCatalog Catalog, string Name) CatalogOf(string variant)
    {
        var folder = TestModels.Folder(variant);
        return (new ModelCatalog(Path.GetDirectoryName(folder)!), Path.GetFileName(folder));
    }

    [Fact]
    public async Task A_previewed_model_loads_with_the_same_files_and_tokenizer()
    {
        var (catalog, name) = CatalogOf("optimum-fp32");
        using var _ = catalog;

        var view = catalog.PromptView(name);
        var model = await catalog.GetAsync(name);

        Assert.NotNull(view.Tokenizer);
        Assert.Same(view.Tokenizer, model.Tokenizer);
        Assert.Same(view.Files, model.Files);
        Assert.Equal(model.ContextLength, view.ContextLength);
    }

    [Fact]
    public async Task A_loaded_model_gives_its_own_tokenizer_to_previews()
    {
        var (catalog, name) = CatalogOf("gqa");
        using var _ = catalog;

        var model = await catalog.GetAsync(name);
        var view = catalog.PromptView(name);

        Assert.Same(model.Tokenizer, view.Tokenizer);
        Assert.Null(view.Error);
    }

    [Fact]
    public void A_folder_without_a_model_gives_its_error_instead_of_a_view()
    {
        var dir = TestModels.TempFolder("noview");
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        using var catalog = new ModelCatalog(dir);

        var view = catalog.PromptView("empty");

        Assert.Null(view.Files);
        Assert.StartsWith("error: ", view.Error);
    }
}
