using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;

namespace GptPlayground.Notebooks.Templates;

/// <summary>An expression node.</summary>
abstract record Expr;
sealed record Literal(object? Value) : Expr;
sealed record Name(string Id) : Expr;
sealed record ListExpr(List<Expr> Items) : Expr;
sealed record DictExpr(List<(Expr Key, Expr Value)> Items) : Expr;
sealed record Attr(Expr Target, string Id) : Expr;
sealed record Index(Expr Target, Expr Key) : Expr;
sealed record Slice(Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr;
sealed record Call(Expr Target, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr;
sealed record Filter(Expr Target, string Id, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr;
sealed record Test(Expr Target, string Id, List<Expr> Args, bool Negated) : Expr;
sealed record Unary(string Op, Expr Operand) : Expr;
sealed record Binary(string Op, Expr Left, Expr Right) : Expr;
sealed record Conditional(Expr Condition, Expr Then, Expr? Else) : Expr;

/// <summary>Tokens of an expression: names, numbers, strings, operators.</summary>
sealed class ExprTokens
{
    readonly List<(string Kind, string Text, object? Value)> tokens = [];
    int pos;

    public ExprTokens(string source)
    {
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsLetter(c) || c == '_')
            {
                int s = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_')) i++;
                tokens.Add(("name", source[s..i], null));
                continue;
            }
            if (char.IsDigit(c))
            {
                int s = i;
                while (i < source.Length && (char.IsDigit(source[i]) || source[i] == '_')) i++;
                bool isFloat = false;
                if (i + 1 < source.Length && source[i] == '.' && char.IsDigit(source[i + 1]))
                {
                    isFloat = true; i++;
                    while (i < source.Length && char.IsDigit(source[i])) i++;
                }
                var text = source[s..i].Replace("_", "");
                tokens.Add(("number", text, isFloat ? (object)double.Parse(text, CultureInfo.InvariantCulture) : long.Parse(text, CultureInfo.InvariantCulture)));
                continue;
            }
            if (c is '\'' or '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= source.Length) throw new ChatTemplateException("unclosed string literal");
                    char d = source[i++];
                    if (d == c) break;
                    if (d != '\\') { sb.Append(d); continue; }
                    if (i >= source.Length) throw new ChatTemplateException("unclosed string literal");
                    char e = source[i++];
                    switch (e)
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case '\\': sb.Append('\\'); break;
                        case '\'': sb.Append('\''); break;
                        case '"': sb.Append('"'); break;
                        case 'u' when i + 4 <= source.Length: sb.Append((char)Convert.ToInt32(source.Substring(i, 4), 16)); i += 4; break;
                        case 'x' when i + 2 <= source.Length: sb.Append((char)Convert.ToInt32(source.Substring(i, 2), 16)); i += 2; break;
                        default: sb.Append('\\').Append(e); break;
                    }
                }
                tokens.Add(("string", "", sb.ToString()));
                continue;
            }
            string[] ops = ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="];
            var op = ops.FirstOrDefault(o => string.CompareOrdinal(source, i, o, 0, o.Length) == 0)
                ?? throw new ChatTemplateException($"unexpected character '{c}' in expression");
            tokens.Add(("op", op, null));
            i += op.Length;
        }
    }

    public bool AtEnd => pos >= tokens.Count;
    public (string Kind, string Text, object? Value) Peek(int ahead = 0) => pos + ahead < tokens.Count ? tokens[pos + ahead] : ("end", "", null);
    public (string Kind, string Text, object? Value) Next() => pos < tokens.Count ? tokens[pos++] : throw new ChatTemplateException("unexpected end of expression");
    public bool IsOp(string op, int ahead = 0) => Peek(ahead) is ("op", var t, _) && t == op;
    public bool IsName(string name, int ahead = 0) => Peek(ahead) is ("name", var t, _) && t == name;
    public bool TakeOp(string op) { if (!IsOp(op)) return false; pos++; return true; }
    public bool TakeName(string name) { if (!IsName(name)) return false; pos++; return true; }
    public void ExpectOp(string op) { if (!TakeOp(op)) throw new ChatTemplateException($"expected '{op}' but found '{Peek().Text}'"); }
    public string ExpectName() => Next() is ("name", var t, _) ? t : throw new ChatTemplateException("expected a name");
}

/// <summary>Recursive-descent parser with Jinja's precedence.</summary>
static class ExprParser
{
    public static Expr Parse(string source)
    {
        var t = new ExprTokens(source);
        var e = Expression(t);
        if (!t.AtEnd) throw new ChatTemplateException($"unexpected '{t.Peek().Text}' in expression '{source}'");
        return e;
    }

