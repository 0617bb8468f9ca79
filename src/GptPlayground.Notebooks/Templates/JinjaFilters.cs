using System.Collections;
using System.Globalization;
using System.Text;

namespace GptPlayground.Notebooks.Templates;

/// <summary>Jinja filters and tests used by chat templates.</summary>
static class Filters
{
    public static object? Apply(string name, object? v, List<object?> args, Dictionary<string, object?> kw)
    {
        object? Arg(int i, string key, object? dflt = null) => i >= 0 && i < args.Count ? args[i] : kw.TryGetValue(key, out var x) ? x : dflt;
        switch (name)
        {
            case "trim": return Values.Str(v).Trim();
            case "upper": return Values.Str(v).ToUpperInvariant();
            case "lower": return Values.Str(v).ToLowerInvariant();
            case "title": return Title(Values.Str(v));
            case "capitalize": return Capitalize(Values.Str(v));
            case "string": return Values.Str(v);
            case "safe" or "e" or "escape" when name == "safe": return v;
            case "length" or "count":
                return v switch { string s => (long)s.Length, ICollection c => (long)c.Count, null or Undefined => 0L, _ => throw new ChatTemplateException($"length of {Values.TypeName(v)}") };
            case "default" or "d":
            {
                bool boolean = Values.Truthy(Arg(1, "boolean", false));
                return v is Undefined || (boolean && !Values.Truthy(v)) ? Arg(0, "default_value", "") : v;
            }
            case "join":
                return string.Join(Values.Str(Arg(0, "d", "")), Values.Iterate(v).Select(x => Arg(1, "attribute") is { } a ? Values.Str(Values.GetAttr(x, Values.Str(a))) : Values.Str(x)));
            case "first": return Values.Iterate(v).Cast<object?>().DefaultIfEmpty(Undefined.Value).First();
            case "last": return v is IList l ? (l.Count > 0 ? l[^1] : Undefined.Value) : Values.Iterate(v).DefaultIfEmpty(Undefined.Value).Last();
            case "list": return Values.Iterate(v).ToList();
            case "reverse": return v is string rs ? new string(rs.Reverse().ToArray()) : Values.Iterate(v).Reverse().ToList();
            case "unique": return Values.Iterate(v).Distinct().ToList();
            case "int":
                return v switch { long i => i, double dv => (long)dv, bool b => b ? 1L : 0L, string s when long.TryParse(s.Trim(), CultureInfo.InvariantCulture, out var i) => i, _ => Arg(0, "default", 0L) };
            case "float":
                return v switch { long i => (double)i, double dv => dv, string s when double.TryParse(s.Trim(), CultureInfo.InvariantCulture, out var parsed) => parsed, _ => Arg(0, "default", 0.0) };
            case "abs": return v switch { long i => (object)Math.Abs(i), double dv => Math.Abs(dv), _ => throw new ChatTemplateException("abs of a non-number") };
            case "round": return Math.Round(Values.ToDouble(v), (int)(Arg(0, "precision", 0L) as long? ?? 0), MidpointRounding.ToEven);
            case "replace": return Values.Str(v).Replace(Values.Str(Arg(0, "old")), Values.Str(Arg(1, "new")), StringComparison.Ordinal);
            case "items": return v is IDictionary<string, object?> map ? map.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList() : throw new ChatTemplateException("items of a non-mapping");
            case "tojson": return Json(v, Arg(0, "indent") is long ind ? (int)ind : null, 0);
            case "map":
                if (Arg(-1, "attribute") is { } attr) return Values.Iterate(v).Select(x => Values.GetAttr(x, Values.Str(attr))).ToList();
                if (args.Count > 0) { var f = Values.Str(args[0]); return Values.Iterate(v).Select(x => Apply(f, x, args.Skip(1).ToList(), [])).ToList(); }
                throw new ChatTemplateException("map needs a filter name or attribute=");
            case "select" or "reject":
            {
                bool keep = name == "select";
                return Values.Iterate(v).Where(x => (args.Count == 0 ? Values.Truthy(x) : Test(Values.Str(args[0]), x, args.Skip(1).ToList())) == keep).ToList();
            }
            case "selectattr" or "rejectattr":
            {
                bool keep = name == "selectattr";
                var attrName = Values.Str(args.ElementAtOrDefault(0));
                return Values.Iterate(v).Where(x =>
                {
                    var a = Values.GetAttr(x, attrName);
                    return (args.Count < 2 ? Values.Truthy(a) : Test(Values.Str(args[1]), a, args.Skip(2).ToList())) == keep;
                }).ToList();
            }
            case "indent":
            {
                var width = Arg(0, "width", 4L) is long w ? (int)w : 4;
                var pad = new string(' ', width);
                var lines = Values.Str(v).Split('\n');
                return string.Join("\n", lines.Select((l, i) => i == 0 && !Values.Truthy(Arg(1, "first", false)) || l.Length == 0 ? l : pad + l));
            }
            default:
                throw new ChatTemplateException($"unsupported filter '{name}'");
        }
    }

