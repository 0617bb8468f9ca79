using System.Text.RegularExpressions;

namespace GptPlayground.Tests.Architecture;

/// <summary>
/// The dependency graph between the folders of src/, read from the source text: a folder depends on another when
/// one of its files names a type declared there that the file can see (its own namespace, a parent namespace, or one
/// of its <c>using</c> / <c>@using</c> lines, _Imports.razor included). Comments and string literals are left out,
/// so a folder that only mentions another in a doc comment does not depend on it.
/// </summary>
public sealed partial class FolderGraph
{
    /// <summary>Folder (relative to src/, '/'-separated) → the folders it depends on, each with one file and type as evidence.</summary>
    public SortedDictionary<string, SortedDictionary<string, string>> Edges { get; } = new(StringComparer.Ordinal);

    sealed record SourceFile(string Path, string Folder, string Namespace, IReadOnlyList<string> Usings, string Code);

    /// <summary>Reads every .cs and .razor file under <paramref name="srcRoot"/> except bin/ and obj/.</summary>
    public static FolderGraph Read(string srcRoot)
    {
        var files = new List<SourceFile>();
        foreach (var path in Directory.EnumerateFiles(srcRoot, "*.*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(srcRoot, path).Replace('\\', '/');
            if (rel.Contains("/bin/") || rel.Contains("/obj/")) continue;
            bool razor = path.EndsWith(".razor", StringComparison.Ordinal);
            if (!razor && !path.EndsWith(".cs", StringComparison.Ordinal)) continue;
            if (Path.GetFileName(path) == "_Imports.razor") continue;
            var text = File.ReadAllText(path);
            var folder = Path.GetDirectoryName(rel)!.Replace('\\', '/');
            var usings = Usings(text, razor).ToList();
            string ns;
            if (razor)
            {
                ns = folder.Replace('/', '.');
                for (var dir = Path.GetDirectoryName(path); dir != null && dir.Length >= srcRoot.Length; dir = Path.GetDirectoryName(dir))
                {
                    var imports = Path.Combine(dir, "_Imports.razor");
                    if (File.Exists(imports)) usings.AddRange(Usings(File.ReadAllText(imports), razor: true));
                }
            }
            else
            {
                ns = NamespaceLine().Match(text) is { Success: true } m ? m.Groups[1].Value : "";
            }
            files.Add(new SourceFile(rel, folder, ns, usings, StripCommentsAndStrings(text, razor)));
        }

        // Type name → the folders (and their namespaces) that declare it.
        var declared = new Dictionary<string, List<(string Folder, string Namespace)>>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var names = TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            if (f.Path.EndsWith(".razor", StringComparison.Ordinal)) names.Add(Path.GetFileNameWithoutExtension(f.Path));
            foreach (var name in names)
            {
                if (!declared.TryGetValue(name, out var list)) declared[name] = list = [];
                if (!list.Contains((f.Folder, f.Namespace))) list.Add((f.Folder, f.Namespace));
            }
        }

        var graph = new FolderGraph();
        foreach (var f in files)
        {
            if (!graph.Edges.ContainsKey(f.Folder)) graph.Edges[f.Folder] = new(StringComparer.Ordinal);
            var visible = new HashSet<string>(f.Usings, StringComparer.Ordinal);
            for (var ns = f.Namespace; ns.Length > 0; ns = ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : "") visible.Add(ns);
            foreach (var word in Identifier().Matches(f.Code).Select(m => m.Value).Distinct())
            {
                if (!declared.TryGetValue(word, out var homes)) continue;
                if (homes.Any(h => h.Folder == f.Folder)) continue; // declared here: a local name wins
                foreach (var (folder, ns) in homes)
                {
                    if (!visible.Contains(ns)) continue;
                    graph.Edges[f.Folder].TryAdd(folder, $"{f.Path} names {word}");
                }
            }
            // qualified names (Generation.Logprobs, Inference.Decoding.DecodingMode): the qualifier is a namespace
            // relative to one the file sits in, or a full one
            foreach (var parts in QualifiedName().Matches(f.Code).Select(m => m.Value.Split('.')).DistinctBy(p => string.Join('.', p)))
                for (int k = 1; k < parts.Length; k++)
                {
                    var (qualifier, word) = (string.Join('.', parts[..k]), parts[k]);
                    if (!declared.TryGetValue(word, out var homes)) continue;
                    var namespaces = visible.Select(v => v + "." + qualifier).Append(qualifier).ToHashSet(StringComparer.Ordinal);
                    foreach (var (folder, ns) in homes)
                        if (folder != f.Folder && namespaces.Contains(ns))
                            graph.Edges[f.Folder].TryAdd(folder, $"{f.Path} names {qualifier}.{word}");
                }
        }
        return graph;
    }

