using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>Nothing a person wrote by hand is lost by a save: front matter comments, and the absence of front matter.</summary>
public class HandEditTests
{
    [Theory]
    [InlineData("Just notes, no front matter.\n")]
    [InlineData("# A plain markdown file\n\nTwo paragraphs.\n")]
    [InlineData("## Zero-shot: q\n\n```input\nWhat?\n```\n")]
    public void A_file_without_front_matter_is_written_back_without_one(string text)
    {
        Assert.Equal(text, NotebookFormat.Write(NotebookFormat.Parse(text)));
    }

    [Fact]
    public void A_file_without_front_matter_gets_one_once_it_has_something_to_put_there()
    {
        var notebook = NotebookFormat.Parse("Notes.\n");

        notebook.Title = "Now titled";

        Assert.Equal("---\ntitle: Now titled\n---\n\nNotes.\n", NotebookFormat.Write(notebook));
    }

    [Fact]
    public void Comments_on_their_own_lines_stay_above_their_keys()
    {
        const string text = """
            ---
            # owner: the eval team
            title: Sentiment
            # default model for every cell
            model: tiny
            # unknown keys are kept as written
            tags: [a, b]  # with their own comments
            # last word
            ---

            Body.

            """;

        Assert.Equal(text, NotebookFormat.Write(NotebookFormat.Parse(text)));
    }

    [Theory]
    [InlineData("---\ntitle: Sentiment  # the display name\n---\n\nBody.\n", "front matter line 2", "after a value")]
    [InlineData("---\ndecoding:\n  # colder\n  temperature: 0.2\n---\n\nBody.\n", "front matter line 3", "inside a value")]
    public void A_comment_a_save_would_drop_makes_the_save_refuse_and_say_where(string text, string where, string kind)
    {
        var notebook = NotebookFormat.Parse(text);

        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Write(notebook));

        Assert.Contains(where, e.Message);
        Assert.Contains(kind, e.Message);
        Assert.Contains("saving would drop", e.Message);
    }
}