    public static bool Test(string name, object? v, List<object?> args) => name switch
    {
        "defined" => v is not Undefined,
        "undefined" => v is Undefined,
        "none" => v is null,
        "string" => v is string,
        "number" => v is long or double,
        "integer" => v is long,
        "float" => v is double,
        "boolean" => v is bool,
        "true" => v is true,
        "false" => v is false,
        "mapping" => v is IDictionary,
        "sequence" or "iterable" => v is string or IList or IDictionary,
        "callable" => v is Callable,
        "odd" => v is long i && i % 2 != 0,
        "even" => v is long i && i % 2 == 0,
        "divisibleby" => v is long i && args.FirstOrDefault() is long d && d != 0 && i % d == 0,
        "eq" or "equalto" or "==" or "sameas" => Values.Equal(v, args.FirstOrDefault()),
        "ne" or "!=" => !Values.Equal(v, args.FirstOrDefault()),
        "lt" or "lessthan" => (bool)Values.BinaryOp("<", v, args.FirstOrDefault())!,
        "gt" or "greaterthan" => (bool)Values.BinaryOp(">", v, args.FirstOrDefault())!,
        "le" => (bool)Values.BinaryOp("<=", v, args.FirstOrDefault())!,
        "ge" => (bool)Values.BinaryOp(">=", v, args.FirstOrDefault())!,
        "in" => (bool)Values.BinaryOp("in", v, args.FirstOrDefault())!,
        "lower" => v is string s && s == s.ToLowerInvariant(),
        "upper" => v is string s && s == s.ToUpperInvariant(),
        _ => throw new ChatTemplateException($"unsupported test '{name}'"),
    };

    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool start = true;
        foreach (var c in s) { sb.Append(start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)); start = !char.IsLetterOrDigit(c); }
        return sb.ToString();
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python's json.dumps(v, ensure_ascii=False[, indent]) as transformers' tojson filter calls it.</summary>
    public static string Json(object? v, int? indent, int depth)
    {
        string nl(int d) => indent is { } n ? "\n" + new string(' ', n * d) : "";
        string itemSep = indent is null ? ", " : ",";
        switch (v)
        {
            case null or Undefined: return "null";
            case bool b: return b ? "true" : "false";
            case long i: return i.ToString(CultureInfo.InvariantCulture);
            case double d: return Values.Str(d).Replace("inf", "Infinity").Replace("nan", "NaN");
            case string s:
            {
                var sb = new StringBuilder("\"");
                foreach (var c in s)
                {
                    switch (c)
                    {
                        case '"': sb.Append("\\\""); break;
                        case '\\': sb.Append("\\\\"); break;
                        case '\n': sb.Append("\\n"); break;
                        case '\r': sb.Append("\\r"); break;
                        case '\t': sb.Append("\\t"); break;
                        case '\b': sb.Append("\\b"); break;
                        case '\f': sb.Append("\\f"); break;
                        default:
                            if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                            else sb.Append(c);
                            break;
                    }
                }
                return sb.Append('"').ToString();
            }
            case IDictionary<string, object?> dict:
                if (dict.Count == 0) return "{}";
                return "{" + string.Join(itemSep, dict.Select(p => nl(depth + 1) + Json(p.Key, indent, depth + 1) + ": " + Json(p.Value, indent, depth + 1))) + nl(depth) + "}";
            case IList list:
                if (list.Count == 0) return "[]";
                return "[" + string.Join(itemSep, list.Cast<object?>().Select(x => nl(depth + 1) + Json(x, indent, depth + 1))) + nl(depth) + "]";
            default: throw new ChatTemplateException($"cannot convert {Values.TypeName(v)} to JSON");
        }
    }
}
