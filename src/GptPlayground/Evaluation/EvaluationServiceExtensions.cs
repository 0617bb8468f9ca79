using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace GptPlayground.Evaluation;

/// <summary>The evaluation services register themselves (they run cells through the app's services).</summary>
public static class EvaluationServiceExtensions
{
    /// <summary>
    /// Registers, per scope (one per browser tab, over that tab's <see cref="Services.CellRunner"/> and
    /// <see cref="Services.GenerationRunner"/>), the <see cref="DatasetEvaluator"/>, the <see cref="FewShotAblation"/>
    /// and the tab's ablation runs (<see cref="AblationRuns"/>). Needs <c>AddPlaygroundServices</c>.
    /// </summary>
    public static TBuilder AddEvaluation<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddScoped<DatasetEvaluator>();
        builder.Services.TryAddScoped<FewShotAblation>();
        builder.Services.TryAddScoped<AblationRuns>();
        return builder;
    }
}
