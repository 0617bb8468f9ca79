using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Tests;

public class CatalogTests
{
    static ModelCatalog CatalogWith(out string dir, params string[] variants)
    {
        dir = TestModels.TempFolder("catalog");
        foreach (var v in variants)
        {
            var target = Path.Combine(dir, v);
            Directory.CreateDirectory(target);
            foreach (var f in Directory.GetFiles(TestModels.Folder(v))) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        }
        return new ModelCatalog(dir);
    }

    [Fact]
    public void Default_model_is_the_embedded_one_only_when_no_other_usable_model_exists()
    {
        using var alone = CatalogWith(out var dir, "optimum-fp32");
        Directory.Move(Path.Combine(dir, "optimum-fp32"), Path.Combine(dir, ModelCatalog.EmbeddedModelName));
        Directory.CreateDirectory(Path.Combine(dir, "broken"));
        Assert.Equal(ModelCatalog.EmbeddedModelName, alone.DefaultModel());

        using var withOwn = CatalogWith(out var dir2, "optimum-fp32", "stacked");
        Directory.Move(Path.Combine(dir2, "optimum-fp32"), Path.Combine(dir2, ModelCatalog.EmbeddedModelName));
        Assert.Equal("stacked", withOwn.DefaultModel());
        Assert.Equal(ModelCatalog.EmbeddedModelName, withOwn.DefaultModel(preferred: ModelCatalog.EmbeddedModelName));
        Assert.Equal("stacked", withOwn.DefaultModel(preferred: "missing"));
    }

    [Fact]
    public void Default_model_is_null_when_no_folder_is_usable()
    {
        using var empty = CatalogWith(out _);

        Assert.Null(empty.DefaultModel());
    }

    [Fact]
    public async Task Concurrent_requests_share_one_loaded_model()
    {
        using var catalog = CatalogWith(out _, "optimum-fp32");

        var models = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => catalog.GetAsync("optimum-fp32"))));

        Assert.All(models, m => Assert.Same(models[0], m));
        Assert.Single(catalog.LoadedModels());
    }

    [Fact]
    public void Listing_gives_each_folder_its_card_or_its_error()
    {
        using var catalog = CatalogWith(out var dir, "optimum-fp32", "stacked");
        Directory.CreateDirectory(Path.Combine(dir, "broken"));
        File.WriteAllText(Path.Combine(dir, "broken", "model.onnx"), "not a model");

        var entries = catalog.List();

        Assert.Equal(["broken", "optimum-fp32", "stacked"], entries.Select(e => e.Name));
        Assert.StartsWith("error: ", entries[0].Status);
        Assert.Equal("ok", entries[1].Status);
        Assert.Equal(2, entries[1].Card!.Layers);
        Assert.Contains("stacked", entries[2].Card!.Layout);
    }

    [Theory]
    [InlineData("/tmp")]
    [InlineData("/nonexistent")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("optimum-fp32/../stacked")]
    [InlineData("missing")]
    public void Without_paths_only_catalog_names_resolve_and_every_other_name_gets_the_same_answer(string name)
    {
        using var open = CatalogWith(out var dir, "optimum-fp32", "stacked");
        var closed = new ModelCatalog(dir) { AllowPaths = false };

        var e = Assert.Throws<ModelException>(() => closed.Resolve(name));

        Assert.Equal($"unknown model '{name}': {Path.GetFileName(dir)}/ has optimum-fp32, stacked (a notebook names a model folder of {Path.GetFileName(dir)}/; paths work in the CLI only)", e.Message);
        Assert.Equal(Path.Combine(dir, "stacked"), closed.Resolve("stacked"));
    }

    [Theory]
    [InlineData("generation_config.json", "{\"eos_token_id\": [1.5]}", "eos_token_id holds 1.5")]
    [InlineData("generation_config.json", "{\"eos_token_id\": [1e30]}", "eos_token_id holds 1e30")]
    [InlineData("generation_config.json", "{\"eos_token_id\": 300}", "token ids are whole numbers from 0 to 299")]
    [InlineData("config.json", "{\"n_positions\": -5, \"vocab_size\": 300}", "n_positions (=-5) must be a whole number from 1")]
    [InlineData("config.json", "{\"n_ctx\": 0, \"vocab_size\": 300}", "n_ctx (=0)")]
    [InlineData("config.json", "{\"n_layer\": 1000000000, \"vocab_size\": 300}", "n_layer (=1000000000) must be a whole number from 1 to 100,000")]
    [InlineData("config.json", "{\"n_head\": -3, \"vocab_size\": 300}", "n_head (=-3)")]
    [InlineData("genai_config.json", "{\"model\": {\"context_length\": 2.5}}", "model.context_length (=2.5)")]
    public void A_bad_config_value_is_that_models_error_and_the_listing_goes_on(string file, string json, string message)
    {
        using var catalog = CatalogWith(out var dir, "optimum-fp32", "stacked");
        File.WriteAllText(Path.Combine(dir, "optimum-fp32", file), json);
        if (file == "genai_config.json") File.WriteAllText(Path.Combine(dir, "optimum-fp32", "config.json"), "{}");   // config.json would win

        var entries = catalog.List();

        Assert.StartsWith("error: ", entries[0].Status);
        Assert.Contains(file, entries[0].Status);
        Assert.Contains(message, entries[0].Status);
        Assert.Equal("ok", entries[1].Status);
    }

    [Fact]
    public async Task A_failed_load_is_not_cached_so_a_fixed_folder_loads()
    {
        using var catalog = CatalogWith(out var dir, "optimum-fp32");
        var model = Path.Combine(dir, "optimum-fp32", "model.onnx");
        var good = File.ReadAllBytes(model);
        File.WriteAllText(model, "garbage");

        await Assert.ThrowsAsync<ModelException>(() => catalog.GetAsync("optimum-fp32"));
        File.WriteAllBytes(model, good);

        Assert.NotNull(await catalog.GetAsync("optimum-fp32"));
    }

    [Fact]
    public void An_unknown_name_lists_the_models_there_are()
    {
        using var catalog = CatalogWith(out _, "optimum-fp32");

        var e = Assert.Throws<ModelException>(() => catalog.Resolve("gpt5"));
        Assert.Contains("unknown model 'gpt5'", e.Message);
        Assert.Contains("optimum-fp32", e.Message);
    }

    [Fact]
    public async Task Unload_releases_the_model_and_a_later_request_loads_it_again()
    {
        using var catalog = CatalogWith(out _, "optimum-fp32");
        var first = await catalog.GetAsync("optimum-fp32");

        Assert.True(catalog.Unload("optimum-fp32"));
        var second = await catalog.GetAsync("optimum-fp32");

        Assert.NotSame(first, second);
    }
}
