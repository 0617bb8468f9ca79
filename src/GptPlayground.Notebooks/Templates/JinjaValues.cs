using System.Collections;
using System.Globalization;
using System.Text;

namespace GptPlayground.Notebooks.Templates;

/// <summary>Jinja's undefined value: prints as "", is falsy, and its attributes are undefined too.</summary>
sealed class Undefined
{
    public static readonly Undefined Value = new();
    public override string ToString() => "";
}

/// <summary>The object <c>namespace()</c> returns: attributes that <c>set ns.x = ...</c> can change inside loops.</summary>
sealed class Namespace : Dictionary<string, object?>;

/// <summary>A function value: globals, macros, bound methods.</summary>
sealed class Callable(Func<List<object?>, Dictionary<string, object?>, object?> body)
{
    public object? Invoke(List<object?> args, Dictionary<string, object?> kwargs) => body(args, kwargs);
}

/// <summary>Python-like semantics of template values.</summary>
static class Values
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>str(v) as Python prints it.</summary>
    public static string Str(object? v) => v switch
    {
        null => "None",
        Undefined => "",
        string s => s,
        bool b => b ? "True" : "False",
        long i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        _ => Repr(v),
    };

    static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    /// <summary>repr(v): strings quoted, lists and dicts in Python syntax.</summary>
    public static string Repr(object? v) => v switch
    {
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'").Replace("\n", "\\n") + "'",
        IDictionary<string, object?> d => "{" + string.Join(", ", d.Select(p => Repr(p.Key) + ": " + Repr(p.Value))) + "}",
        IList l => "[" + string.Join(", ", l.Cast<object?>().Select(Repr)) + "]",
        Callable => "<function>",
        _ => Str(v),
    };

    public static IEnumerable<object?> Iterate(object? v) => v switch
    {
        null or Undefined => [],
        string s => s.Select(c => (object?)c.ToString()),
        IDictionary<string, object?> d => d.Keys.Cast<object?>(),
        IEnumerable e => e.Cast<object?>(),
        _ => throw new ChatTemplateException($"cannot loop over {TypeName(v)}"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none", Undefined => "undefined", string => "a string", bool => "a boolean", long => "an integer", double => "a float",
        IDictionary => "a mapping", IList => "a list", _ => v.GetType().Name,
    };

    public static object? GetAttr(object? target, string name)
    {
        switch (target)
        {
            case Undefined or null: return Undefined.Value;
            case IDictionary<string, object?> d:
                if (d.TryGetValue(name, out var v)) return v;
                return target is Namespace ? Undefined.Value : DictMethod(d, name);
            case string s: return StringMethod(s, name);
            case List<object?> l: return ListMethod(l, name);
            default: return Undefined.Value;
        }
    }

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case IDictionary<string, object?> d: return key is not null && d.TryGetValue(Str(key), out var v) ? v : Undefined.Value;
            case IList l when key is long i:
                if (i < 0) i += l.Count;
                return i >= 0 && i < l.Count ? l[(int)i] : Undefined.Value;
            case string s when key is long i:
                if (i < 0) i += s.Length;
                return i >= 0 && i < s.Length ? s[(int)i].ToString() : Undefined.Value;
            case string s when key is string name: return StringMethod(s, name);
            default: return Undefined.Value;
        }
    }

    public static object? SliceOf(object? target, object? start, object? stop, object? step)
    {
        long st = step is long x ? x : 1;
        if (st == 0) throw new ChatTemplateException("slice step cannot be zero");
        List<object?> items = target switch
        {
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            IList l => l.Cast<object?>().ToList(),
            null or Undefined => [],
            _ => throw new ChatTemplateException($"cannot slice {TypeName(target)}"),
        };
        int n = items.Count;
        long Clamp(object? v, long dflt)
        {
            if (v is not long i) return dflt;
            if (i < 0) i += n;
            return st > 0 ? Math.Clamp(i, 0, n) : Math.Clamp(i, -1, n - 1);
        }
        long a = Clamp(start, st > 0 ? 0 : n - 1), b = Clamp(stop, st > 0 ? n : -1);
        var result = new List<object?>();
        for (long i = a; st > 0 ? i < b : i > b; i += st) result.Add(items[(int)i]);
        return target is string ? string.Concat(result.Select(r => (string)r!)) : result;
    }

    static object? StringMethod(string s, string name) => name switch
    {
        "strip" => new Callable((a, _) => a.Count > 0 && a[0] is string cs ? s.Trim(cs.ToCharArray()) : s.Trim()),
        "lstrip" => new Callable((a, _) => a.Count > 0 && a[0] is string cs ? s.TrimStart(cs.ToCharArray()) : s.TrimStart()),
        "rstrip" => new Callable((a, _) => a.Count > 0 && a[0] is string cs ? s.TrimEnd(cs.ToCharArray()) : s.TrimEnd()),
        "upper" => new Callable((_, _) => s.ToUpperInvariant()),
        "lower" => new Callable((_, _) => s.ToLowerInvariant()),
        "title" => new Callable((_, _) => Filters.Title(s)),
        "capitalize" => new Callable((_, _) => Filters.Capitalize(s)),
        "startswith" => new Callable((a, _) => a.Count > 0 && (a[0] is IList l ? l.Cast<object?>().Any(p => s.StartsWith(Str(p), StringComparison.Ordinal)) : s.StartsWith(Str(a[0]), StringComparison.Ordinal))),
        "endswith" => new Callable((a, _) => a.Count > 0 && (a[0] is IList l ? l.Cast<object?>().Any(p => s.EndsWith(Str(p), StringComparison.Ordinal)) : s.EndsWith(Str(a[0]), StringComparison.Ordinal))),
        "split" => new Callable((a, _) => (a.Count == 0 || a[0] is null
            ? s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : a.Count > 1 && a[1] is long max ? s.Split(Str(a[0]), (int)max + 1) : s.Split(Str(a[0]))).Select(p => (object?)p).ToList()),
        "replace" => new Callable((a, _) => s.Replace(Str(a[0]), Str(a[1]), StringComparison.Ordinal)),
        "find" => new Callable((a, _) => (long)s.IndexOf(Str(a[0]), StringComparison.Ordinal)),
        "count" => new Callable((a, _) => (long)(Str(a[0]).Length == 0 ? s.Length + 1 : (s.Length - s.Replace(Str(a[0]), "", StringComparison.Ordinal).Length) / Str(a[0]).Length)),
        "join" => new Callable((a, _) => string.Join(s, Iterate(a[0]).Select(Str))),
        "format" => new Callable((a, _) => PercentFormat(s.Replace("{}", "%s"), a)),
        _ => Undefined.Value,
    };

    static object? DictMethod(IDictionary<string, object?> d, string name) => name switch
    {
        "items" => new Callable((_, _) => d.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
        "keys" => new Callable((_, _) => d.Keys.Select(k => (object?)k).ToList()),
        "values" => new Callable((_, _) => d.Values.ToList()),
        "get" => new Callable((a, _) => a.Count > 0 && d.TryGetValue(Str(a[0]), out var v) ? v : a.Count > 1 ? a[1] : null),
        _ => Undefined.Value,
    };

    static object? ListMethod(List<object?> l, string name) => name switch
    {
        "append" => new Callable((a, _) => { l.Add(a.FirstOrDefault()); return null; }),
        "index" => new Callable((a, _) => (long)l.FindIndex(x => Equal(x, a.FirstOrDefault()))),
        "count" => new Callable((a, _) => (long)l.Count(x => Equal(x, a.FirstOrDefault()))),
        _ => Undefined.Value,
    };

    public static string PercentFormat(string format, IList<object?> args)
    {
        var sb = new StringBuilder();
        int k = 0;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] == '%' && i + 1 < format.Length)
            {
                char c = format[++i];
                if (c == '%') { sb.Append('%'); continue; }
                if (c is 's' or 'd' or 'r') { var v = k < args.Count ? args[k++] : ""; sb.Append(c == 'r' ? Repr(v) : Str(v)); continue; }
                throw new ChatTemplateException($"format %{c} is not supported");
            }
            sb.Append(format[i]);
        }
        return sb.ToString();
    }

    public static bool Equal(object? a, object? b)
    {
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return ToDouble(a) == ToDouble(b);
        if (a is string sa && b is string sb) return sa == sb;
        if (a is IList la && b is IList lb) return la.Count == lb.Count && la.Cast<object?>().Zip(lb.Cast<object?>()).All(p => Equal(p.First, p.Second));
        if (a is IDictionary<string, object?> da && b is IDictionary<string, object?> db)
            return da.Count == db.Count && da.All(p => db.TryGetValue(p.Key, out var v) && Equal(p.Value, v));
        return a.Equals(b);
    }

    public static bool IsNumber(object? v) => v is long or double or bool;
    public static double ToDouble(object? v) => v switch { long i => i, double d => d, bool b => b ? 1 : 0, _ => throw new ChatTemplateException($"expected a number, got {TypeName(v)}") };

    public static object? BinaryOp(string op, object? a, object? b)
    {
        switch (op)
        {
            case "==": return Equal(a, b);
            case "!=": return !Equal(a, b);
            case "~": return Str(a) + Str(b);
            case "in":
                return b switch
                {
                    string s => s.Contains(Str(a), StringComparison.Ordinal),
                    IDictionary<string, object?> d => a is not null && d.ContainsKey(Str(a)),
                    IList l => l.Cast<object?>().Any(x => Equal(x, a)),
                    null or Undefined => false,
                    _ => throw new ChatTemplateException($"'in' needs a string, list or mapping on the right, got {TypeName(b)}"),
                };
            case "<" or ">" or "<=" or ">=":
            {
                int c = a is string sa && b is string sb ? string.CompareOrdinal(sa, sb) : ToDouble(a).CompareTo(ToDouble(b));
                return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 };
            }
            case "+":
                if (a is string s1 && b is string s2) return s1 + s2;
                if (a is IList l1 && b is IList l2) return l1.Cast<object?>().Concat(l2.Cast<object?>()).ToList();
                break;
            case "*":
                if (a is string rs && b is long rn) return string.Concat(Enumerable.Repeat(rs, (int)Math.Max(0, rn)));
                break;
            case "%":
                if (a is string fs) return PercentFormat(fs, b is IList fl ? fl.Cast<object?>().ToList() : [b]);
                break;
        }
        if (a is Undefined || b is Undefined) throw new ChatTemplateException($"'{op}' on an undefined value");
        if (!IsNumber(a) || !IsNumber(b)) throw new ChatTemplateException($"cannot apply '{op}' to {TypeName(a)} and {TypeName(b)}");
        if (a is long x && b is long y)
        {
            return op switch
            {
                "+" => (object)(x + y), "-" => x - y, "*" => x * y, "/" => (double)x / y,
                "//" => (long)Math.Floor((double)x / y), "%" => ((x % y) + y) % y, "**" => (object)(long)Math.Pow(x, y),
                _ => throw new ChatTemplateException("unknown operator " + op),
            };
        }
        double p = ToDouble(a), q = ToDouble(b);
        return op switch
        {
            "+" => p + q, "-" => p - q, "*" => p * q, "/" => p / q, "//" => Math.Floor(p / q), "%" => p - q * Math.Floor(p / q), "**" => Math.Pow(p, q),
            _ => throw new ChatTemplateException("unknown operator " + op),
        };
    }

    /// <summary>Python's range(stop) / range(start, stop[, step]), refused past <paramref name="maxItems"/> items.</summary>
    public static List<object?> Range(List<object?> args, int maxItems)
    {
        long start = 0, stop, step = 1;
        if (args.Count == 1) stop = (long)args[0]!;
        else { start = (long)args[0]!; stop = (long)args[1]!; if (args.Count > 2) step = (long)args[2]!; }
        if (step == 0) throw new ChatTemplateException("range() step must not be zero");
        double count = Math.Max(0, Math.Ceiling(((double)stop - start) / step));
        if (count > maxItems) throw new ChatTemplateException($"range() of {count:N0} items is past the template's limit of {maxItems:N0}", overBudget: true);
        var list = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) list.Add(i);
        return list;
    }

    public static string PyDateFormat(string f) => f.Replace("%d", "dd").Replace("%b", "MMM").Replace("%B", "MMMM").Replace("%Y", "yyyy").Replace("%m", "MM").Replace("%H", "HH").Replace("%M", "mm");
}
