using System.Text.Json.Nodes;
using static GptPlayground.Tokenizers.Tests.TestTokenizers;

namespace GptPlayground.Tokenizers.Tests;

/// <summary>A hand-written Llama-style tokenizer.json: SentencePiece BPE with "▁" words and byte fallback.</summary>
public class LlamaStyleTokenizerTests : IDisposable
{
    readonly ModelFolder folder = LlamaStyle.Folder();
    readonly ITokenizer tokenizer;

    public LlamaStyleTokenizerTests() => tokenizer = folder.Load();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, string[]> Encodings => new()
    {
        { "Hello world", ["<s>", "▁Hello", "▁world"] },
        { "this is", ["<s>", "▁this", "▁", "is"] },
        { "Hello  world", ["<s>", "▁Hello", "▁", "▁world"] },                     // two spaces: "▁" then "▁world"
        { "日", ["<s>", "▁", "<0xE6>", "<0x97>", "<0xA5>"] },                      // not in the vocabulary: UTF-8 bytes
        { "é!", ["<s>", "▁", "é", "!"] },
        { "Hello\n", ["<s>", "▁Hello", "<0x0A>"] },
        { "<s>Hello</s>", ["<s>", "<s>", "▁Hello", "</s>"] },                     // special tokens in text are one token
        { "", ["<s>"] },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Encode_prepends_bos_and_falls_back_to_bytes(string text, string[] tokens)
    {
        var ids = tokenizer.Encode(text);

        Assert.Equal(LlamaStyle.Ids(tokens), ids);
    }

    [Fact]
    public void Encode_without_special_tokens_leaves_out_bos()
    {
        Assert.Equal(LlamaStyle.Ids("▁Hello", "▁world"), tokenizer.Encode("Hello world", addSpecialTokens: false));
    }

    [Fact]
    public void Special_ids_come_from_tokenizer_config()
    {
        var special = tokenizer.Special;

        Assert.Equal((1, 0, (int?)null, true), (special.Bos, special.Unk, special.Pad, special.AddBosToken));
        Assert.Equal([2], special.Eos);
        Assert.Equal(LlamaStyle.Vocab.Count, tokenizer.VocabSize);
    }

    [Theory]
    [InlineData("Hello world")]
    [InlineData("  two leading spaces")]
    [InlineData("this 日 is é!\n")]
    [InlineData("🙂 Hello")]
    public void Decode_drops_the_leading_space_that_encode_added(string text)
    {
        var ids = tokenizer.Encode(text, addSpecialTokens: false);

        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text), skipSpecialTokens: true));
    }

    [Fact]
    public void Decode_keeps_special_tokens_unless_told_to_skip_them()
    {
        var ids = tokenizer.Encode("Hello world");

        Assert.Equal("<s> Hello world", tokenizer.Decode(ids));   // as Hugging Face: the space strip only touches the very start
        Assert.Equal("Hello world", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [InlineData("▁Hello", " Hello")]
    [InlineData("<0x0A>", "\n")]
    [InlineData("<0xE6>", "\\xE6")]
    [InlineData("<s>", "<s>")]
    public void Token_display_shows_spaces_newlines_and_partial_bytes(string token, string display)
    {
        Assert.Equal(display, tokenizer.TokenToDisplay(LlamaStyle.Vocab[token]));
    }

    [Fact]
    public void Streaming_byte_fallback_pieces_wait_for_the_whole_character()
    {
        var stream = tokenizer.CreateStreamingDecoder();
        var ids = LlamaStyle.Ids("▁", "<0xE6>", "<0x97>", "<0xA5>", "▁Hello");

        var deltas = ids.Select(stream.Append).Append(stream.Flush()).ToArray();

        Assert.Equal(["", "", "", "日", " Hello", ""], deltas);   // the first "▁" is the stripped leading space
        Assert.Equal(tokenizer.Decode(ids), string.Concat(deltas));
    }

    [Fact]
    public void Streaming_flush_turns_an_unfinished_character_into_a_replacement_char()
    {
        var stream = tokenizer.CreateStreamingDecoder();

        Assert.Equal("", stream.Append(LlamaStyle.Vocab["<0xE6>"]));
        Assert.Equal("", stream.Append(LlamaStyle.Vocab["<0x97>"]));
        Assert.Equal("\uFFFD", stream.Flush());
        Assert.Equal("\uFFFD", tokenizer.Decode(LlamaStyle.Ids("<0xE6>", "<0x97>")));
    }

    [Fact]
    public void Streaming_skips_special_tokens_and_still_strips_the_first_space()
    {
        var stream = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);

        var deltas = LlamaStyle.Ids("<s>", "▁Hello", "▁world", "</s>").Select(stream.Append).ToArray();

        Assert.Equal(["", "Hello", " world", ""], deltas);
    }

    [Fact]
    public void Template_post_processor_alone_turns_bos_on()
    {
        using var bare = new ModelFolder().With("tokenizer.json", LlamaStyle.Json());   // no tokenizer_config.json

        var t = bare.Load();

        Assert.Equal(1, t.Special.Bos);
        Assert.True(t.Special.AddBosToken);
        Assert.Equal(LlamaStyle.Ids("<s>", "▁Hello"), t.Encode("Hello"));
    }

    [Fact]
    public void Placeholder_bos_id_in_genai_config_does_not_override_the_tokenizers_own_bos()
    {
        // onnxruntime-genai's model builder writes "bos_token_id": 0 for Llama exports whose tokenizer prepends <s> = 1.
        using var folder = new ModelFolder()
            .With("tokenizer.json", LlamaStyle.Json())
            .With("genai_config.json", new JsonObject { ["model"] = new JsonObject { ["bos_token_id"] = 0, ["eos_token_id"] = 2 } });

        var t = folder.Load();

        Assert.Equal(1, t.Special.Bos);
        Assert.Equal(LlamaStyle.Ids("<s>", "▁Hello"), t.Encode("Hello"));
    }

    [Fact]
    public void Metaspace_pre_tokenizer_and_decoder_give_the_same_ids_and_text()
    {
        var json = LlamaStyle.Json();
        json["normalizer"] = null;
        json["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "first", ["split"] = false };
        json["decoder"] = JsonNode.Parse("""
            {"type": "Sequence", "decoders": [{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false},
                                              {"type": "ByteFallback"}, {"type": "Fuse"}]}
            """);
        using var metaspace = new ModelFolder().With("tokenizer.json", json).With("tokenizer_config.json", LlamaStyle.TokenizerConfig);
        var t = metaspace.Load();

        var ids = t.Encode("Hello world日");

        Assert.Equal(LlamaStyle.Ids("<s>", "▁Hello", "▁world", "<0xE6>", "<0x97>", "<0xA5>"), ids);
        Assert.Equal("Hello world日", t.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Unknown_characters_without_byte_tokens_fuse_into_one_unk()
    {
        var json = LlamaStyle.Json();
        json["model"]!["byte_fallback"] = false;
        using var noFallback = new ModelFolder().With("tokenizer.json", json).With("tokenizer_config.json", LlamaStyle.TokenizerConfig);

        var ids = noFallback.Load().Encode("日本 Hello", addSpecialTokens: false);

        Assert.Equal(LlamaStyle.Ids("▁", "<unk>", "▁Hello"), ids);
    }
}
