using System.Text;
using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>A notebook holds at most NotebookFormat.MaxCells cells, whoever reads or writes it (issue 17 #5).</summary>
public class CellLimitTests
{
    static string WithCells(int count)
    {
        var text = new StringBuilder("---\ntitle: Many\n---\n");
        for (int i = 0; i < count; i++) text.Append($"\n## Zero-shot: cell {i}\n\n```input\nword {i}\n```\n");
        return text.ToString();
    }

    [Fact]
    public void A_notebook_at_the_limit_reads_and_writes()
    {
        var notebook = NotebookFormat.Parse(WithCells(NotebookFormat.MaxCells));

        Assert.Equal(NotebookFormat.MaxCells, notebook.Cells.Count);
        Assert.Equal(NotebookFormat.MaxCells, NotebookFormat.Parse(NotebookFormat.Write(notebook)).Cells.Count);
    }

    [Fact]
    public void One_cell_over_the_limit_is_refused_on_reading_naming_the_count_and_the_limit()
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Parse(WithCells(NotebookFormat.MaxCells + 1)));

        Assert.Contains("the notebook has 1,001 cells: notebooks over 1,000 cells are refused (split it into several notebooks)", e.Message);
    }

    [Fact]
    public void A_notebook_grown_over_the_limit_in_memory_is_refused_on_writing_and_nothing_is_saved()
    {
        var folder = Directory.CreateTempSubdirectory("gptplayground-cells-").FullName;
        var storage = new NotebookStorage(folder);
        var notebook = NotebookFormat.Parse(WithCells(NotebookFormat.MaxCells));
        notebook.Cells.Add(notebook.Cells[^1]);

        Assert.Throws<NotebookFormatException>(() => storage.Save("many.md", notebook, null));

        Assert.Empty(Directory.GetFiles(folder, "*.md"));
    }
}
