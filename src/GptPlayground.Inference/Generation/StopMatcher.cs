namespace GptPlayground.Inference.Generation;

/// <summary>
/// Matches stop strings on one sequence's decoded text across token boundaries. Text that could still be the
/// start of a stop string is held back, so the text released never contains (a piece of) the stop string.
/// </summary>
/// <remarks>
/// Invariant: no position of the released text starts a prefix of any stop string, so a match always lies
/// wholly in the held-back text. Each push searches that text for the earliest match; without one it releases
/// all but the longest suffix that is a proper prefix of a stop string.
/// </remarks>
internal sealed class StopMatcher(IReadOnlyList<string> stops)
{
    string pending = "";
    bool stopped;

    /// <summary>Adds decoded text; returns the text that may be shown now and whether a stop string matched (the text ends just before it).</summary>
    public (string Text, bool Stopped) Push(string delta)
    {
        if (stopped) return ("", true);
        if (stops.Count == 0) return (delta, false);
        pending += delta;
        int earliest = Earliest(pending, stops);
        if (earliest >= 0)
        {
            stopped = true;
            var before = pending[..earliest];
            pending = "";
            return (before, true);
        }
        int hold = 0;
        foreach (var stop in stops)
            for (int len = Math.Min(stop.Length - 1, pending.Length); len > hold; len--)
                if (pending.AsSpan(pending.Length - len).SequenceEqual(stop.AsSpan(0, len))) { hold = len; break; }
        var release = pending[..^hold];
        pending = pending[^hold..];
        return (release, false);
    }

    /// <summary>Where the earliest of <paramref name="stops"/> starts in <paramref name="text"/> (ordinal), or -1.</summary>
    public static int Earliest(string text, IReadOnlyList<string> stops)
    {
        int earliest = -1;
        foreach (var stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (earliest < 0 || at < earliest)) earliest = at;
        }
        return earliest;
    }

    /// <summary>Releases the held-back text at the end of the sequence ("" after a stop).</summary>
    public string Flush()
    {
        var rest = stopped ? "" : pending;
        pending = "";
        return rest;
    }
}
