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

    static string Percent(float logprob) => (Math.Exp(logprob) * 100).ToString(Math.Exp(logprob) < 0.001 ? "0.00e0" : "0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The token's text with whitespace made visible where it would vanish (a token of only spaces or newlines).</summary>
    static string Visible(string text) => text.Length > 0 && string.IsNullOrWhiteSpace(text) && text.Contains('\n') ? text.Replace("\n", "↵\n") : text;

    static string Quote(string text) => text.Replace("\n", "\\n").Replace("\t", "\\t");

    string Label(TokenDetail t) =>
        t.Logprob is float lp ? $"{Quote(t.Text)}: p {Percent(lp)}" : $"{Quote(t.Text)}";
}
