using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace GptPlayground.Notebooks.Templates;

/// <summary>
/// A small interpreter for the subset of Jinja2 that Hugging Face chat templates use: <c>{{ }}</c>, <c>if/elif/else</c>,
/// <c>for</c> (with <c>loop.*</c>, <c>else</c>, an <c>if</c> filter, <c>break</c>/<c>continue</c>), <c>set</c> (also
/// <c>namespace()</c> attributes and block set), <c>macro</c>, <c>generation</c> blocks, comments, whitespace control
/// with HF's <c>trim_blocks</c>/<c>lstrip_blocks</c>, Python-like values (strings, ints, floats, lists, dicts, none), the
/// common filters (trim, length, upper, lower, tojson, default, join, first, last, map, selectattr, ...) and tests
/// (defined, none, string, mapping, ...), string and dict methods (strip, split, startswith, items, get, ...) and
/// <c>raise_exception</c>. Anything else throws <see cref="ChatTemplateException"/> so the caller can fall back.
/// </summary>
/// <example>
/// <code>
/// var t = JinjaTemplate.Parse("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");
/// string text = t.Render(new() { ["messages"] = new List&lt;object?&gt; { new Dictionary&lt;string, object?&gt; { ["role"] = "user", ["content"] = "hi" } } });
/// </code>
/// </example>
public sealed class JinjaTemplate
{
    readonly List<Node> body;

    JinjaTemplate(List<Node> body) => this.body = body;

    /// <summary>Parses template source.</summary>
    /// <exception cref="ChatTemplateException">Syntax this interpreter does not support or cannot parse.</exception>
    public static JinjaTemplate Parse(string source)
    {
        var segments = JinjaLexer.Split(source);
        int pos = 0;
        try
        {
            var nodes = ParseNodes(segments, ref pos, []);
            if (pos < segments.Count) throw new ChatTemplateException($"unexpected {{% {segments[pos].Text} %}}");
            return new JinjaTemplate(nodes);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ChatTemplateException("the template nests too deeply to parse");
        }
    }

