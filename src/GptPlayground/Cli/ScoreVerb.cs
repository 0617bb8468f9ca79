using System.Globalization;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>score --model M (--text T | --text-file F) [--top-logprobs K] [--provider P] [--json]</c>: the log-probability
/// of every token of a text under the model (given the tokens before it) and the text's perplexity,
/// exp(mean negative log-likelihood), from one model pass. The first token has no context and is not scored.
/// </summary>
public static class ScoreVerb
{
    static readonly string[] Options = ["model", "models", "text", "text-file", "provider", "top-logprobs"];

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("score", args, Options, ["json"]);
        int topLogprobs = a.GetInt("top-logprobs", 0, 0, 20);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = ModelArgs.Catalog(context, a);
        var modelName = ModelArgs.ModelName(a, catalog);
        catalog.Resolve(modelName);
        var text = ReadText(a);
        var model = await catalog.GetAsync(modelName, provider);
        ModelArgs.ReportAuto(context, provider, model);
        var tokens = model.Encode(text);

        var score = await Task.Run(() => PromptScorer.Score(model, tokens, topLogprobs, cancellationToken), cancellationToken);

        if (a.Has("json"))
        {
            CliJson.Write(context.Out, new
            {
                Model = model.Folder.Name,
                Provider = model.Provider.Name,
                Tokens = score.Tokens.Select(t => new
                {
                    t.Token,
                    t.Text,
                    t.Logprob,
                    TopLogprobs = topLogprobs > 0 ? t.TopLogprobs.Select(x => new { x.Token, x.Text, x.Logprob }) : null,
                }),
                ScoredTokens = score.Tokens.Count - 1,
                score.MeanNll,
                score.Perplexity,
            });
            return 0;
        }
        var w = context.Out;
        w.WriteLine("    #  logprob  token");
        for (int i = 0; i < score.Tokens.Count; i++)
        {
            var t = score.Tokens[i];
            var lp = t.Logprob is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(8) : "       -";
            var alternatives = t.TopLogprobs.Count > 0
                ? "   (" + string.Join(", ", t.TopLogprobs.Select(x => $"{Quote(x.Text)} {x.Logprob.ToString("0.00", CultureInfo.InvariantCulture)}")) + ")"
                : "";
            w.WriteLine($"{i,5} {lp}  {Quote(t.Text)}{alternatives}");
        }
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"perplexity {score.Perplexity:0.###} ({score.Tokens.Count - 1} tokens scored, mean NLL {score.MeanNll:0.####} nats/token)"));
        return 0;
    }

    static string Quote(string s) => "'" + s.Replace("\n", "\\n").Replace("\t", "\\t") + "'";

    static string ReadText(CliArgs a)
    {
        if (a.Get("text") is { } text)
            return text.Length > 0 ? text : throw new CliException("--text is empty: give the text to score");
        if (a.Get("text-file") is { } file)
        {
            try { return File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--text-file (={file}) cannot be read: {e.Message}");
            }
        }
        throw new CliException("'score' needs a text: --text TEXT or --text-file F");
    }
}
