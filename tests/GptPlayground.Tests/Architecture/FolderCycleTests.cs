namespace GptPlayground.Tests.Architecture;

/// <summary>
/// Arrows between folders run one way (front ends → services → engine → runtime): a cycle between two folders of
/// src/ is a design bug. The graph comes from the source text (<see cref="FolderGraph"/>).
/// </summary>
public sealed class FolderCycleTests
{
    static readonly string SrcRoot = FindSrc();

    [Fact]
    public void No_folder_of_src_depends_on_itself_through_others()
    {
        var graph = FolderGraph.Read(SrcRoot);

        var cycles = Describe(graph).Concat(Describe(graph.TopLevel())).Distinct().ToList();

        Assert.True(cycles.Count == 0, "folder cycles in src/ (each edge names a file and the type it uses):\n" + string.Join("\n", cycles));
    }

    static IEnumerable<string> Describe(FolderGraph graph) =>
        graph.Cycles().Select(c => string.Join(" <-> ", c) + "\n" + string.Join("\n", graph.Explain(c)));

    [Fact]
    public void The_graph_sees_dependencies_across_projects_and_folders()
    {
        var graph = FolderGraph.Read(SrcRoot);

        Assert.Contains("GptPlayground.Tokenizers", graph.Edges["GptPlayground.Inference/Models"].Keys);
        Assert.Contains("GptPlayground.Decoding", graph.Edges["GptPlayground/Cli"].Keys);
        Assert.DoesNotContain(graph.Edges["GptPlayground.Tokenizers"].Keys, f => f.StartsWith("GptPlayground.Inference", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cycle_between_two_folders_is_found_with_the_file_and_type_behind_each_edge()
    {
        var root = Directory.CreateTempSubdirectory("gptplayground-folder-graph-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "P", "A"));
        Directory.CreateDirectory(Path.Combine(root, "P", "B"));
        File.WriteAllText(Path.Combine(root, "P", "A", "X.cs"), "using P.B;\n\nnamespace P.A;\n\npublic class X { Y? y; }\n");
        File.WriteAllText(Path.Combine(root, "P", "B", "Y.cs"), "namespace P.B;\n\n// X in a comment is no edge\npublic class Y { A.X? x; }\n");
        try
        {
            var graph = FolderGraph.Read(root);

            var cycle = Assert.Single(graph.Cycles());

            Assert.Equal(["P/A", "P/B"], cycle);
            Assert.Contains(graph.Explain(cycle), e => e.Contains("P/A/X.cs names Y"));
            Assert.Contains(graph.Explain(cycle), e => e.Contains("P/B/Y.cs names A.X"));       // a qualified name counts too
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static string FindSrc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return Path.Combine(dir.FullName, "src");
        throw new InvalidOperationException("the tests run from a checkout: GptPlayground.sln not found above " + AppContext.BaseDirectory);
    }
}
