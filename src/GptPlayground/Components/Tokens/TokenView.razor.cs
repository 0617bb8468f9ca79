using System.Globalization;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Tokens;

/// <summary>
/// Shows text token by token, each coloured by its probability (green likely, red unlikely) or, for a scored
/// prompt, by its surprisal. Every token is focusable; hovering or focusing it opens a tooltip with its logprob and
/// the top alternatives under the raw distribution and after the sampling filters. Pure CSS (no JavaScript).
/// </summary>
public sealed partial class TokenView
{
    /// <summary>The tokens to show, in order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<TokenDetail> Tokens { get; set; } = [];

    /// <summary>Colour by surprisal (bits) instead of probability; used for prompts.</summary>
    [Parameter] public bool Surprisal { get; set; }

    /// <summary>Accessible name of the view.</summary>
    [Parameter] public string AriaLabel { get; set; } = "Tokens";

    /// <summary>
    /// Background colour: hue 0 (red) to 120 (green) by probability; by surprisal, 0 bits green to 12+ bits red.
    /// Tokens without a logprob are grey.
    /// </summary>
    public string Colour(TokenDetail token)
    {
        if (token.Probability is not double p) return "#eceff3";
        double goodness = Surprisal ? 1 - Math.Min(token.SurprisalBits!.Value / 12, 1) : p;
        return string.Create(CultureInfo.InvariantCulture, $"hsl({goodness * 120:0}, 70%, 84%)");
    }

    static string Percent(float logprob) => FormatProbability(Math.Exp(logprob));

    /// <summary>
    /// A probability as a percentage people read at a glance: one decimal from 0.1% up ("90.0%", "2.6%"), two
    /// significant digits below ("0.026%", "0.00031%"), and "&lt;0.0001%" under one in a million (the logprob beside it
    /// keeps the exact value). Never scientific notation.
    /// </summary>
    public static string FormatProbability(double p)
    {
        double percent = p * 100;
        if (percent >= 0.1 || percent == 0) return percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";
        if (percent < 0.0001) return "<0.0001%";
        int decimals = (int)Math.Ceiling(-Math.Log10(percent)) + 1;     // two significant digits
        return Math.Round(percent, decimals).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>The token's text with whitespace made visible where it would vanish (a token of only spaces or newlines).</summary>
    static string Visible(string text) => text.Length > 0 && string.IsNullOrWhiteSpace(text) && text.Contains('\n') ? text.Replace("\n", "↵\n") : text;

    static string Quote(string text) => text.Replace("\n", "\\n").Replace("\t", "\\t");

    string Label(TokenDetail t) =>
        t.Logprob is float lp ? $"{Quote(t.Text)}: p {Percent(lp)}" : $"{Quote(t.Text)}";
}
