using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>The <c>--model</c> and <c>--provider</c> flags shared by the verbs that run a model.</summary>
static class ModelArgs
{
    /// <summary>
    /// <c>--model NAME|PATH</c>, or when it is absent the catalog's default model (the embedded
    /// playground-mini unless models/ holds another trained model; see <see cref="ModelChoice.Default"/>).
    /// </summary>
    /// <exception cref="CliException">No --model and no usable model in the catalog.</exception>
    public static string ModelName(CliArgs args, ModelCatalog catalog) =>
        args.Get("model") ?? ModelChoice.Default(catalog)
        ?? throw new CliException($"--model NAME|PATH is required: {catalog.Directory} holds no usable model (see `gptplayground models`)");

    /// <summary>With <c>--provider auto</c>, says on stderr which provider was chosen and why.</summary>
    public static void ReportAuto(CliContext context, ExecutionProvider requested, LanguageModel model)
    {
        if (requested == ExecutionProvider.Auto) context.Error.WriteLine(model.Provider.Reason);
    }
}
