namespace GptPlayground.Tokenizers.Tests;

/// <summary>A model folder's small files are read once (<see cref="ModelFiles"/>) and each reader raises its own errors.</summary>
public class ModelFilesTests
{
    [Fact]
    public void Files_are_read_once_so_later_changes_on_disk_are_not_seen()
    {
        using var folder = new ModelFolder("phi3").With("tokenizer_config.json", """{"bos_token": "<s>"}""").With("chat_template.jinja", "{{ x }}");
        var files = ModelFiles.Read(folder.Path);

        File.Delete(System.IO.Path.Combine(folder.Path, "tokenizer_config.json"));

        Assert.Equal("models/phi3", files.Display);
        Assert.True(files.Has("tokenizer_config.json"));
        Assert.Equal("<s>", files.TokenizerJson("tokenizer_config.json")?.GetProperty("bos_token").GetString());
        Assert.Equal("{{ x }}", files.TextOf(ModelFiles.ChatTemplateFile));
        Assert.Null(files.TokenizerJson("config.json"));
    }

    [Fact]
    public void The_tokenizer_reading_is_strict_and_the_engine_reading_allows_comments_and_trailing_commas()
    {
        using var folder = new ModelFolder("lenient").With("config.json", "{\n  // the shape\n  \"n_layer\": 2,\n}");
        var files = ModelFiles.Read(folder.Path);

        Assert.Equal(2, files.LenientJson("config.json")?.GetProperty("n_layer").GetInt32());
        var error = Assert.Throws<TokenizerException>(() => files.TokenizerJson("config.json"));
        Assert.StartsWith("models/lenient/config.json: malformed JSON at line 2", error.Message);
    }
}
