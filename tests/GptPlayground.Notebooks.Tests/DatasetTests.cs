using System.Diagnostics;
using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

/// <summary>Datasets (CSV and JSON Lines), their place in the notebook format, and the assertions that judge outputs.</summary>
public class DatasetTests
{
    const string Header = "---\ntitle: t\n---\n\n";

    static string ZeroShot(string settings, string dataset, string? expected = null) =>
        Header + "## Zero-shot: Plurals\n\n" +
        (settings.Length > 0 ? "```cell\n" + settings + "\n```\n\n" : "") +
        "```input\nQ: What is the plural of {{word}}?\nA:\n```\n" +
        (dataset.Length > 0 ? "\n```dataset\n" + dataset + "\n```\n" : "") +
        (expected is null ? "" : "\n```expected\n" + expected + "\n```\n");

    [Fact]
    public void Csv_reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var table = DatasetTable.Read("input,expected\n\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\n", "data/t.csv");

        Assert.Equal(["input", "expected"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["a, b", "say \"hi\""], table.Rows[0].Values);
        Assert.Equal(["two\nlines", "x"], table.Rows[1].Values);
        Assert.Equal(2, table.Rows[0].Line);
        Assert.Equal(3, table.Rows[1].Line);
    }

    [Fact]
    public void Csv_skips_blank_lines_and_reads_crlf()
    {
        var table = DatasetTable.Read("word,expected\r\n\r\ndog,dogs\r\ncat,cats", "d.csv");

        Assert.Equal([["dog", "dogs"], ["cat", "cats"]], table.Rows.Select(r => r.Values.ToArray()).ToArray());
        Assert.Equal(4, table.Rows[1].Line);
    }

