using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>One grammar: whatever name the reader accepts, the writer writes and reads back the same; anything else is
/// refused on reading with a line, never an internal error on saving.</summary>
public class GrammarTests
{
    const string Pool = "aZk_.-09<>=`b \"'#:é/{}";

    static IEnumerable<string> Names(int seed, int count)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
            yield return new string(Enumerable.Range(0, random.Next(1, 7)).Select(_ => Pool[random.Next(Pool.Length)]).ToArray()).Trim();
    }

    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    static void ReadsThenWritesTheSame(string text)
    {
        Notebook notebook;
        try { notebook = NotebookFormat.Parse(text); }
        catch (NotebookFormatException e) { Assert.NotNull(e.Line); return; }   // refused where it is written

        var written = NotebookFormat.Write(notebook);                            // must not throw
        Assert.True(NotebookComparer.Equal(notebook, NotebookFormat.Parse(written)), written);
    }

    [Fact]
    public void Generated_variable_names_either_round_trip_or_are_refused_on_reading()
    {
        foreach (var name in Names(1, 400).Where(n => n.Length > 0))
        {
            ReadsThenWritesTheSame($"---\nvariables:\n  {Quote(name)}: v\n---\n\nText.\n");
            ReadsThenWritesTheSame($"---\ntitle: t\n---\n\n## Zero-shot: c\n\n```cell\nvariables:\n  {Quote(name)}: v\n```\n\n```input\nx\n```\n");
        }
    }

    [Fact]
    public void Generated_variant_names_either_round_trip_or_are_refused_on_reading()
    {
        foreach (var name in Names(2, 400).Where(n => n.Length > 0 && !n.Contains('\n')))
        {
            ReadsThenWritesTheSame($"---\ntitle: t\n---\n\n## Zero-shot: c\n\n```input\nx\n```\n\n```decoding {name}\ndo_sample: false\n```\n");
            ReadsThenWritesTheSame($"---\ntitle: t\n---\n\n## Zero-shot: c\n\n```input\nx\n```\n\n```output {name} tokens=1\ny\n```\n");
        }
    }

    [Theory]
    [InlineData("---\nvariables:\n  \"<b>k\": v\n---\n\nText.\n", 2, "variable name '<b>k'")]
    [InlineData("---\ntitle: t\n---\n\n## Zero-shot: c\n\n```input\nx\n```\n\n```decoding a=b\ndo_sample: false\n```\n", 11, "decoding variant name 'a=b'")]
    public void The_audits_names_are_refused_on_reading_with_their_line(string text, int line, string message)
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Parse(text));

        Assert.Equal(line, e.Line);
        Assert.Contains(message, e.Message);
    }
}
