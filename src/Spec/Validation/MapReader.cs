using System.Globalization;
using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>
/// Typed access to the keys of one YAML mapping. On construction it reports duplicate keys and
/// keys outside <c>allowed</c> (with a "did you mean" hint); each getter reports a wrong type or a
/// value out of range at the value's position and returns the default so checking can go on.
/// </summary>
internal sealed class MapReader
{
    private readonly Dictionary<string, KeyValuePair<YScalar, YNode>> _entries = new(StringComparer.Ordinal);

    public MapReader(YMap map, DiagnosticBag diags, string? layer, string prefix, IReadOnlyList<string> allowed, string what = "key")
    {
        Map = map;
        Diags = diags;
        Layer = layer;
        Prefix = prefix;
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (!allowed.Contains(key))
            {
                diags.Add(entry.Key, layer, $"unknown {what} '{Prefix}{Short(key)}'", "one of " + string.Join(", ", allowed), null,
                    Suggest.Hint(key, allowed));
            }
            else if (!_entries.TryAdd(key, entry))
            {
                diags.Add(entry.Key, layer, $"duplicate key '{Prefix}{key}'", null, null, "each key may appear once; remove one of them");
            }
        }
    }

    public YMap Map { get; }
    public DiagnosticBag Diags { get; }
    public string? Layer { get; }
    public string Prefix { get; }

    public bool Has(string key) => _entries.ContainsKey(key);

    public YNode? Node(string key) => _entries.TryGetValue(key, out var e) ? e.Value : null;

    public YScalar? KeyNode(string key) => _entries.TryGetValue(key, out var e) ? e.Key : null;

    /// <summary>Where the key's value is, or the mapping itself when the key is absent.</summary>
    public SourceLocation LocationOf(string key) => Diags.At(Node(key) ?? Map);

    public void Missing(string key, string expected, string? hint = null) =>
        Diags.Add(Map, Layer, $"missing required key '{Prefix}{key}'", expected, null, hint);

    public int? RequiredInt(string key, int min, int max = int.MaxValue)
    {
        if (Node(key) is not { } n)
        {
            Missing(key, RangeText(min, max));
            return null;
        }

        return Values.Int(n, Diags, Layer, Prefix + key, min, max);
    }

    public int Int(string key, int def, int min, int max = int.MaxValue) =>
        Node(key) is { } n ? Values.Int(n, Diags, Layer, Prefix + key, min, max) ?? def : def;

    public double Double(string key, double def, Range range) =>
        Node(key) is { } n ? Values.Double(n, Diags, Layer, Prefix + key, range) ?? def : def;

    public double? RequiredDouble(string key, Range range)
    {
        if (Node(key) is not { } n)
        {
            Missing(key, range.Text);
            return null;
        }

        return Values.Double(n, Diags, Layer, Prefix + key, range);
    }

    public bool Bool(string key, bool def) => Node(key) is { } n ? Values.Bool(n, Diags, Layer, Prefix + key) ?? def : def;

    /// <summary>A value from a fixed set of names.</summary>
    public string? Choice(string key, string? def, IReadOnlyList<string> choices)
    {
        if (Node(key) is not { } n) return def;
        return Values.Choice(n, Diags, Layer, Prefix + key, choices) ?? def;
    }

    /// <summary>An int or a [h, w] pair, each in [min, max].</summary>
    public (int H, int W)? Pair(string key, (int, int)? def, int min, int max = 1 << 20)
    {
        if (Node(key) is not { } n) return def;
        return Values.Pair(n, Diags, Layer, Prefix + key, min, max) ?? def;
    }

    public string? Text(string key, string? def)
    {
        if (Node(key) is not { } n) return def;
        if (n is YScalar s) return s.IsNull ? null : s.Value;
        Diags.Add(n, Layer, $"{Prefix}{key} has the wrong type", "a string", n.Describe());
        return def;
    }

    internal static string RangeText(int min, int max) =>
        max == int.MaxValue ? $"integer >= {min}" : $"integer in [{min}, {max}]";

    private static string Short(string s) => s.Length > 40 ? s[..40] + "..." : s;
}

/// <summary>A numeric range with its wording for "expected ...".</summary>
internal sealed record Range(double Min, bool MinInclusive, double Max, bool MaxInclusive)
{
    public static readonly Range Positive = new(0, false, double.MaxValue, true);
    public static readonly Range NonNegative = new(0, true, double.MaxValue, true);
    public static readonly Range Unit = new(0, true, 1, false);           // [0, 1)
    public static readonly Range Any = new(double.MinValue, true, double.MaxValue, true);

    public bool Contains(double v) =>
        double.IsFinite(v) && (MinInclusive ? v >= Min : v > Min) && (MaxInclusive ? v <= Max : v < Max);

    public string Text =>
        this == Positive ? "a number > 0"
        : this == NonNegative ? "a number >= 0"
        : this == Any ? "a finite number"
        : $"a number in {(MinInclusive ? "[" : "(")}{Values.Format(Min)}, {Values.Format(Max)}{(MaxInclusive ? "]" : ")")}";
}

