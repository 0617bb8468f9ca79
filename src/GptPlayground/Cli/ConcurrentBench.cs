using System.Diagnostics;
using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;

namespace GptPlayground.Cli;

/// <summary>
/// <c>bench --concurrent N</c>: N independent requests (prompt lengths spread around --prompt-tokens, a mix of greedy,
/// sampled and penalised settings) through one <see cref="BatchScheduler"/>, in process: first one after another, then
/// all at once, in the same run. Prints aggregate and per-request decode tokens/s, p50/p95 time to first token, and
/// the speed-up of running them together (the wall time of the sequential pass over the concurrent one), and whether
/// every request got the same tokens both ways.
/// </summary>
internal static class ConcurrentBench
{
    /// <summary>What one pass measured.</summary>
    /// <param name="WallSeconds">Submission of the first request to the last token.</param>
    /// <param name="Tokens">Tokens generated, all requests.</param>
    /// <param name="DecodeTokens">Tokens after each request's first (the first comes from its prefill).</param>
    /// <param name="DecodeSeconds">Time spent decoding: from the last request's first token (all are prefilled then, when N fits the batch) to the
    /// last token; summed over the requests when one after another.</param>
    /// <param name="RequestTokensPerSecond">Each request's tokens per second after its first token.</param>
    /// <param name="TimeToFirstTokenMs">Each request's time from submission to first token.</param>
    /// <param name="Outputs">Each request's tokens, in request order.</param>
    sealed record Pass(double WallSeconds, int Tokens, int DecodeTokens, double DecodeSeconds, double[] RequestTokensPerSecond, double[] TimeToFirstTokenMs,
        int[][] Outputs)
    {
        public double AggregateTokensPerSecond => Tokens / WallSeconds;
        public double AggregateDecodeTokensPerSecond => DecodeSeconds > 0 ? DecodeTokens / DecodeSeconds : 0;
    }

    /// <param name="model">The loaded model.</param>
    /// <param name="requests">N, the requests run one after another and then together.</param>
    /// <param name="promptTokens">Prompt length (spread 0.5x to 1.5x unless shared).</param>
    /// <param name="newTokens">Tokens each request generates (EOS does not stop it).</param>
    /// <param name="runs">Measured repetitions (medians are reported).</param>
    /// <param name="maxBatchRows">The scheduler's batch limit.</param>
    /// <param name="sharedPrompt">Every request continues the same prompt of --prompt-tokens tokens, as the variants of one cell do.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Stops the bench.</param>
    public static async Task<object> RunAsync(LanguageModel model, int requests, int promptTokens, int newTokens, int runs, int maxBatchRows,
        bool sharedPrompt, Action<string> log, CancellationToken cancellationToken)
    {
        var random = new Random(1234);
        var shared = Enumerable.Range(0, promptTokens).Select(_ => random.Next(model.Layout.VocabSize)).ToArray();
        var jobs = Enumerable.Range(0, requests).Select(i =>
        {
            int length = Math.Max(1, (int)(promptTokens * (0.5 + random.NextDouble())));          // 0.5x .. 1.5x
            var prompt = sharedPrompt ? shared : Enumerable.Range(0, length).Select(_ => random.Next(model.Layout.VocabSize)).ToArray();
            return (Prompt: prompt, Settings: Mix(i, newTokens));
        }).ToArray();
        var scheduler = new BatchScheduler(model, new SchedulerOptions { MaxBatchRows = Math.Max(maxBatchRows, 1) });
        var options = new GenerationOptions { StopAtEos = false };

        await RunAsync(scheduler, jobs.Take(1).ToArray(), options, cancellationToken);              // warm-up
        var sequential = new List<Pass>();
        var concurrent = new List<Pass>();
        for (int run = 0; run < runs; run++)
        {
            var one = await RunOneAfterAnother(scheduler, jobs, options, cancellationToken);
            var all = await RunAsync(scheduler, jobs, options, cancellationToken);
            sequential.Add(one);
            concurrent.Add(all);
            log($"run {run + 1}: one after another {one.WallSeconds:0.00} s (decode {one.AggregateDecodeTokensPerSecond:0.0} tok/s), together {all.WallSeconds:0.00} s (decode {all.AggregateDecodeTokensPerSecond:0.0} tok/s)");
        }
        double Median(IEnumerable<double> values) => BenchVerb.Median(values.ToList());
        return new
        {
            Model = model.Folder.Name, Provider = model.Provider.Name, Parameters = model.Card.Parameters,
            Concurrent = requests, SharedPrompt = sharedPrompt, PromptTokens = promptTokens, NewTokens = newTokens, Runs = runs, MaxBatchRows = maxBatchRows,
            AloneDecodeTokensPerS = Math.Round(Median(sequential.Select(p => p.AggregateDecodeTokensPerSecond)), 2),
            AloneRequestTokensPerS = Math.Round(Median(sequential.SelectMany(p => p.RequestTokensPerSecond)), 2),
            AloneTtftP50Ms = Math.Round(Percentile(sequential.SelectMany(p => p.TimeToFirstTokenMs), 0.5), 1),
            AggregateDecodeTokensPerS = Math.Round(Median(concurrent.Select(p => p.AggregateDecodeTokensPerSecond)), 2),
            DecodeSpeedup = Math.Round(Median(concurrent.Zip(sequential, (c, s) => c.AggregateDecodeTokensPerSecond / s.AggregateDecodeTokensPerSecond)), 3),
            RequestTokensPerS = Math.Round(Median(concurrent.SelectMany(p => p.RequestTokensPerSecond)), 2),
            TtftP50Ms = Math.Round(Percentile(concurrent.SelectMany(p => p.TimeToFirstTokenMs), 0.5), 1),
            TtftP95Ms = Math.Round(Percentile(concurrent.SelectMany(p => p.TimeToFirstTokenMs), 0.95), 1),
            SequentialWallS = Math.Round(Median(sequential.Select(p => p.WallSeconds)), 3),
            ConcurrentWallS = Math.Round(Median(concurrent.Select(p => p.WallSeconds)), 3),
            SameTokens = sequential.Zip(concurrent).All(p => p.First.Outputs.Zip(p.Second.Outputs).All(o => o.First.SequenceEqual(o.Second))),
            DifferingRequests = sequential.Zip(concurrent).Max(p => p.First.Outputs.Zip(p.Second.Outputs).Count(o => !o.First.SequenceEqual(o.Second))),
            WallSpeedup = Math.Round(Median(sequential.Zip(concurrent, (s, c) => s.WallSeconds / c.WallSeconds)), 3),
        };
    }

