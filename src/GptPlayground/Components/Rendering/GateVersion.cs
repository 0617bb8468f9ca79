namespace GptPlayground.Components.Rendering;

/// <summary>
/// The version a component gives the <see cref="RenderGate"/>s around its parts: it counts the component's renders, except
/// a render announced with <see cref="SkipNext"/> (one that changes only what is outside the gates). The component calls
/// <see cref="OnShouldRender"/> from <c>ShouldRender</c> and <see cref="OnAfterRender"/> from <c>OnAfterRender</c>: a render
/// already queued when <see cref="SkipNext"/> was called does not ask <c>ShouldRender</c>, so the mark must not outlive
/// it. <see cref="Bump"/> counts a change that arrives while a render may already be queued (a run's tokens, new parameters).
/// </summary>
public sealed class GateVersion
{
    bool skip;

    /// <summary>The current version (compare it, with whatever else a gated part shows, as the gate's version).</summary>
    public int Value { get; private set; }

    /// <summary>The next render leaves the gated parts alone.</summary>
    public void SkipNext() => skip = true;

    /// <summary>Something the gated parts show changed: the next render draws them.</summary>
    public void Bump() => Value++;

    /// <summary>Call from <c>ShouldRender</c>: counts the render unless it was announced with <see cref="SkipNext"/>; returns true.</summary>
    public bool OnShouldRender()
    {
        if (!skip) Value++;
        skip = false;
        return true;
    }

    /// <summary>Call from <c>OnAfterRender</c>: forgets a <see cref="SkipNext"/> that no <c>ShouldRender</c> consumed.</summary>
    public void OnAfterRender() => skip = false;
}