    /// <summary>Renders with the given variables (strings, bools, numbers, lists, dictionaries of those).</summary>
    /// <param name="variables">The template's variables.</param>
    /// <param name="limits">The sandbox's budgets; <see cref="JinjaLimits.Default"/> when null. A chat template comes with a
    /// model folder, i.e. from whoever published the model: it must not be able to pin a core, exhaust memory or
    /// overflow the stack (which would end the process).</param>
    /// <param name="cancellationToken">Checked every 1,024 steps.</param>
    /// <exception cref="ChatTemplateException">raise_exception was called, a value was used in a way not supported, or
    /// the template went past one of its <paramref name="limits"/> (the message names the limit).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, JinjaLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var run = new Interpreter(limits ?? JinjaLimits.Default, cancellationToken);
        var sb = new StringBuilder();
        var scope = new Scope(null);
        foreach (var (k, v) in variables) scope.Vars[k] = v;
        scope.Vars["raise_exception"] = new Callable((args, _) => throw new ChatTemplateException("the template raised: " + Values.Str(args.FirstOrDefault())));
        scope.Vars["namespace"] = new Callable((_, kw) => { var ns = new Namespace(); foreach (var (k, v) in kw) ns[k] = v; return ns; });
        scope.Vars["range"] = new Callable((args, _) => Values.Range(args, run.Limits.MaxItems));
        scope.Vars["strftime_now"] = new Callable((args, _) => DateTime.Now.ToString(Values.PyDateFormat(Values.Str(args.FirstOrDefault())), CultureInfo.InvariantCulture));
        scope.Vars["dict"] = new Callable((_, kw) => new Dictionary<string, object?>(kw));
        try { run.Exec(body, scope, sb); }
        catch (LoopSignal) { throw new ChatTemplateException("break/continue outside a loop"); }
        catch (InsufficientExecutionStackException) { throw new ChatTemplateException("the template nests too deeply (recursion without end?)"); }
        catch (Exception e) when (e is InvalidCastException or FormatException or ArgumentException or OverflowException or DivideByZeroException or KeyNotFoundException)
        {
            throw new ChatTemplateException($"template error: {e.Message}");
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ statements

    abstract record Node;
    sealed record TextNode(string Text) : Node;
    sealed record OutputNode(Expr Expr) : Node;
    sealed record IfNode(List<(Expr Cond, List<Node> Body)> Branches, List<Node>? Else) : Node;
    sealed record ForNode(List<string> Targets, Expr Iterable, Expr? Filter, List<Node> Body, List<Node>? Else) : Node;
    sealed record SetNode(string Target, string? Attribute, Expr? Value, List<Node>? Block) : Node;
    sealed record MacroNode(string Name, List<(string Name, Expr? Default)> Params, List<Node> Body) : Node;
    sealed record LoopControl(bool Break) : Node;

    sealed class LoopSignal(bool isBreak) : Exception { public bool IsBreak { get; } = isBreak; }

    static List<Node> ParseNodes(List<Segment> segs, ref int pos, string[] enders)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var nodes = new List<Node>();
        while (pos < segs.Count)
        {
            var s = segs[pos];
            if (s.Kind == SegmentKind.Text) { nodes.Add(new TextNode(s.Text)); pos++; continue; }
            if (s.Kind == SegmentKind.Output) { nodes.Add(new OutputNode(ExprParser.Parse(s.Text))); pos++; continue; }
            var keyword = FirstWord(s.Text);
            if (enders.Contains(keyword)) return nodes;
            pos++;
            var rest = s.Text[keyword.Length..].Trim();
            switch (keyword)
            {
                case "if":
                {
                    var branches = new List<(Expr, List<Node>)>();
                    List<Node>? otherwise = null;
                    var cond = ExprParser.Parse(rest);
                    while (true)
                    {
                        var b = ParseNodes(segs, ref pos, ["elif", "else", "endif"]);
                        branches.Add((cond, b));
                        if (pos >= segs.Count) throw new ChatTemplateException("{% if %} without {% endif %}");
                        var end = segs[pos++].Text;
                        var w = FirstWord(end);
                        if (w == "elif") { cond = ExprParser.Parse(end[4..]); continue; }
                        if (w == "else")
                        {
                            otherwise = ParseNodes(segs, ref pos, ["endif"]);
                            if (pos >= segs.Count) throw new ChatTemplateException("{% if %} without {% endif %}");
                            pos++;
                        }
                        break;
                    }
                    nodes.Add(new IfNode(branches, otherwise));
                    break;
                }
                case "for":
                {
                    var t = new ExprTokens(rest);
                    var targets = new List<string> { t.ExpectName() };
                    while (t.TakeOp(",")) targets.Add(t.ExpectName());
                    if (!t.TakeName("in")) throw new ChatTemplateException("expected 'in' in {% for %}");
                    var iterable = ParseForIterable(t);
                    Expr? filter = t.TakeName("if") ? ExprParser.Expression(t) : null;
                    if (t.TakeName("recursive")) throw new ChatTemplateException("recursive loops are not supported");
                    if (!t.AtEnd) throw new ChatTemplateException($"unexpected '{t.Peek().Text}' in {{% for %}}");
                    var loopBody = ParseNodes(segs, ref pos, ["else", "endfor"]);
                    List<Node>? otherwise = null;
                    if (pos >= segs.Count) throw new ChatTemplateException("{% for %} without {% endfor %}");
                    if (FirstWord(segs[pos++].Text) == "else")
                    {
                        otherwise = ParseNodes(segs, ref pos, ["endfor"]);
                        if (pos >= segs.Count) throw new ChatTemplateException("{% for %} without {% endfor %}");
                        pos++;
                    }
                    nodes.Add(new ForNode(targets, iterable, filter, loopBody, otherwise));
                    break;
                }
                case "set":
                {
                    int eq = IndexOfAssign(rest);
                    var target = (eq < 0 ? rest : rest[..eq]).Trim();
                    string? attr = null;
                    int dot = target.IndexOf('.');
                    if (dot > 0) { attr = target[(dot + 1)..].Trim(); target = target[..dot].Trim(); }
                    if (eq < 0)
                    {
                        var block = ParseNodes(segs, ref pos, ["endset"]);
                        if (pos >= segs.Count) throw new ChatTemplateException("{% set %} without {% endset %}");
                        pos++;
                        nodes.Add(new SetNode(target, attr, null, block));
                    }
                    else nodes.Add(new SetNode(target, attr, ExprParser.Parse(rest[(eq + 1)..]), null));
                    break;
                }
                case "macro":
                {
                    var t = new ExprTokens(rest);
                    var name = t.ExpectName();
                    t.ExpectOp("(");
                    var ps = new List<(string, Expr?)>();
                    while (!t.TakeOp(")"))
                    {
                        var p = t.ExpectName();
                        Expr? def = t.TakeOp("=") ? ExprParser.Expression(t) : null;
                        ps.Add((p, def));
                        if (!t.IsOp(")")) t.ExpectOp(",");
                    }
                    var macroBody = ParseNodes(segs, ref pos, ["endmacro"]);
                    if (pos >= segs.Count) throw new ChatTemplateException("{% macro %} without {% endmacro %}");
                    pos++;
                    nodes.Add(new MacroNode(name, ps, macroBody));
                    break;
                }
                case "generation":
                {
                    // transformers' AssistantTracker: marks assistant text, renders as its body
                    var inner = ParseNodes(segs, ref pos, ["endgeneration"]);
                    if (pos >= segs.Count) throw new ChatTemplateException("{% generation %} without {% endgeneration %}");
                    pos++;
                    nodes.AddRange(inner);
                    break;
                }
                case "break": nodes.Add(new LoopControl(true)); break;
                case "continue": nodes.Add(new LoopControl(false)); break;
                default:
                    throw new ChatTemplateException($"unsupported statement {{% {keyword} %}}");
            }
        }
        if (enders.Length > 0) throw new ChatTemplateException($"missing {{% {enders[^1]} %}}");
        return nodes;
    }

