using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>The <c>--models</c>, <c>--model</c> and <c>--provider</c> flags shared by the verbs that use models.</summary>
static class ModelArgs
{
    /// <summary>Environment variable naming the default model (<see cref="ModelCatalog.ConfiguredDefault"/>): the form <c>serve</c> reads <c>Playground:DefaultModel</c> in.</summary>
    public const string DefaultModelVariable = "Playground__DefaultModel";

    /// <summary>The catalog of <c>--models DIR</c> (default: the checkout's models/), with the configured default model.</summary>
    public static ModelCatalog Catalog(CliContext context, CliArgs args, ExecutionProvider provider = ExecutionProvider.Cpu) =>
        new(args.Get("models") ?? PlaygroundPaths.Models, provider)
        {
            ConfiguredDefault = context.Environment(DefaultModelVariable) is { Length: > 0 } named ? named : null,
        };

    /// <summary>
    /// <c>--model NAME|PATH</c>, or when it is absent the catalog's default model (the embedded
    /// playground-mini unless models/ holds another trained model; the rule is <see cref="ModelCatalog.DefaultModel"/>).
    /// </summary>
    /// <exception cref="CliException">No --model and no usable model in the catalog.</exception>
    public static string ModelName(CliArgs args, ModelCatalog catalog) =>
        args.Get("model") ?? catalog.DefaultModel()
        ?? throw new CliException($"--model NAME|PATH is required: {catalog.Directory} holds no usable model (see `gptplayground models`)");

    /// <summary>With <c>--provider auto</c>, says on stderr which provider was chosen and why.</summary>
    public static void ReportAuto(CliContext context, ExecutionProvider requested, LanguageModel model)
    {
        if (requested == ExecutionProvider.Auto) context.Error.WriteLine(model.Provider.Reason);
    }
}
