using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Scores a given text under the model: the log-probability of every token given the tokens before it
/// (the autoregressive factorisation P(X) = Π P(x_t | x_&lt;t)) and the text's perplexity, from one model pass.
/// </summary>
/// <example>
/// <code>
/// var score = PromptScorer.Score(model, model.Encode("The cat sat on the mat."));
/// Console.WriteLine($"perplexity {score.Perplexity:0.00}");
/// </code>
/// </example>
public static class PromptScorer
{
    /// <summary>Scores <paramref name="tokens"/>. The first token has no context and gets no log-probability.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="tokens">The text's token ids (with BOS if the tokenizer prepends one); at least two.</param>
    /// <param name="topLogprobs">Alternatives to report per position, 0 to 20.</param>
    /// <param name="cancellationToken">Aborts the model pass.</param>
    /// <exception cref="ArgumentException">Fewer than two tokens, or top_logprobs out of range.</exception>
    /// <exception cref="ModelException">Token ids out of range, or more tokens than the context length.</exception>
    public static ScoreResult Score(LanguageModel model, int[] tokens, int topLogprobs = 0, CancellationToken cancellationToken = default)
    {
        new GenerationOptions { TopLogprobs = topLogprobs }.Validate();
        if (tokens.Length < 2)
            throw new ArgumentException($"scoring needs at least 2 tokens (got {tokens.Length}): the first token has no context to be predicted from; give a longer text");
        model.CheckTokenIds(tokens);
        var display = TextGenerator.Display(model);
        int vocab = model.Layout.VocabSize;

        using var generator = new Generator(model);
        var logits = generator.AppendTokensReadingAllLogits(tokens, cancellationToken);   // [tokens, vocab]

        var scores = new List<TokenScore> { new(tokens[0], display(tokens[0]), null, []) };
        double nll = 0;
        for (int t = 1; t < tokens.Length; t++)
        {
            var row = logits.AsSpan((t - 1) * vocab, vocab);                              // predicts token t
            float lse = Logprobs.LogSumExp(row);
            float logprob = row[tokens[t]] - lse;
            nll -= logprob;
            scores.Add(new TokenScore(tokens[t], display(tokens[t]), logprob, Logprobs.Top(row, topLogprobs, lse, display)));
        }
        double mean = nll / (tokens.Length - 1);
        return new ScoreResult(scores, mean, Math.Exp(mean));
    }
}

/// <summary>One token of a scored text.</summary>
/// <param name="Token">Token id.</param>
/// <param name="Text">Display form of the token.</param>
/// <param name="Logprob">log P(token | tokens before it); null for the first token.</param>
/// <param name="TopLogprobs">The most probable tokens at this position.</param>
public sealed record TokenScore(int Token, string Text, float? Logprob, IReadOnlyList<TokenLogprob> TopLogprobs);

/// <summary>A scored text.</summary>
/// <param name="Tokens">Every token with its log-probability.</param>
/// <param name="MeanNll">Mean negative log-likelihood (nats per token) over the tokens after the first.</param>
/// <param name="Perplexity">exp(<paramref name="MeanNll"/>).</param>
public sealed record ScoreResult(IReadOnlyList<TokenScore> Tokens, double MeanNll, double Perplexity);