/// <summary>Conversions of YAML scalars to typed values, reporting what is wrong.</summary>
internal static class Values
{
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    public static string Got(YNode n)
    {
        if (n is YScalar { Plain: true } s && !s.IsNull &&
            (double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || s.Value is "true" or "false"))
        {
            return s.Value.Length > 40 ? s.Value[..40] + "..." : s.Value;
        }

        return n.Describe();
    }

    public static int? Int(YNode n, DiagnosticBag diags, string? layer, string what, int min, int max)
    {
        var range = MapReader.RangeText(min, max);
        if (n is not YScalar { Plain: true } s || s.IsNull)
        {
            diags.Add(n, layer, $"{what} has the wrong type", "integer", Got(n));
            return null;
        }

        var text = s.Value.Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            if (v < min || v > max)
            {
                diags.Add(n, layer, $"{what} is out of range", range, Got(n));
                return null;
            }

            return (int)v;
        }

        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
        {
            diags.Add(n, layer, $"{what} is out of range", range, Got(n));
            return null;
        }

        diags.Add(n, layer, $"{what} has the wrong type", "integer", Got(n));
        return null;
    }

    public static double? Double(YNode n, DiagnosticBag diags, string? layer, string what, Range range)
    {
        if (n is not YScalar { Plain: true } s || s.IsNull ||
            !double.TryParse(s.Value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            diags.Add(n, layer, $"{what} has the wrong type", "a number", Got(n));
            return null;
        }

        if (!range.Contains(v))
        {
            diags.Add(n, layer, $"{what} is out of range", range.Text, Got(n));
            return null;
        }

        return v == 0 ? 0.0 : v;   // no -0
    }

    public static bool? Bool(YNode n, DiagnosticBag diags, string? layer, string what)
    {
        if (n is YScalar { Plain: true } s)
        {
            if (s.Value is "true" or "True" or "TRUE") return true;
            if (s.Value is "false" or "False" or "FALSE") return false;
        }

        diags.Add(n, layer, $"{what} has the wrong type", "true or false", Got(n));
        return null;
    }

    public static string? Choice(YNode n, DiagnosticBag diags, string? layer, string what, IReadOnlyList<string> choices)
    {
        if (n is YScalar s && !s.IsNull)
        {
            if (choices.Contains(s.Value)) return s.Value;
            diags.Add(n, layer, $"unknown {what} '{(s.Value.Length > 40 ? s.Value[..40] + "..." : s.Value)}'",
                "one of " + string.Join(", ", choices), null, Suggest.Hint(s.Value, choices));
            return null;
        }

        diags.Add(n, layer, $"{what} has the wrong type", "one of " + string.Join(", ", choices), Got(n));
        return null;
    }

    public static (int, int)? Pair(YNode n, DiagnosticBag diags, string? layer, string what, int min, int max)
    {
        if (n is YSeq seq)
        {
            if (seq.Items.Count != 2)
            {
                diags.Add(n, layer, $"{what} has the wrong length", "an integer or [height, width]", $"{seq.Items.Count} values");
                return null;
            }

            var h = Int(seq.Items[0], diags, layer, what + "[0]", min, max);
            var w = Int(seq.Items[1], diags, layer, what + "[1]", min, max);
            return h is null || w is null ? null : (h.Value, w.Value);
        }

        if (n is YMap)
        {
            diags.Add(n, layer, $"{what} has the wrong type", "an integer or [height, width]", Got(n));
            return null;
        }

        var v = Int(n, diags, layer, what, min, max);
        return v is null ? null : (v.Value, v.Value);
    }

    /// <summary>
    /// Reads the "name or {name: {keys}}" form shared by optimizers, schedules and initializers.
    /// <paramref name="body"/> is null for the bare name or an empty/null body.
    /// </summary>
    public static bool OneOf(YNode node, DiagnosticBag diags, string what, IReadOnlyList<string> names, out string name, out YMap? body, string? layer = null)
    {
        name = "";
        body = null;
        YScalar? key;
        YNode? value = null;
        if (node is YScalar s && !s.IsNull)
        {
            key = s;
        }
        else if (node is YMap m && m.Entries.Count == 1)
        {
            key = m.Entries[0].Key;
            value = m.Entries[0].Value;
        }
        else
        {
            diags.Add(node, layer, $"{what} has the wrong form", $"a name or {{name: {{keys}}}} with one of {string.Join(", ", names)}",
                node is YMap m2 ? $"a mapping with {m2.Entries.Count} keys" : Got(node));
            return false;
        }

        if (!names.Contains(key.Value))
        {
            diags.Add(key, layer, $"unknown {what} '{(key.Value.Length > 40 ? key.Value[..40] + "..." : key.Value)}'",
                "one of " + string.Join(", ", names), null, Suggest.Hint(key.Value, names));
            return false;
        }

        name = key.Value;
        if (value is null or YScalar { IsNull: true }) return true;
        if (value is YMap vm)
        {
            body = vm;
            return true;
        }

        diags.Add(value, layer, $"{what} '{name}' has the wrong type", "a mapping of its settings", Got(value));
        return false;
    }
}
