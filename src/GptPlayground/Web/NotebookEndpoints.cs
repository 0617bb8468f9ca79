using GptPlayground.Notebooks;

namespace GptPlayground.Web;

/// <summary>HTTP endpoints beside the UI: downloading a notebook file.</summary>
public static class NotebookEndpoints
{
    /// <summary>
    /// Maps <c>GET /download/{name}</c>: the notebook's file as <c>text/markdown</c> with a download file name.
    /// Names outside prompts/ are refused (400), missing files are 404, files over 5 MB 413 and files that are not UTF-8
    /// 422, each with a one-line message; no response names a server path.
    /// </summary>
    public static WebApplication MapNotebookDownloads(this WebApplication app)
    {
        app.MapGet("/download/{**name}", (string name, NotebookStorage storage) =>
        {
            try
            {
                if (!storage.Exists(name)) return Results.NotFound($"no notebook {name} in the prompts folder");
                var text = storage.ReadText(name);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(text), "text/markdown; charset=utf-8", Path.GetFileName(storage.PathOf(name)));
            }
            catch (NotebookStorageException e)
            {
                return Results.BadRequest(e.Message);
            }
            catch (NotebookFormatException e)
            {
                bool tooLarge = e.Message.Contains("over 5 MB", StringComparison.Ordinal);
                return Results.Text(e.Message, "text/plain; charset=utf-8",
                    statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity);
            }
        });
        return app;
    }
}