    /// <summary>The iterable of a for loop: an expression up to a top-level 'if' or 'recursive'.</summary>
    static Expr ParseForIterable(ExprTokens t)
    {
        // Or-level parsing stops before 'if' (the conditional form needs 'else', which a loop filter lacks)
        var e = ExprParser.Expression(t);
        if (e is Conditional { Else: null } c) { return new ForFilterMarker(c.Then, c.Condition); }
        return e;
    }

    sealed record ForFilterMarker(Expr Iterable, Expr Filter) : Expr;

    static int IndexOfAssign(string s)
    {
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0') { if (c == '\\') i++; else if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') { quote = c; continue; }
            if (c == '=' && (i + 1 >= s.Length || s[i + 1] != '=') && (i == 0 || s[i - 1] is not ('=' or '!' or '<' or '>'))) return i;
        }
        return -1;
    }

    static string FirstWord(string s)
    {
        int i = 0;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
        return s[..i];
    }

    // ------------------------------------------------------------------ execution

    sealed class Scope(Scope? parent)
    {
        public readonly Dictionary<string, object?> Vars = new(StringComparer.Ordinal);
        public Scope? Parent { get; } = parent;

        public object? Get(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Vars.TryGetValue(name, out var v)) return v;
            return Undefined.Value;
        }
    }

    /// <summary>One render: the budgets and what has been spent of them.</summary>
    sealed class Interpreter(JinjaLimits limits, CancellationToken cancellationToken)
    {
        public JinjaLimits Limits { get; } = limits;
        long steps;
        int depth;

        /// <summary>Counts one unit of work (a statement, a loop iteration, an expression).</summary>
        void Step()
        {
            if (++steps > Limits.MaxSteps)
                throw new ChatTemplateException($"the template ran past its budget of {Limits.MaxSteps:N0} steps (an endless or very long loop?)", overBudget: true);
            if ((steps & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
        }

        void Append(StringBuilder sb, string text)
        {
            if ((long)sb.Length + text.Length > Limits.MaxOutputChars)
                throw new ChatTemplateException($"the template's output passed {Limits.MaxOutputChars:N0} characters", overBudget: true);
            sb.Append(text);
        }

        /// <summary>Refuses strings and lists past the budgets, whichever operation made them.</summary>
        object? Bounded(object? value) => value switch
        {
            string text when text.Length > Limits.MaxOutputChars => throw new ChatTemplateException($"the template builds a string longer than {Limits.MaxOutputChars:N0} characters", overBudget: true),
            List<object?> list when list.Count > Limits.MaxItems => throw new ChatTemplateException($"the template builds a list of more than {Limits.MaxItems:N0} items", overBudget: true),
            _ => value,
        };

        public void Exec(List<Node> nodes, Scope scope, StringBuilder sb)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            foreach (var node in nodes)
            {
                Step();
                switch (node)
                {
                    case TextNode t: Append(sb, t.Text); break;
                    case OutputNode o: Append(sb, Values.Str(Eval(o.Expr, scope))); break;
                    case IfNode i:
                    {
                        bool done = false;
                        foreach (var (cond, b) in i.Branches)
                            if (Values.Truthy(Eval(cond, scope))) { Exec(b, scope, sb); done = true; break; }
                        if (!done && i.Else is not null) Exec(i.Else, scope, sb);
                        break;
                    }
                    case ForNode f: ExecFor(f, scope, sb); break;
                    case SetNode s:
                    {
                        object? value;
                        if (s.Block is not null) { var inner = new StringBuilder(); Exec(s.Block, scope, inner); value = inner.ToString(); }
                        else value = Eval(s.Value!, scope);
                        if (s.Attribute is null) scope.Vars[s.Target] = value;
                        else if (scope.Get(s.Target) is Namespace ns) ns[s.Attribute] = value;
                        else throw new ChatTemplateException($"cannot set {s.Target}.{s.Attribute}: {s.Target} is not a namespace()");
                        break;
                    }
                    case MacroNode m:
                    {
                        var defScope = scope;
                        scope.Vars[m.Name] = new Callable((args, kw) =>
                        {
                            if (++depth > Limits.MaxDepth)
                                throw new ChatTemplateException($"the template nests macro calls deeper than {Limits.MaxDepth} (recursion without end?)", overBudget: true);
                            var call = new Scope(defScope);
                            for (int k = 0; k < m.Params.Count; k++)
                            {
                                var (pn, def) = m.Params[k];
                                call.Vars[pn] = k < args.Count ? args[k] : kw.TryGetValue(pn, out var v) ? v : def is null ? Undefined.Value : Eval(def, defScope);
                            }
                            var inner = new StringBuilder();
                            try { Exec(m.Body, call, inner); }
                            finally { depth--; }
                            return inner.ToString();
                        });
                        break;
                    }
                    case LoopControl lc: throw new LoopSignal(lc.Break);
                }
            }
        }

        void ExecFor(ForNode f, Scope scope, StringBuilder sb)
        {
            var iterableExpr = f.Iterable;
            var filter = f.Filter;
            if (iterableExpr is ForFilterMarker m) { iterableExpr = m.Iterable; filter = m.Filter; }
            var items = Values.Iterate(Eval(iterableExpr, scope)).ToList();
            if (filter is not null)
            {
                items = items.Where(item =>
                {
                    var probe = new Scope(scope);
                    Bind(probe, f.Targets, item);
                    return Values.Truthy(Eval(filter, probe));
                }).ToList();
            }
            if (items.Count == 0) { if (f.Else is not null) Exec(f.Else, scope, sb); return; }
            for (int i = 0; i < items.Count; i++)
            {
                Step();
                var inner = new Scope(scope);
                Bind(inner, f.Targets, items[i]);
                int index = i;
                inner.Vars["loop"] = new Dictionary<string, object?>
                {
                    ["index"] = (long)(i + 1), ["index0"] = (long)i, ["first"] = i == 0, ["last"] = i == items.Count - 1,
                    ["length"] = (long)items.Count, ["revindex"] = (long)(items.Count - i), ["revindex0"] = (long)(items.Count - i - 1),
                    ["previtem"] = i > 0 ? items[i - 1] : Undefined.Value, ["nextitem"] = i + 1 < items.Count ? items[i + 1] : Undefined.Value,
                    ["cycle"] = new Callable((args, _) => args.Count == 0 ? Undefined.Value : args[index % args.Count]),
                };
                try { Exec(f.Body, inner, sb); }
                catch (LoopSignal signal) { if (signal.IsBreak) break; }
            }
        }

        static void Bind(Scope scope, List<string> targets, object? item)
        {
            if (targets.Count == 1) { scope.Vars[targets[0]] = item; return; }
            var parts = Values.Iterate(item).ToList();
            if (parts.Count != targets.Count) throw new ChatTemplateException($"cannot unpack {parts.Count} values into {targets.Count} names");
            for (int i = 0; i < targets.Count; i++) scope.Vars[targets[i]] = parts[i];
        }

        object? Eval(Expr e, Scope scope)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            Step();
            return Bounded(EvalUnbounded(e, scope));
        }

        object? EvalUnbounded(Expr e, Scope scope)
        {
            switch (e)
            {
                case Literal l: return l.Value;
                case Name n: return scope.Get(n.Id);
                case ListExpr l: return l.Items.Select(i => Eval(i, scope)).ToList();
                case DictExpr d:
                {
                    var dict = new Dictionary<string, object?>();
                    foreach (var (k, v) in d.Items) dict[Values.Str(Eval(k, scope))] = Eval(v, scope);
                    return dict;
                }
                case Attr a: return Values.GetAttr(Eval(a.Target, scope), a.Id);
                case Index i: return Values.GetItem(Eval(i.Target, scope), Eval(i.Key, scope));
                case Slice s:
                    return Values.SliceOf(Eval(s.Target, scope), s.Start is null ? null : Eval(s.Start, scope), s.Stop is null ? null : Eval(s.Stop, scope), s.Step is null ? null : Eval(s.Step, scope));
                case Call c:
                {
                    var target = Eval(c.Target, scope);
                    if (target is not Callable fn) throw new ChatTemplateException($"'{Describe(c.Target)}' is not a function this interpreter knows");
                    return fn.Invoke(c.Args.Select(x => Eval(x, scope)).ToList(), c.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value, scope)));
                }
                case Filter f:
                    return Filters.Apply(f.Id, Eval(f.Target, scope), f.Args.Select(x => Eval(x, scope)).ToList(), f.Kwargs.ToDictionary(k => k.Name, k => Eval(k.Value, scope)));
                case Test t:
                {
                    bool r = Filters.Test(t.Id, Eval(t.Target, scope), t.Args.Select(x => Eval(x, scope)).ToList());
                    return t.Negated ? !r : r;
                }
                case Unary u:
                {
                    var v = Eval(u.Operand, scope);
                    return u.Op switch
                    {
                        "not" => !Values.Truthy(v),
                        "-" => v switch { long x => (object)(-x), double x => -x, _ => throw new ChatTemplateException("unary minus on a non-number") },
                        _ => throw new ChatTemplateException("unknown operator " + u.Op),
                    };
                }
                case Binary b:
                {
                    if (b.Op == "and") { var l = Eval(b.Left, scope); return Values.Truthy(l) ? Eval(b.Right, scope) : l; }
                    if (b.Op == "or") { var l = Eval(b.Left, scope); return Values.Truthy(l) ? l : Eval(b.Right, scope); }
                    var (left, right) = (Eval(b.Left, scope), Eval(b.Right, scope));
                    if (b.Op == "*" && left is string text && right is long times && (double)text.Length * times > Limits.MaxOutputChars)
                        throw new ChatTemplateException($"the template builds a string longer than {Limits.MaxOutputChars:N0} characters", overBudget: true);
                    return Values.BinaryOp(b.Op, left, right);
                }
                case Conditional c:
                    return Values.Truthy(Eval(c.Condition, scope)) ? Eval(c.Then, scope) : c.Else is null ? Undefined.Value : Eval(c.Else, scope);
                default:
                    throw new ChatTemplateException("unsupported expression");
            }
        }

    }

    static string Describe(Expr e) => e switch { Name n => n.Id, Attr a => Describe(a.Target) + "." + a.Id, _ => "expression" };
}
