namespace GptPlayground.Notebooks.Templates;

/// <summary>
/// The budgets of one <see cref="JinjaTemplate.Render"/>. Chat templates arrive inside model folders, so they are
/// untrusted code: these bounds keep a hostile or broken one (endless recursion, a 20,000 × 20,000 loop,
/// <c>range(20000000)</c>, a string doubled in a loop) from ending the process, pinning a core or exhausting memory.
/// Real chat templates use a few thousand steps for a long conversation; the defaults render in well under a second.
/// </summary>
/// <param name="MaxSteps">Statements, loop iterations and expressions evaluated. Default 1,000,000.</param>
/// <param name="MaxDepth">Nested macro calls. Default 64.</param>
/// <param name="MaxOutputChars">Characters of output, and of any one string the template builds. Default 2,000,000.</param>
/// <param name="MaxItems">Items of any one list (range() included). Default 100,000.</param>
public sealed record JinjaLimits(long MaxSteps = 1_000_000, int MaxDepth = 64, int MaxOutputChars = 2_000_000, int MaxItems = 100_000)
{
    /// <summary>The defaults above.</summary>
    public static JinjaLimits Default { get; } = new();
}
