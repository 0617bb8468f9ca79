using GptPlayground.Inference.Models;
using Microsoft.AspNetCore.Http;

namespace GptPlayground.Api;

/// <summary>The catalog's usable models as OpenAI model objects (<c>{"id", "object": "model", "created", "owned_by"}</c>).</summary>
public static class ApiModels
{
    /// <summary>
    /// Every usable model, the default one first (<see cref="ModelCatalog.DefaultModel"/>: the model the notebook editor and
    /// the CLI use when none is named, so a client that takes the first model agrees with them), then the others by name;
    /// folders that cannot be used are left out (the Models page shows why).
    /// </summary>
    public static IReadOnlyList<object> List(ModelCatalog catalog)
    {
        var defaultModel = catalog.DefaultModel();
        return catalog.List().Where(e => e.IsOk).OrderBy(e => e.Name != defaultModel).Select(ToModel).ToList();
    }

    /// <summary>One model by name.</summary>
    /// <exception cref="ApiException">404 when the catalog has no usable model of that name.</exception>
    public static object Find(ModelCatalog catalog, string id) =>
        catalog.List().FirstOrDefault(e => e.IsOk && e.Name == id) is { } entry ? ToModel(entry)
        : throw new ApiException(StatusCodes.Status404NotFound,
            $"the model '{id}' does not exist; this server has {string.Join(", ", catalog.List().Where(e => e.IsOk).Select(e => e.Name).DefaultIfEmpty("none"))}", "model", "model_not_found");

    static object ToModel(ModelEntry entry) => new
    {
        id = entry.Name,
        @object = "model",
        created = Created(entry.Path),
        owned_by = entry.Remote is null ? "gptplayground" : "remote",      // where it runs is not the caller's business
    };

    static long Created(string path)
    {
        try { return new DateTimeOffset(Directory.GetCreationTimeUtc(path)).ToUnixTimeSeconds(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
    }
}
