using System.Text.Json;
using System.Text.Json.Nodes;

namespace GptPlayground.Notebooks;

/// <summary>Structural equality of notebooks: every field of the notebook and of each cell.</summary>
public static class NotebookComparer
{
    /// <summary>A JSON description of every field; equal notebooks give equal strings (handy in test failures).</summary>
    public static string Describe(Notebook notebook)
    {
        var root = new JsonObject
        {
            ["title"] = notebook.Title,
            ["description"] = notebook.Description,
            ["model"] = notebook.Model,
            ["chat_format"] = notebook.ChatFormat,
            ["decoding"] = notebook.Decoding is null ? null : DecodingYaml.Write(notebook.Decoding),
            ["variables"] = Pairs(notebook.Variables),
            ["extra"] = Pairs(notebook.ExtraFrontMatter),
        };
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells)
        {
            var node = JsonSerializer.SerializeToNode(cell, cell.GetType())!.AsObject();
            node["type"] = cell.GetType().Name;
            if (cell is PromptCell p)
            {
                node["Variants"] = new JsonArray(p.Variants.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["settings"] = DecodingYaml.Write(v.Settings) }).ToArray());
                node["Variables"] = Pairs(p.Variables);
            }
            cells.Add(node);
        }
        root["cells"] = cells;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    static JsonArray Pairs(List<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(p => (JsonNode)new JsonArray(p.Key, p.Value)).ToArray());

    /// <summary>True when both notebooks have the same fields and cells.</summary>
    public static bool Equal(Notebook a, Notebook b) => Describe(a) == Describe(b);
}