    public static Expr Expression(ExprTokens t)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();   // deeply nested source: an exception, not a stack overflow
        var e = Or(t);
        if (t.IsName("if"))
        {
            t.Next();
            var cond = Or(t);
            Expr? other = t.TakeName("else") ? Expression(t) : null;
            return new Conditional(cond, e, other);
        }
        return e;
    }

    static Expr Or(ExprTokens t)
    {
        var e = And(t);
        while (t.TakeName("or")) e = new Binary("or", e, And(t));
        return e;
    }

    static Expr And(ExprTokens t)
    {
        var e = Not(t);
        while (t.TakeName("and")) e = new Binary("and", e, Not(t));
        return e;
    }

    static Expr Not(ExprTokens t)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return t.TakeName("not") ? new Unary("not", Not(t)) : Compare(t);
    }

    static Expr Compare(ExprTokens t)
    {
        var e = Concat(t);
        while (true)
        {
            if (t.Peek() is ("op", "==" or "!=" or "<" or ">" or "<=" or ">=", _)) { var op = t.Next().Text; e = new Binary(op, e, Concat(t)); }
            else if (t.TakeName("in")) e = new Binary("in", e, Concat(t));
            else if (t.IsName("not") && t.IsName("in", 1)) { t.Next(); t.Next(); e = new Unary("not", new Binary("in", e, Concat(t))); }
            else return e;
        }
    }

    static Expr Concat(ExprTokens t)
    {
        var e = Add(t);
        while (t.TakeOp("~")) e = new Binary("~", e, Add(t));
        return e;
    }

    static Expr Add(ExprTokens t)
    {
        var e = Mul(t);
        while (t.Peek() is ("op", "+" or "-", _)) { var op = t.Next().Text; e = new Binary(op, e, Mul(t)); }
        return e;
    }

    static Expr Mul(ExprTokens t)
    {
        var e = Pow(t);
        while (t.Peek() is ("op", "*" or "/" or "//" or "%", _)) { var op = t.Next().Text; e = new Binary(op, e, Pow(t)); }
        return e;
    }

    static Expr Pow(ExprTokens t)
    {
        var e = UnaryMinus(t);
        while (t.TakeOp("**")) e = new Binary("**", e, UnaryMinus(t));
        return e;
    }

    static Expr UnaryMinus(ExprTokens t)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (t.TakeOp("-")) return FilterAndTest(t, new Unary("-", UnaryMinus(t)));
        if (t.TakeOp("+")) return UnaryMinus(t);
        return FilterAndTest(t, Postfix(t, Primary(t)));
    }

    static Expr FilterAndTest(ExprTokens t, Expr e)
    {
        while (true)
        {
            if (t.TakeOp("|"))
            {
                var name = t.ExpectName();
                var (args, kwargs) = t.IsOp("(") ? Arguments(t) : ([], []);
                e = Postfix(t, new Filter(e, name, args, kwargs));
            }
            else if (t.TakeName("is"))
            {
                bool negated = t.TakeName("not");
                var name = t.Next() is ("name", var n, _) ? n : throw new ChatTemplateException("expected a test name after 'is'");
                var args = new List<Expr>();
                if (t.IsOp("(")) args = Arguments(t).Args;
                else if (t.Peek() is ("string" or "number", _, _)) args.Add(Primary(t));
                e = new Test(e, name, args, negated);
            }
            else return e;
        }
    }

    static (List<Expr> Args, List<(string, Expr)> Kwargs) Arguments(ExprTokens t)
    {
        t.ExpectOp("(");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!t.TakeOp(")"))
        {
            if (t.Peek().Kind == "name" && t.IsOp("=", 1)) { var n = t.Next().Text; t.Next(); kwargs.Add((n, Expression(t))); }
            else args.Add(Expression(t));
            if (!t.IsOp(")")) t.ExpectOp(",");
        }
        return (args, kwargs);
    }

    static Expr Postfix(ExprTokens t, Expr e)
    {
        while (true)
        {
            if (t.TakeOp("."))
            {
                e = t.Peek().Kind == "number" ? new Index(e, new Literal(t.Next().Value)) : new Attr(e, t.ExpectName());
            }
            else if (t.TakeOp("["))
            {
                Expr? start = null, stop = null, step = null;
                if (!t.IsOp(":")) start = Expression(t);
                if (t.TakeOp(":"))
                {
                    if (!t.IsOp("]") && !t.IsOp(":")) stop = Expression(t);
                    if (t.TakeOp(":") && !t.IsOp("]")) step = Expression(t);
                    t.ExpectOp("]");
                    e = new Slice(e, start, stop, step);
                }
                else
                {
                    t.ExpectOp("]");
                    e = new Index(e, start ?? throw new ChatTemplateException("empty subscript"));
                }
            }
            else if (t.IsOp("("))
            {
                var (args, kwargs) = Arguments(t);
                e = new Call(e, args, kwargs);
            }
            else return e;
        }
    }

    static Expr Primary(ExprTokens t)
    {
        var tok = t.Next();
        switch (tok.Kind)
        {
            case "string":
                var s = (string)tok.Value!;
                while (t.Peek().Kind == "string") s += (string)t.Next().Value!;     // adjacent literals concatenate
                return new Literal(s);
            case "number": return new Literal(tok.Value);
            case "name":
                return tok.Text switch
                {
                    "true" or "True" => new Literal(true),
                    "false" or "False" => new Literal(false),
                    "none" or "None" => new Literal(null),
                    _ => new Name(tok.Text),
                };
            case "op" when tok.Text == "(":
                var inner = Expression(t);
                if (t.IsOp(","))
                {
                    var items = new List<Expr> { inner };
                    while (t.TakeOp(",") && !t.IsOp(")")) items.Add(Expression(t));
                    t.ExpectOp(")");
                    return new ListExpr(items);
                }
                t.ExpectOp(")");
                return inner;
            case "op" when tok.Text == "[":
                var list = new List<Expr>();
                while (!t.TakeOp("]")) { list.Add(Expression(t)); if (!t.IsOp("]")) t.ExpectOp(","); }
                return new ListExpr(list);
            case "op" when tok.Text == "{":
                var dict = new List<(Expr, Expr)>();
                while (!t.TakeOp("}")) { var k = Expression(t); t.ExpectOp(":"); dict.Add((k, Expression(t))); if (!t.IsOp("}")) t.ExpectOp(","); }
                return new DictExpr(dict);
            default:
                throw new ChatTemplateException($"unexpected '{tok.Text}' in expression");
        }
    }
}
