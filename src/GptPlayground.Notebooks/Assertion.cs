using System.Text.RegularExpressions;

namespace GptPlayground.Notebooks;

/// <summary>How an output is judged against the expected answer (a cell's <c>assert</c> setting; default <see cref="Exact"/>).</summary>
public enum AssertionKind
{
    /// <summary><c>exact</c>: equal once leading and trailing whitespace is trimmed from both.</summary>
    Exact,
    /// <summary><c>contains</c>: the trimmed output contains the trimmed expected text.</summary>
    Contains,
    /// <summary><c>starts-with</c>: the trimmed output starts with the trimmed expected text.</summary>
    StartsWith,
    /// <summary><c>regex</c>: the expected text is a .NET regular expression that must match somewhere in the trimmed
    /// output (anchor it with <c>^...$</c> for a whole match); a match runs at most <see cref="Assertions.RegexTimeout"/>.</summary>
    Regex,
    /// <summary><c>choices</c>: nothing is generated; each of the cell's <c>choices</c> is scored as a continuation of the
    /// prompt (its total log-probability, as lm-evaluation-harness scores multiple choice) and the most probable one is
    /// the answer, which passes when it is the expected choice.</summary>
    Choices,
}

/// <summary>The verdict on one output.</summary>
/// <param name="Passed">Whether the output passed.</param>
/// <param name="Error">Why it could not be judged (a regex that timed out); then <paramref name="Passed"/> is false.</param>
public readonly record struct Judgement(bool Passed, string? Error = null);

/// <summary>The assertions' names and their one judging rule, shared by the UI's ✓/✗, the <c>run</c> verb and the evaluation engine.</summary>
public static class Assertions
{
    /// <summary>Longest time one regex match may take: 250 ms (a pattern that backtracks catastrophically fails with a clear error instead of hanging).</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The names as a cell's <c>assert</c> setting writes them, in <see cref="AssertionKind"/> order.</summary>
    public static readonly IReadOnlyList<string> Names = ["exact", "contains", "starts-with", "regex", "choices"];

    /// <summary>The setting's name of a kind ("starts-with").</summary>
    public static string Name(AssertionKind kind) => Names[(int)kind];

    /// <summary>The kind a name stands for, or null.</summary>
    public static AssertionKind? Parse(string name)
    {
        int i = Names.ToList().IndexOf(name);
        return i < 0 ? null : (AssertionKind)i;
    }

    /// <summary>Compiles a <c>regex</c> assertion's pattern with the match timeout.</summary>
    /// <exception cref="ArgumentException">The pattern does not compile; the message says why.</exception>
    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, RegexTimeout);

    /// <summary>
    /// Judges <paramref name="output"/> against <paramref name="expected"/>. For <see cref="AssertionKind.Choices"/> the
    /// output is the chosen choice and the rule is <see cref="AssertionKind.Exact"/>.
    /// </summary>
    /// <returns>The verdict; a pattern that does not compile or a match that times out gives <c>Passed: false</c> and the reason.</returns>
    public static Judgement Judge(AssertionKind kind, string expected, string output)
    {
        string o = output.Trim(), e = expected.Trim();
        switch (kind)
        {
            case AssertionKind.Contains: return new(o.Contains(e, StringComparison.Ordinal));
            case AssertionKind.StartsWith: return new(o.StartsWith(e, StringComparison.Ordinal));
            case AssertionKind.Regex:
                Regex regex;
                try { regex = Compile(expected); }
                catch (ArgumentException x) { return new(false, $"regex '{expected}' does not compile: {x.Message}"); }
                try { return new(regex.IsMatch(o)); }
                catch (RegexMatchTimeoutException)
                {
                    return new(false, $"regex '{expected}' timed out after {RegexTimeout.TotalMilliseconds:0} ms on an output of {o.Length} characters: it backtracks catastrophically; avoid nested quantifiers such as (a+)+ or (.*)*");
                }
            default: return new(o == e);
        }
    }
}
