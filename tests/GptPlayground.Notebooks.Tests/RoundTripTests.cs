using GptPlayground.Notebooks;

namespace GptPlayground.Notebooks.Tests;

public class RoundTripTests
{
    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in TestFiles.Examples()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Example_round_trips_byte_for_byte(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.PromptsDirectory, file));
        var text = new System.Text.UTF8Encoding(false, true).GetString(bytes);

        var written = NotebookFormat.Write(NotebookFormat.Parse(text));

        Assert.Equal(text, written);
    }

    [Fact]
    public void There_are_examples_to_test()
    {
        Assert.True(TestFiles.Examples().Length >= 6, "prompts/ should hold the example notebooks");
    }

    [Fact]
    public void Generated_notebooks_round_trip()
    {
        for (int seed = 0; seed < 600; seed++)
        {
            var rng = new Random(seed);
            var n = TestFiles.RandomNotebook(rng);

            var written = NotebookFormat.Write(n);
            Notebook back;
            try { back = NotebookFormat.Parse(written); }
            catch (NotebookFormatException e) { Assert.Fail($"seed {seed}: {e.Message}\n{written}"); return; }

            var expected = NotebookComparer.Describe(n);
            var actual = NotebookComparer.Describe(back);
            if (expected != actual) Assert.Fail($"seed {seed}: notebook changed\n--- file ---\n{written}\n--- expected ---\n{expected}\n--- actual ---\n{actual}");
            Assert.Equal(written, NotebookFormat.Write(back));
        }
    }
}
