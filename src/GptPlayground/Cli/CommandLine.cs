using GptPlayground.Inference;
using GptPlayground.Tokenizers;

namespace GptPlayground.Cli;

/// <summary>Where a verb writes: stdout for results, stderr for progress and errors.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>Reads an environment variable (the process's by default; a test gives its own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>
/// The CLI verbs of the <c>gptplayground</c> executable. <c>serve</c> (the web app) is the default verb;
/// the others run headless and exit. Bad input gives one line on stderr and exit code 2.
/// </summary>
public static class CommandLine
{
    static readonly Dictionary<string, Func<CliContext, IReadOnlyList<string>, CancellationToken, Task<int>>> Verbs = new()
    {
        ["models"] = ModelsVerb.RunAsync,
        ["generate"] = GenerateVerb.RunAsync,
        ["score"] = ScoreVerb.RunAsync,
        ["bench"] = BenchVerb.RunAsync,
        ["synth-model"] = SynthModelVerb.RunAsync,
        ["notebook"] = NotebookVerb.RunAsync,
        ["run"] = RunVerb.RunAsync,
        ["ablate"] = AblateVerb.RunAsync,
        ["replay"] = ReplayVerb.RunAsync,
    };

    /// <summary>True when <paramref name="args"/> start with a headless verb (anything else means serve).</summary>
    public static bool IsHeadless(string[] args) =>
        args.Length > 0 && (Verbs.ContainsKey(args[0]) || args[0] is "help" or "--help" or "-h");

    /// <summary>Runs a headless verb and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        if (args[0] is "help" or "--help" or "-h") { context.Out.Write(Usage); return 0; }
        try
        {
            return await Verbs[args[0]](context, args[1..], cancellationToken);
        }
        catch (Exception e) when (e is CliException or ModelException or TokenizerException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            context.Error.WriteLine($"gptplayground {args[0]}: {OneLine(message)}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine($"gptplayground {args[0]}: cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("GPTPLAYGROUND_DEBUG") is null)
        {
            context.Error.WriteLine($"gptplayground {args[0]}: internal error ({e.GetType().Name}): {OneLine(e.Message)} (set GPTPLAYGROUND_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    /// <summary>
    /// Turns the serve verb's arguments into ASP.NET Core host arguments: drops a leading "serve",
    /// maps --models/--prompts/--provider to configuration keys, and passes the rest (--urls, host settings) through.
    /// </summary>
    /// <exception cref="CliException">An option that needs a value has none.</exception>
    public static string[] ToHostArgs(string[] args)
    {
        var host = new List<string>();
        var rest = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        for (int i = 0; i < rest.Length; i++)
        {
            var (name, value) = Split(rest[i]);
            string? key = name switch { "--models" => "Playground:Models", "--prompts" => "Playground:Prompts", "--provider" => "Playground:Provider", _ => null };
            if (key is null) { host.Add(rest[i]); continue; }
            value ??= i + 1 < rest.Length ? rest[++i] : throw new CliException($"option {name} needs a value");
            host.Add($"--{key}={value}");
        }
        return host.ToArray();
    }

    static (string Name, string? Value) Split(string arg)
    {
        int eq = arg.IndexOf('=');
        return eq > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Help text.</summary>
    public const string Usage = """
        gptplayground: a notebook-style prompt playground for local ONNX language models.

        usage: gptplayground [serve] [--urls URL] [--models DIR] [--prompts DIR] [--provider cpu|cuda|auto]
               gptplayground models [--models DIR] [--json]
               gptplayground generate [--model NAME|PATH] (--prompt TEXT | --prompt-file F | --prompt-ids 1,2,3)
                                      [--provider cpu|cuda|auto] [--top-logprobs K] [--json]
                                      [--max-new-tokens N] [--min-new-tokens N] [--do-sample] [--seed S]
                                      [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--typical-p P]
                                      [--repetition-penalty R] [--presence-penalty X] [--frequency-penalty X]
                                      [--no-repeat-ngram-size N] [--num-beams N] [--length-penalty L]
                                      [--early-stopping] [--num-return-sequences N] [--stop S]...
               gptplayground score [--model NAME|PATH] (--text TEXT | --text-file F) [--top-logprobs K]
                                   [--provider P] [--json]
               gptplayground bench [--model NAME|PATH] [--prompt-tokens N] [--new-tokens N] [--runs N] [--batch N]
                                   [--provider P] [--compare-bare] [--compare-genai] [--json]
               gptplayground synth-model --out DIR --layers N --hidden N --heads N --vocab N
                                         [--kv-heads N] [--context N] [--fp16] [--int32-inputs] [--seed S]
                                         [--layout optimum|merged|stacked] [--external-data] [--genai-config]
               gptplayground notebook check NOTEBOOK.md
               gptplayground run NOTEBOOK.md [--out FILE] [--json] [--models DIR] [--provider P]
                                 [--samples N] [--normalize exact|trimmed|case-folded|first-line]
                                 [--styles] [--fail-under RATE] [--concurrency N] [--no-record]
               gptplayground ablate NOTEBOOK.md --cell NAME [--repeats R] [--seed S] [--json]
                                    [--concurrency N] [--models DIR] [--provider P]
               gptplayground replay RECORD.jsonl [--line N | --all] [--json] [--models DIR] [--provider P]
               gptplayground replay NOTEBOOK.md [--json] [--models DIR] [--provider P]

        serve is the default verb: the web app on http://127.0.0.1:5080.
        Without --model: the first usable model in models/, the embedded playground-mini only when there is no other.
        generate: unset decoding flags come from the model's generation_config.json, else greedy (docs/decoding.md).
        run: a cell with a dataset runs every row x variant and reports pass rates with 95% Wilson intervals;
             --styles runs the rows as zero-shot, few-shot and instruction prompts (docs/notebook-format.md);
             each run leaves a record in .runs/ beside the notebook unless --no-record (docs/records.md).
        ablate: a few-shot cell's accuracy over its dataset without each example, with k random examples
                (k = 0..n, R subsets each) and in R random orders; the same --seed draws the same (docs/evaluation.md).
        replay: re-runs a run record (default the file's last) or a notebook's saved outputs with their token ids, and
                prints per output identical or the first differing token with both probabilities (docs/records.md).
        Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error, 3 a pass rate below run's --fail-under
                    or a replay that differs.

        """;
}