    /// <summary>
    /// The same graph one level up: every folder below a project's top-level folder counts as that folder
    /// (GptPlayground/Components/Cells as GptPlayground/Components), so that a cycle between two trees shows too.
    /// </summary>
    public FolderGraph TopLevel()
    {
        static string Top(string folder) => string.Join('/', folder.Split('/').Take(2));
        var top = new FolderGraph();
        foreach (var (from, edges) in Edges)
        {
            if (!top.Edges.TryGetValue(Top(from), out var topEdges)) top.Edges[Top(from)] = topEdges = new(StringComparer.Ordinal);
            foreach (var (to, why) in edges)
                if (Top(to) != Top(from)) topEdges.TryAdd(Top(to), why);
        }
        return top;
    }

    /// <summary>The strongly connected components with more than one folder: each is a cycle (or a knot of cycles).</summary>
    public List<List<string>> Cycles()
    {
        // Tarjan's algorithm over the folder graph.
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        int next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var e) ? e.Keys : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add(component.Order(StringComparer.Ordinal).ToList());
        }

        foreach (var v in Edges.Keys) if (!index.ContainsKey(v)) Visit(v);
        return result.OrderBy(c => c[0], StringComparer.Ordinal).ToList();
    }

    /// <summary>The edges inside <paramref name="component"/>, each with its evidence, for a failure message.</summary>
    public IEnumerable<string> Explain(IReadOnlyCollection<string> component) =>
        from source in component
        from edge in Edges[source]
        where component.Contains(edge.Key)
        select $"  {source} -> {edge.Key}  ({edge.Value})";

    static IEnumerable<string> Usings(string text, bool razor) =>
        (razor ? RazorUsing() : CsUsing()).Matches(text).Select(m => m.Groups[1].Value);

    static string StripCommentsAndStrings(string text, bool razor)
    {
        text = BlockComment().Replace(text, " ");
        if (razor) text = RazorComment().Replace(HtmlComment().Replace(text, " "), " ");
        text = LineComment().Replace(text, " ");
        text = VerbatimString().Replace(text, "\"\"");
        return RegularString().Replace(text, "\"\"");
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)] private static partial Regex NamespaceLine();
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?!static)(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)] private static partial Regex CsUsing();
    [GeneratedRegex(@"^\s*@using\s+(?:static\s+)?([\w.]+)", RegexOptions.Multiline)] private static partial Regex RazorUsing();
    // a private (nested) type cannot be named from another folder, so it is not a declaration the graph needs
    [GeneratedRegex(@"(?<!\bprivate\s+(?:(?:sealed|readonly|static|partial|abstract|record)\s+)*)\b(?:class|record|struct|interface|enum)\s+(?:class\s+|struct\s+)?([A-Z]\w*)")] private static partial Regex TypeDeclaration();
    [GeneratedRegex(@"\b[A-Z]\w*\b")] private static partial Regex Identifier();
    [GeneratedRegex(@"\b[A-Z]\w*(?:\.[A-Z]\w*)+\b")] private static partial Regex QualifiedName();
    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)] private static partial Regex BlockComment();
    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)] private static partial Regex HtmlComment();
    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)] private static partial Regex RazorComment();
    [GeneratedRegex(@"(?<![:""])//.*$", RegexOptions.Multiline)] private static partial Regex LineComment();
    [GeneratedRegex(@"@""(?:[^""]|"""")*""")] private static partial Regex VerbatimString();
    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")] private static partial Regex RegularString();
}
