using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GptPlayground.Evaluation;

/// <summary>Registers dataset evaluation for the web app.</summary>
public static class EvaluationServiceExtensions
{
    /// <summary>
    /// Registers the <see cref="DatasetEvaluator"/> per scope (one per browser tab, over that tab's
    /// <see cref="Services.CellRunner"/> and <see cref="Services.GenerationRunner"/>). Needs <c>AddPlaygroundServices</c>.
    /// </summary>
    public static TBuilder AddEvaluation<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddScoped<DatasetEvaluator>();
        return builder;
    }
}