    [Theory]
    [InlineData("word,expected\ndog,dogs\ncat\n", "data/t.csv line 3: the row has 1 field but the header has 2 (word, expected): add the missing value")]
    [InlineData("word,expected\ndog,dogs,extra\n", "data/t.csv line 2: the row has 3 fields but the header has 2 (word, expected): put a value that holds a comma in double quotes")]
    [InlineData("word,expected\n\"dog,dogs\n", "data/t.csv line 2: a quoted field that starts on this line is never closed")]
    [InlineData("word,word\ndog,dogs\n", "data/t.csv line 1: column 'word' appears twice in the header")]
    [InlineData("the word,expected\ndog,dogs\n", "data/t.csv line 1: column 1 of the header ('the word') is not a variable name")]
    [InlineData("word,expected\n", "data/t.csv line 1: the dataset has a header (word, expected) but no rows")]
    [InlineData("", "data/t.csv line 1: the dataset is empty")]
    public void Bad_csv_is_refused_naming_the_line(string csv, string message)
    {
        var e = Assert.Throws<DatasetException>(() => DatasetTable.Read(csv, "data/t.csv"));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Jsonl_reads_one_object_per_line_with_numbers_as_text()
    {
        var table = DatasetTable.Read("{\"x\": \"3 1\", \"expected\": 13}\n\n{\"x\": \"a\", \"expected\": true}\n", "d.jsonl", jsonLines: true);

        Assert.Equal(["x", "expected"], table.Columns);
        Assert.Equal(["3 1", "13"], table.Rows[0].Values);
        Assert.Equal(["a", "true"], table.Rows[1].Values);
        Assert.Equal(3, table.Rows[1].Line);
    }

    [Theory]
    [InlineData("{\"x\": \"a\", \"expected\": \"b\"}\n{\"x\": \"c\"}", "d.jsonl line 2: the object has no 'expected'")]
    [InlineData("{\"x\": \"a\"}\n{\"x\": \"c\", \"y\": 1}", "d.jsonl line 2: 'y' is not a key of the first line")]
    [InlineData("{\"x\": [1]}", "d.jsonl line 1: 'x' is a JSON array")]
    [InlineData("[1, 2]", "d.jsonl line 1: a JSON array where an object was expected")]
    [InlineData("{\"x\": \"a\"}\n{nope", "d.jsonl line 2: not a JSON object")]
    public void Bad_jsonl_is_refused_naming_the_line(string jsonl, string message)
    {
        var e = Assert.Throws<DatasetException>(() => DatasetTable.Read(jsonl, "d.jsonl", jsonLines: true));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_10_MB_dataset_is_refused_with_its_size()
    {
        var big = "input,expected\n" + string.Concat(Enumerable.Repeat(new string('x', 99) + ",y\n", 100_000));

        var e = Assert.Throws<DatasetException>(() => DatasetTable.Read(big, "data/big.csv"));

        Assert.Contains("data/big.csv: is 9.7 MB: datasets over 4 MB are refused", e.Message);
    }

    [Fact]
    public void A_10_MB_dataset_file_is_refused_before_it_is_read()
    {
        var dir = Directory.CreateTempSubdirectory("dataset").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "data"));
            using (var f = File.Create(Path.Combine(dir, "data", "big.csv"))) f.SetLength(10 * 1024 * 1024);
            var cell = new ZeroShotCell { Name = "c", DatasetFile = "data/big.csv" };

            var e = Assert.Throws<DatasetException>(() => CellDataset.Load(cell, dir));

            Assert.Equal("data/big.csv: is 10.0 MB: datasets over 4 MB are refused (keep a sample of the rows, or split it into several cells)", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_dataset_file_beside_the_notebook_is_read_and_checked()
    {
        var dir = Directory.CreateTempSubdirectory("dataset").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "data"));
            File.WriteAllText(Path.Combine(dir, "data", "p.csv"), "word,plural\ndog,dogs\n");
            var good = new ZeroShotCell { Name = "c", DatasetFile = "data/p.csv", ExpectedColumn = "plural" };
            var missing = new ZeroShotCell { Name = "c", DatasetFile = "data/p.csv", ExpectedColumn = "answer" };

            var table = CellDataset.Load(good, dir)!;
            var e = Assert.Throws<DatasetException>(() => CellDataset.Load(missing, dir));

            Assert.Equal(1, CellDataset.ExpectedColumnOf(good, table));
            Assert.Equal("data/p.csv line 1: no column 'answer' for the expected answer (columns: word, plural): add it, or name the column with 'expected_column: NAME'", e.Message);
            Assert.Contains("no such file", Assert.Throws<DatasetException>(() => CellDataset.Load(new ZeroShotCell { DatasetFile = "data/none.csv" }, dir)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Inline_dataset_round_trips_with_its_settings()
    {
        var text = ZeroShot("expected_column: plural\nassert: starts-with", "word,plural\ndog,dogs\n\"a, b\",\"c\nd\"");

        var notebook = NotebookFormat.Parse(text);
        var written = NotebookFormat.Write(notebook);

        var cell = Assert.IsType<ZeroShotCell>(notebook.Cells[0]);
        Assert.Equal("word,plural\ndog,dogs\n\"a, b\",\"c\nd\"", cell.Dataset);
        Assert.Equal("plural", cell.ExpectedColumn);
        Assert.Equal(AssertionKind.StartsWith, cell.Assert);
        Assert.Equal(text, written);
        Assert.True(NotebookComparer.Equal(notebook, NotebookFormat.Parse(written)));
    }

    [Fact]
    public void Choices_and_a_dataset_file_round_trip()
    {
        var text = ZeroShot("dataset: data/sentiment.jsonl\nassert: choices\nchoices:\n  - positive\n  - \"not: sure\"", "");

        var notebook = NotebookFormat.Parse(text);

        var cell = (PromptCell)notebook.Cells[0];
        Assert.Equal("data/sentiment.jsonl", cell.DatasetFile);
        Assert.Equal(["positive", "not: sure"], cell.Choices);
        Assert.Equal(text, NotebookFormat.Write(notebook));
    }

    [Fact]
    public void Comparer_sees_a_changed_dataset_row()
    {
        var a = NotebookFormat.Parse(ZeroShot("", "word,expected\ndog,dogs"));
        var b = NotebookFormat.Parse(ZeroShot("", "word,expected\ndog,doggies"));

        Assert.False(NotebookComparer.Equal(a, b));
    }

    [Theory]
    // the notebook's line of the setting, the block or the row (one setting line: ```cell on 7, the setting on 8, ```dataset on 16)
    [InlineData("", "word,expected\ndog,dogs\ncat\n", null, "line 15: the row has 1 field but the header has 2 (word, expected)")]
    [InlineData("expected_column: plural", "word,expected\ndog,dogs", null, "line 17: no column 'plural' for the expected answer (columns: word, expected)")]
    [InlineData("expected_column: plural", "", null, "line 8: expected_column (='plural') names a dataset column but cell 'Plurals' has no dataset")]
    [InlineData("assert: regex", "", null, "line 8: assert (=regex) judges outputs against an expected answer but cell 'Plurals' has none")]
    [InlineData("assert: regex", "", "(dogs", "line 16: regex '(dogs' does not compile")]
    [InlineData("assert: regex", "word,expected\ndog,\"dogs[\"", null, "line 18: column 'expected': regex 'dogs[' does not compile")]
    [InlineData("assert: fuzzy", "", "dogs", "line 8: assert (='fuzzy') is not an assertion (expected one of: exact, contains, starts-with, regex, choices)")]
    [InlineData("assert: choices\nchoices: [yes, no]", "word,expected\ndog,maybe", null, "line 19: column 'expected': the expected answer 'maybe' is not one of the choices (yes, no)")]
    [InlineData("assert: choices\nchoices: [yes]", "word,expected\ndog,yes", null, "line 9: assert: choices scores a list of answers but cell 'Plurals' has 1")]
    [InlineData("choices: [yes, no]", "word,expected\ndog,yes", null, "line 8: choices (=yes, no) are scored only with 'assert: choices'")]
    [InlineData("dataset: ../secrets.csv", "", null, "line 8: dataset (='../secrets.csv') must stay inside the notebook's folder")]
    [InlineData("dataset: data/x.txt", "", null, "line 8: dataset (='data/x.txt') must end in .csv")]
    [InlineData("dataset: data/x.csv", "word,expected\ndog,dogs", null, "line 8: cell 'Plurals' has both a ```dataset block and 'dataset: data/x.csv'")]
    public void Bad_dataset_settings_name_the_notebook_line(string settings, string dataset, string? expected, string message)
    {
        var text = ZeroShot(settings, dataset, expected);

        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Parse(text));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_cell_with_a_broken_dataset_is_not_written()
    {
        var notebook = new Notebook { Cells = [new ZeroShotCell { Name = "c", Input = "{{word}}", Dataset = "word,expected\ndog" }] };

        var e = Assert.Throws<NotebookFormatException>(() => NotebookFormat.Write(notebook));

        Assert.StartsWith("cell 'c': the ```dataset block line 2: the row has 1 field but the header has 2", e.Message);
    }

    [Fact]
    public void Rows_fill_the_prompt_variables_over_the_cell_and_notebook_ones()
    {
        var notebook = new Notebook { Variables = [new("word", "notebook"), new("task", "plural")] };
        var cell = new ZeroShotCell { Input = "{{task}} of {{word}}", Variables = [new("word", "cell")] };

        var rendered = PromptRenderer.Render(notebook, cell, row: [new("word", "dog")]);

        Assert.Equal("plural of dog", rendered.Text);
    }

    [Theory]
    [InlineData(AssertionKind.Exact, " dogs ", "dogs\n", true)]
    [InlineData(AssertionKind.Exact, "dogs", "dogs!", false)]
    [InlineData(AssertionKind.Contains, "dog", "hot dogs", true)]
    [InlineData(AssertionKind.Contains, "cat", "hot dogs", false)]
    [InlineData(AssertionKind.StartsWith, "dogs", " dogs and cats", true)]
    [InlineData(AssertionKind.StartsWith, "cats", " dogs and cats", false)]
    [InlineData(AssertionKind.Regex, "^[0-9 ]+$", " 3 2 1", true)]
    [InlineData(AssertionKind.Regex, "^[a-z]+$", " 3 2 1", false)]
    public void Assertions_judge_trimmed_outputs(AssertionKind kind, string expected, string output, bool passed)
    {
        var verdict = Assertions.Judge(kind, expected, output);

        Assert.Equal(new Judgement(passed), verdict);
    }

    [Fact]
    public void A_regex_that_backtracks_catastrophically_fails_with_a_clear_error_instead_of_hanging()
    {
        var clock = Stopwatch.StartNew();

        var verdict = Assertions.Judge(AssertionKind.Regex, "^(a+)+$", new string('a', 40) + "!");

        Assert.False(verdict.Passed);
        Assert.StartsWith("regex '^(a+)+$' timed out after 250 ms on an output of 41 characters: it backtracks catastrophically", verdict.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the match timeout bounds the judgement");
    }

    [Fact]
    public void The_expected_block_is_judged_by_the_cells_assertion()
    {
        var cell = new ZeroShotCell { Expected = "dog", Assert = AssertionKind.Contains };

        Assert.True(cell.MatchesExpected(" hot dogs"));
        Assert.Null(new ZeroShotCell().MatchesExpected("x"));
    }
}
