using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace GptPlayground.Components.Rendering;

/// <summary>
/// Renders its <see cref="ChildContent"/> again only when <see cref="Version"/> changes (compared with
/// <see cref="object.Equals(object?, object?)"/>): a parent's render does not re-render the components inside unless the
/// version says that something they show changed. Blazor re-renders a child whose parameters it cannot compare (objects,
/// callbacks) on every render of its parent; the notebook editor puts each cell behind a gate so that drawing one more
/// cell, or the save state changing, does not re-render every cell (each a tree of MudBlazor components).
/// Everything the content captures that can change must be part of the version; the components inside still re-render
/// themselves on their own events.
/// </summary>
public sealed class RenderGate : ComponentBase
{
    object? rendered;

    /// <summary>What the content shows, as a value: a tuple of the captured values, a counter, ...</summary>
    [Parameter] public object? Version { get; set; }

    /// <summary>The content.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }

    /// <inheritdoc/>
    protected override bool ShouldRender() => !Equals(rendered, Version);

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        rendered = Version;
        builder.AddContent(0, ChildContent);
    }
}
