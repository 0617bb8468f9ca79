using static GptPlayground.Tokenizers.Tests.TestTokenizers;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>Where special ids come from: config ids before token names, the first config that has a value winning.</summary>
public class SpecialTokenConfigTests
{
    [Fact]
    public void Config_ids_win_over_token_names_for_eos_and_pad_but_not_bos()
    {
        using var folder = LlamaStyle.Folder().With("config.json", """{"bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0}""");

        var special = folder.Load().Special;

        Assert.Equal((1, 0), (special.Bos, special.Pad));   // BOS: the id the tokenizer itself prepends (<s> = 1)
        Assert.Equal([1], special.Eos);
    }

    [Fact]
    public void Generation_config_wins_over_config_and_config_over_genai_config()
    {
        using var folder = LlamaStyle.Folder()
            .With("generation_config.json", """{"eos_token_id": [2, 0]}""")
            .With("config.json", """{"bos_token_id": 1, "eos_token_id": 3, "pad_token_id": null}""")
            .With("genai_config.json", """{"model": {"bos_token_id": 4, "eos_token_id": 5, "pad_token_id": 6}}""");

        var special = folder.Load().Special;

        Assert.Equal([2, 0], special.Eos);     // generation_config.json, a list
        Assert.Equal(1, special.Bos);          // config.json
        Assert.Equal(6, special.Pad);          // config.json says null: genai_config.json's value counts
    }

    [Fact]
    public void Token_names_may_be_objects_and_come_from_special_tokens_map()
    {
        using var folder = GeneratedByteLevel.Folder()
            .With("special_tokens_map.json", """{"eos_token": {"content": "<|endoftext|>", "lstrip": false}, "pad_token": "<|endoftext|>"}""");

        var special = folder.Load().Special;

        Assert.Equal([GeneratedByteLevel.EndOfText], special.Eos);
        Assert.Equal(GeneratedByteLevel.EndOfText, special.Pad);
        Assert.Null(special.Bos);
    }

    [Fact]
    public void Add_bos_token_false_overrides_the_template()
    {
        using var folder = LlamaStyle.Folder().With("tokenizer_config.json", """{"add_bos_token": false, "bos_token": "<s>"}""");
        var tokenizer = folder.Load();

        Assert.False(tokenizer.Special.AddBosToken);
        Assert.Equal(LlamaStyle.Ids("▁Hello"), tokenizer.Encode("Hello"));
    }

    [Fact]
    public void Config_id_outside_the_vocabulary_is_reported()
    {
        using var folder = GeneratedByteLevel.Folder().With("config.json", """{"eos_token_id": 50256}""");

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal("models/bytelevel/config.json: eos_token_id 50256 is outside the tokenizer's vocabulary (ids 0..261)", error.Message);
    }

    [Fact]
    public void Gpt2_files_take_declared_added_tokens_from_tokenizer_config()
    {
        using var folder = new ModelFolder("gpt2")
            .WithCopy("vocab.json", Path.Combine(Gpt2Folder, "vocab.json"))
            .WithCopy("merges.txt", Path.Combine(Gpt2Folder, "merges.txt"))
            .With("tokenizer_config.json", """
                {"added_tokens_decoder": {"50257": {"content": "<|pad|>", "special": true, "normalized": false}},
                 "pad_token": "<|pad|>", "eos_token": "<|endoftext|>"}
                """);
        var tokenizer = folder.Load();

        Assert.Equal(50258, tokenizer.VocabSize);
        Assert.Equal(50257, tokenizer.Special.Pad);
        Assert.Equal([15496, 50257, 50256], tokenizer.Encode("Hello<|pad|><|endoftext|>"));
        Assert.Equal("Hello", tokenizer.Decode([15496, 50257, 50256], skipSpecialTokens: true));
    }

    [Fact]
    public void Files_with_a_byte_order_mark_are_read()
    {
        using var folder = LlamaStyle.Folder().With("config.json", "\uFEFF{\"eos_token_id\": 0}");

        Assert.Equal([0], folder.Load().Special.Eos);
    }
}