    /// <summary>The settings of request <paramref name="i"/>: greedy, sampled, top-k/top-p, penalties in turn.</summary>
    static DecodingSettings Mix(int i, int newTokens) => (i % 4) switch
    {
        0 => new DecodingSettings { MaxNewTokens = newTokens },
        1 => new DecodingSettings { DoSample = true, Temperature = 0.8, Seed = (ulong)i, MaxNewTokens = newTokens },
        2 => new DecodingSettings { DoSample = true, TopK = 40, TopP = 0.9, Seed = (ulong)i, MaxNewTokens = newTokens },
        _ => new DecodingSettings { RepetitionPenalty = 1.2, NoRepeatNgramSize = 3, MaxNewTokens = newTokens },
    };

    static async Task<Pass> RunOneAfterAnother(BatchScheduler scheduler, (int[] Prompt, DecodingSettings Settings)[] jobs, GenerationOptions options, CancellationToken cancellationToken)
    {
        var passes = new List<Pass>();
        foreach (var job in jobs) passes.Add(await RunAsync(scheduler, [job], options, cancellationToken));
        return new Pass(passes.Sum(p => p.WallSeconds), passes.Sum(p => p.Tokens), passes.Sum(p => p.DecodeTokens), passes.Sum(p => p.DecodeSeconds),
            [.. passes.SelectMany(p => p.RequestTokensPerSecond)],
            [.. passes.SelectMany(p => p.TimeToFirstTokenMs)], [.. passes.SelectMany(p => p.Outputs)]);
    }

    static async Task<Pass> RunAsync(BatchScheduler scheduler, (int[] Prompt, DecodingSettings Settings)[] jobs, GenerationOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(jobs.Select(async (job, i) =>
        {
            var stats = new GenerationStats();
            int tokens = 0;
            var output = new List<int>();
            TimeSpan first = default, last = default;
            await foreach (var step in scheduler.GenerateAsync($"bench-{i}", [job.Prompt], job.Settings, options, stats, cancellationToken: cancellationToken))
            {
                if (tokens++ == 0) first = clock.Elapsed;
                last = clock.Elapsed;
                output.Add(step.Token);
            }
            double decodeSeconds = (last - first).TotalSeconds;
            return (Tokens: tokens, Output: output.ToArray(), First: first, Last: last, TokensPerSecond: decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0,
                Ttft: stats.TimeToFirstToken?.TotalMilliseconds ?? 0);
        }));
        var window = results.Max(r => r.Last) - results.Max(r => r.First);     // every request has been prefilled: decoding only
        return new Pass(clock.Elapsed.TotalSeconds, results.Sum(r => r.Tokens), results.Sum(r => r.Tokens - 1), window.TotalSeconds,
            [.. results.Select(r => r.TokensPerSecond)], [.. results.Select(r => r.Ttft)], [.. results.Select(r => r.Output)]);
    }

    static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return 0;
        double rank = p * (sorted.Count - 1);
        int low = (int)Math.Floor(rank), high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
