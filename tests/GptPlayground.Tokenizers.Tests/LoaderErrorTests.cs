using System.Text.Json.Nodes;
using static GptPlayground.Tokenizers.Tests.TestTokenizers;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>What the loader says about missing, broken and unsupported tokenizer files, and out-of-range ids.</summary>
public class LoaderErrorTests
{
    [Fact]
    public void Folder_without_tokenizer_files_names_what_it_looked_for()
    {
        using var folder = new ModelFolder("phi3").With("config.json", "{}");

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal("models/phi3: no tokenizer.json or vocab.json+merges.txt found", error.Message);
    }

    [Fact]
    public void Vocab_json_without_merges_txt_is_not_enough()
    {
        using var folder = new ModelFolder("half").With("vocab.json", """{"a": 0}""");

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal("models/half: no tokenizer.json or vocab.json+merges.txt found", error.Message);
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        using var parent = new ModelFolder();

        var error = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(Path.Combine(parent.Path, "nope")));

        Assert.Equal("tiny/nope: folder not found", error.Message);
    }

    [Theory]
    [InlineData("tokenizer.json")]
    [InlineData("tokenizer_config.json")]
    [InlineData("config.json")]
    [InlineData("generation_config.json")]
    public void Malformed_json_names_the_file_and_the_position(string file)
    {
        using var folder = GeneratedByteLevel.Folder().With(file, "{\n  \"model\": {\n    \"type\" \"BPE\"\n  }\n}");

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.StartsWith($"models/bytelevel/{file}: malformed JSON at line 3, byte 12: ", error.Message);
    }

    [Theory]
    [InlineData("WordPiece", "model.type \"WordPiece\" is not supported")]
    [InlineData("Unigram", "model.type \"Unigram\" is not supported")]
    [InlineData("WordLevel", "model.type \"WordLevel\" is not supported")]
    public void Unsupported_model_type_names_the_file_and_the_type(string type, string expected)
    {
        var json = GeneratedByteLevel.Json();
        json["model"]!["type"] = type;
        using var folder = new ModelFolder("bert").With("tokenizer.json", json);

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.StartsWith($"models/bert/tokenizer.json: {expected}", error.Message);
    }

    public static TheoryData<string, string, string> UnsupportedPieces => new()
    {
        { "pre_tokenizer", """{"type": "BertPreTokenizer"}""", "pre_tokenizer \"BertPreTokenizer\" is not supported" },
        { "pre_tokenizer", """{"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}]}""", "pre_tokenizer \"Whitespace\" is not supported" },
        { "pre_tokenizer", """{"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithNext", "invert": false}""", "pre_tokenizer Split behavior \"MergedWithNext\" is not supported" },
        { "normalizer", """{"type": "BertNormalizer"}""", "normalizer \"BertNormalizer\" is not supported" },
        { "normalizer", """{"type": "Precompiled", "precompiled_charsmap": "AAAA"}""", "normalizer \"Precompiled\" is not supported" },
        { "decoder", """{"type": "WordPiece", "prefix": "##"}""", "decoder \"WordPiece\" is not supported" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedPieces))]
    public void Unsupported_pipeline_piece_names_the_file_and_the_piece(string field, string value, string expected)
    {
        var json = GeneratedByteLevel.Json();
        json[field] = JsonNode.Parse(value);
        using var folder = new ModelFolder().With("tokenizer.json", json);

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal($"models/tiny/tokenizer.json: {expected}", error.Message);
    }

    [Fact]
    public void Merge_of_a_token_not_in_the_vocabulary_is_reported()
    {
        var json = GeneratedByteLevel.Json();
        json["model"]!["merges"]!.AsArray().Add("Ġ zzz");
        using var folder = new ModelFolder().With("tokenizer.json", json);

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal("models/tiny/tokenizer.json: merge 6 \"Ġ zzz\" uses or makes a token that is not in the vocabulary", error.Message);
    }

    [Fact]
    public void Malformed_merges_txt_line_is_reported()
    {
        using var folder = new ModelFolder("gpt2").With("vocab.json", """{"a": 0, "b": 1, "ab": 2}""").With("merges.txt", "#version: 0.2\na b\nab\n");

        var error = Assert.Throws<TokenizerException>(folder.Load);

        Assert.Equal("models/gpt2/merges.txt: line 3 is not a merge \"a b\": \"ab\"", error.Message);
    }

    [Theory]
    [InlineData("Decode", 262)]
    [InlineData("TokenBytes", 262)]
    [InlineData("TokenToDisplay", -1)]
    [InlineData("IsSpecialToken", 1000)]
    [InlineData("StreamingDecoder.Append", 262)]
    public void Id_outside_the_vocabulary_throws_naming_the_id_and_the_size(string use, int id)
    {
        using var folder = GeneratedByteLevel.Folder();
        var tokenizer = folder.Load();
        Action act = use switch
        {
            "Decode" => () => tokenizer.Decode([0, id]),
            "TokenBytes" => () => tokenizer.TokenBytes(id),
            "TokenToDisplay" => () => tokenizer.TokenToDisplay(id),
            "IsSpecialToken" => () => tokenizer.IsSpecialToken(id),
            _ => () => tokenizer.CreateStreamingDecoder().Append(id),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(act);

        Assert.StartsWith($"token id {id} is outside the vocabulary: valid ids are 0..261 (vocabulary size 262)", error.Message);
    }
}
