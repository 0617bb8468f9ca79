using GptPlayground.Decoding;
using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

public class NotebookFormatTests
{
    const string Sample = """
        ---
        title: Antonyms
        model: playground-mini
        decoding:
          max_new_tokens: 8
        variables:
          word: hot
        ---

        Some prose about the notebook.

        ## Few-shot: Antonyms

        ```instruction
        Give the opposite of each word.
        ```

        ```template
        Q: {{input}}
        A: {{output}}
        ```

        ```example
        big
        ```

        ```example-output
        small
        ```

        ```example off
        up
        ```

        ```example-output
        down
        ```

        ```query
        {{word}}
        ```

        ```expected
        cold
        ```

        ```decoding greedy
        do_sample: false
        stop:
          - "\n"
        ```

        ```output greedy tokens=2 finish=stop time_ms=12.5 seed=7
         cold
        ```

        """;

    [Fact]
    public void Sample_reads_every_field()
    {
        var n = NotebookFormat.Parse(Sample.Replace("\r\n", "\n"));

        Assert.Equal("Antonyms", n.Title);
        Assert.Equal("playground-mini", n.Model);
        Assert.Equal(8, n.Decoding!.MaxNewTokens);
        Assert.Equal([new("word", "hot")], n.Variables);
        Assert.Equal(2, n.Cells.Count);
        Assert.Equal("Some prose about the notebook.", Assert.IsType<MarkdownCell>(n.Cells[0]).Text);
        var f = Assert.IsType<FewShotCell>(n.Cells[1]);
        Assert.Equal("Antonyms", f.Name);
        Assert.Equal("Q: {{input}}\nA: {{output}}", f.Template);
        Assert.Equal(2, f.Examples.Count);
        Assert.False(f.Examples[1].Enabled);
        Assert.Equal("down", f.Examples[1].Output);
        Assert.Equal("{{word}}", f.Query);
        Assert.Equal("cold", f.Expected);
        var v = Assert.Single(f.Variants);
        Assert.Equal("greedy", v.Name);
        Assert.Equal(false, v.Settings.DoSample);
        Assert.Equal(["\n"], v.Settings.Stop!);
        var o = Assert.Single(f.Outputs);
        Assert.Equal(" cold", o.Text);
        Assert.Equal(2, o.Tokens);
        Assert.Equal(7UL, o.Seed);
    }

    [Fact]
    public void Sample_written_back_is_byte_identical()
    {
        var text = Sample.Replace("\r\n", "\n");

        var written = NotebookFormat.Write(NotebookFormat.Parse(text));

        Assert.Equal(text, written);
    }

    [Fact]
    public void Plain_markdown_without_front_matter_is_one_markdown_cell()
    {
        var text = "# My notes\n\nSome *text*.\n\n```python\nprint(1)\n```\n";

        var n = NotebookFormat.Parse(text);

        Assert.Null(n.Title);
        var cell = Assert.Single(n.Cells);
        Assert.Equal(text.TrimEnd('\n'), Assert.IsType<MarkdownCell>(cell).Text);
    }

    [Fact]
    public void Heading_without_role_blocks_stays_markdown()
    {
        var text = "---\n---\n\n## Instruction: how to use this\n\nJust read it.\n";

        var n = NotebookFormat.Parse(text);

        Assert.Equal("## Instruction: how to use this\n\nJust read it.", Assert.IsType<MarkdownCell>(Assert.Single(n.Cells)).Text);
        Assert.Equal(text, NotebookFormat.Write(n));
    }

    [Fact]
    public void Prose_between_heading_and_blocks_is_the_cell_note()
    {
        var text = "---\n---\n\n## Zero-shot: a\n\nWhat this cell shows.\n\n```input\nx\n```\n";

        var n = NotebookFormat.Parse(text);

        Assert.Equal("What this cell shows.", Assert.IsType<ZeroShotCell>(Assert.Single(n.Cells)).Note);
        Assert.Equal(text, NotebookFormat.Write(n));
    }

    [Theory]
    [InlineData("```input\nnot a block\n```")]
    [InlineData("")]
    [InlineData("trailing\n")]
    [InlineData("## Few-shot: heading in a note")]
    public void Notes_that_would_not_read_back_go_into_the_cell_block(string note)
    {
        var n = new Notebook { Cells = [new ZeroShotCell { Name = "a", Note = note, Input = "x" }] };

        var back = NotebookFormat.Parse(NotebookFormat.Write(n));

        Assert.Equal(note, Assert.IsType<ZeroShotCell>(Assert.Single(back.Cells)).Note);
    }

    [Fact]
    public void Unknown_block_after_a_cell_becomes_markdown()
    {
        var text = "---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```python\nprint(1)\n```\n";

        var n = NotebookFormat.Parse(text);

        Assert.Equal(2, n.Cells.Count);
        Assert.Equal("```python\nprint(1)\n```", Assert.IsType<MarkdownCell>(n.Cells[1]).Text);
        Assert.Equal(text, NotebookFormat.Write(n));
    }

    [Fact]
    public void Crlf_file_reads_like_the_lf_file()
    {
        var lf = Sample.Replace("\r\n", "\n");

        var n = NotebookFormat.Parse(lf.Replace("\n", "\r\n"));

        Assert.Equal(lf, NotebookFormat.Write(n));
    }

    [Fact]
    public void Unknown_front_matter_keys_are_kept()
    {
        var text = "---\ntitle: t\nauthor: me\ntags:\n  - a\n  - b\n---\n";

        var n = NotebookFormat.Parse(text);

        Assert.Equal(["author", "tags"], n.ExtraFrontMatter.Select(p => p.Key));
        Assert.Equal(text, NotebookFormat.Write(n));
    }

