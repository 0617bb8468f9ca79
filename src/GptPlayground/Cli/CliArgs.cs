using System.Globalization;

namespace GptPlayground.Cli;

/// <summary>
/// Parsed options of one verb: <c>--name value</c>, <c>--name=value</c> and <c>--flag</c>.
/// Every option must be declared by the verb; anything else is an error that lists the valid ones.
/// </summary>
public sealed class CliArgs
{
    readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);
    readonly string verb;

    CliArgs(string verb) => this.verb = verb;

    /// <summary>Positional arguments (those not starting with --).</summary>
    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/> for <paramref name="verb"/>.</summary>
    /// <param name="verb">Verb name, for messages.</param>
    /// <param name="args">Arguments after the verb.</param>
    /// <param name="options">Options that take a value.</param>
    /// <param name="switches">Options without a value.</param>
    /// <exception cref="CliException">Unknown option or missing value.</exception>
    public static CliArgs Parse(string verb, IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> switches)
    {
        var parsed = new CliArgs(verb);
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--") { parsed.Positional.Add(arg); continue; }
            var name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (switches.Contains(name))
            {
                if (inline is not null && !bool.TryParse(inline, out var on)) throw new CliException($"--{name} takes no value (or =true/=false), got '{inline}'");
                if (inline is null || bool.Parse(inline)) parsed.flags.Add(name);
            }
            else if (options.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CliException($"option --{name} needs a value"));
                if (!parsed.values.TryGetValue(name, out var list)) parsed.values[name] = list = [];
                list.Add(value);
            }
            else
            {
                var all = options.Concat(switches).Order().Select(o => "--" + o);
                throw new CliException($"unknown option --{name} for '{verb}' (valid: {string.Join(" ", all)})");
            }
        }
        return parsed;
    }

    /// <summary>True if the switch was given.</summary>
    public bool Has(string name) => flags.Contains(name);

    /// <summary>The last value of an option, or null.</summary>
    public string? Get(string name) => values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> GetAll(string name) => values.TryGetValue(name, out var list) ? list : [];

    /// <summary>A required option's value.</summary>
    public string Require(string name, string hint) => Get(name) ?? throw new CliException($"'{verb}' needs --{name} {hint}");

    /// <summary>An integer option within [min, max], or the default.</summary>
    /// <exception cref="CliException">Not an integer or out of range; names the option, the value and the range.</exception>
    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new CliException($"--{name} (={text}) must be an integer");
        if (value < min || value > max)
            throw new CliException($"--{name} (={text}) must be {(max == int.MaxValue ? $">= {min}" : $"between {min} and {max}")}");
        return value;
    }
}
