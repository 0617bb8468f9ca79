namespace GptPlayground.Tests.Architecture;

/// <summary>
/// Arrows between folders run one way (front ends → services → engine → runtime): a cycle between two folders of
/// src/ is a design bug. The graph comes from the source text (<see cref="FolderGraph"/>).
/// </summary>
public sealed class FolderCycleTests
{
    static readonly string SrcRoot = FindSrc();

    /// <summary>
    /// Cycles that exist today and are being taken apart (issue 11). The list only shrinks: a new cycle fails the
    /// test, and so does an entry here that is no longer a cycle.
    /// </summary>
    static readonly string[] KnownCycles =
    [
        "GptPlayground.Onnx <-> GptPlayground.Onnx/Protobuf",
    ];

    [Fact]
    public void No_folder_of_src_depends_on_itself_through_others()
    {
        var graph = FolderGraph.Read(SrcRoot);

        var cycles = Describe(graph).Concat(Describe(graph.TopLevel())).Distinct().ToList();

        var fresh = cycles.Where(c => !KnownCycles.Contains(c.Split('\n')[0])).ToList();
        var gone = KnownCycles.Where(k => !cycles.Any(c => c.Split('\n')[0] == k)).ToList();
        Assert.True(fresh.Count == 0, "folder cycles in src/:\n" + string.Join("\n", fresh));
        Assert.True(gone.Count == 0, "no longer cycles, take them off KnownCycles:\n" + string.Join("\n", gone));
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

    static string FindSrc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return Path.Combine(dir.FullName, "src");
        throw new InvalidOperationException("the tests run from a checkout: GptPlayground.sln not found above " + AppContext.BaseDirectory);
    }
}