    [Theory]
    [InlineData("a\n\n\nb")]
    [InlineData("```\nunclosed fence")]
    [InlineData("## Zero-shot: looks like a cell")]
    [InlineData("<!-- cell -->")]
    [InlineData("\n\nleading blank lines")]
    [InlineData("trailing blank line\n")]
    [InlineData("```input\nlooks like a role\n```")]
    [InlineData("<!-- unclosed comment")]
    [InlineData("")]
    [InlineData("ends with CR\r")]
    [InlineData("CRLF\r\ninside")]
    public void Markdown_cells_survive_whatever_their_text(string text)
    {
        var n = new Notebook { Cells = [new ZeroShotCell { Input = "x" }, new MarkdownCell(text), new MarkdownCell(text), new MarkdownCell("after")] };

        var back = NotebookFormat.Parse(NotebookFormat.Write(n));

        Assert.Equal(NotebookComparer.Describe(n), NotebookComparer.Describe(back));
    }

    [Theory]
    [InlineData("```")]
    [InlineData("````\n```\n``")]
    [InlineData("a\r\nb\r\n")]
    [InlineData("ends with CR\r")]
    [InlineData("\r```\r")]
    [InlineData("---\ntitle: x\n---")]
    [InlineData("## Few-shot: inside")]
    [InlineData("{{input}} {{ x }}")]
    [InlineData("\n")]
    [InlineData("")]
    [InlineData("   ```   ")]
    [InlineData("日本語 🙂 é")]
    public void Prompt_text_survives_the_round_trip(string text)
    {
        var n = new Notebook
        {
            Title = text,
            Variables = [new("v", text)],
            Cells = [new InstructionCell { Name = "n", System = text, User = text, Expected = text, Variants = [new("a", new DecodingSettings { Stop = [text] })] }],
        };

        var written = NotebookFormat.Write(n);
        var back = NotebookFormat.Parse(written);

        Assert.Equal(NotebookComparer.Describe(n), NotebookComparer.Describe(back));
        Assert.Equal(written, NotebookFormat.Write(back));
    }

    [Theory]
    [InlineData("---\ntitle: x: y\n---\n", 2, "invalid YAML")]
    [InlineData("---\ntitle: x\n", 1, "not closed")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```decoding g\ntemprature: 1\n```\n", 11, "unknown decoding setting 'temprature'")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```decoding g\nmax_new_tokens: lots\n```\n", 11, "wrong type")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```template\nx\n```\n", 10, "has no ```template block")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```input\ny\n```\n", 10, "already has")]
    [InlineData("---\n---\n\n## Few-shot: a\n\n```example-output\nx\n```\n", 6, "must follow an ```example")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n", 6, "not closed")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```output g tokens=many\nx\n```\n", 10, "bad value")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```output g ids=1,x,3\nx\n```\n", 10, "bad value")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```output g ids=1,-2\nx\n```\n", 10, "bad value")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n\n```output g tokens=3 ids=1,2\nx\n```\n", 10, "has 2 token ids but tokens=3")]
    [InlineData("---\n---\n\n## Zero-shot: a\n\n```cell\ncolour: red\n```\n", 7, "unknown cell setting 'colour'")]
    [InlineData("---\nvariables: [a, b]\n---\n", 2, "mapping")]
    public void Errors_name_the_line_and_what_was_expected(string text, int line, string reason)
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Parse(text));

        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Writing_refuses_what_would_not_read_back()
    {
        var n = new Notebook { Cells = [new ZeroShotCell { Variants = [new("two words", new DecodingSettings())] }] };

        Assert.Throws<NotebookFormatException>(() => NotebookFormat.Write(n));
    }

    [Fact]
    public void Outputs_are_left_out_unless_kept()
    {
        var n = NotebookFormat.Parse(Sample.Replace("\r\n", "\n"));

        var written = NotebookFormat.Write(n, keepOutputs: false);

        Assert.DoesNotContain("```output", written);
        Assert.Empty(NotebookFormat.Parse(written).PromptCells.Single().Outputs);
    }

    [Fact]
    public void Output_token_ids_are_written_and_read_back()
    {
        var n = new Notebook
        {
            Cells = [new ZeroShotCell { Name = "a", Input = "x", Outputs = [new CellOutput { Variant = "g", Text = " cold", Tokens = 3, Seed = 7, TokenIds = [4, 0, 250] }] }],
        };

        var written = NotebookFormat.Write(n);
        var back = NotebookFormat.Parse(written).PromptCells.Single().Outputs.Single();

        Assert.Contains("```output g tokens=3 seed=7 ids=4,0,250", written);
        Assert.Equal([4, 0, 250], back.TokenIds!);
        Assert.Equal(written, NotebookFormat.Write(NotebookFormat.Parse(written)));
    }

    [Fact]
    public void An_output_without_ids_reads_as_unknown_ids()
    {
        var o = NotebookFormat.Parse(Sample.Replace("\r\n", "\n")).PromptCells.Single().Outputs.Single();

        Assert.Null(o.TokenIds);
    }

    [Fact]
    public void Writing_refuses_a_negative_token_id()
    {
        var n = new Notebook { Cells = [new ZeroShotCell { Name = "a", Input = "x", Outputs = [new CellOutput { Variant = "g", Text = "y", TokenIds = [1, -1] }] }] };

        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Write(n));

        Assert.Contains("negative token id", e.Message);
    }
}
