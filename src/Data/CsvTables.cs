using System.Globalization;
using nietras.SeparatedValues;
using NetForge.Spec.Graph;

namespace NetForge.Data;

/// <summary>
/// CSV-table data (<see cref="CsvSourceSpec"/>), read with Sep: a header row of unique names, then one sample per row.
/// The separator is detected from the header (comma, semicolon, tab or pipe); quoted fields are unescaped and
/// surrounding spaces trimmed; blank lines are ignored. Feature values are invariant-culture numbers (finite); the label
/// column holds class names or class indices. The training rows are shuffled by the seed (tables are often sorted by
/// class, and validation_split takes the last rows); with <c>test_split</c> the last fraction of that order is the test
/// set. Every problem is a <see cref="DataException"/> naming <c>file:line:column</c>, the column and what is wrong.
/// </summary>
public static class CsvTables
{
    /// <summary>The largest class index a label column may hold (labels are bytes).</summary>
    public const int MaxClasses = 256;

    /// <summary>
    /// Reads a CSV source. <paramref name="labels"/> are the spec's class names when it lists them (class names in the
    /// label column are looked up there), or null to take the sorted distinct names of the training table.
    /// </summary>
    /// <exception cref="DataException">A file is missing or unreadable, the header is bad, a row is ragged or has a missing
    /// or non-numeric value (unless skipped), a label is unknown: each names the file, line and column.</exception>
    public static DataSet Load(CsvSourceSpec source, IReadOnlyList<string>? labels, int seed, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var skipped = new List<string>();
        var train = ReadFile(source.Train, source, null, skipped);
        var test = source.Test is { } testFile ? ReadFile(testFile, source, train.FeatureNames, skipped) : null;
        if (train.Rows.Count == 0)
            throw new DataException($"{source.Train}: the table has no data rows{(skipped.Count > 0 ? $" ({skipped.Count} skipped)" : "")}");
        if (test is { Rows.Count: 0 })
            throw new DataException($"{test.File}: the table has no data rows{(skipped.Count > 0 ? $" ({skipped.Count} skipped)" : "")}");

        var classes = Classes(train, test, labels, out bool integers);
        var trainRows = train.Rows;
        SeededShuffle.Shuffle(trainRows, seed);
        List<Row> testRows;
        if (test is not null) testRows = test.Rows;
        else
        {
            int testCount = (int)Math.Round(trainRows.Count * source.TestSplit, MidpointRounding.AwayFromZero);
            if (testCount < 1 || testCount >= trainRows.Count)
            {
                throw new DataException($"{source.Train}: test_split {source.TestSplit.ToString(CultureInfo.InvariantCulture)} of {trainRows.Count} rows leaves " +
                    $"{testCount} for the test set and {trainRows.Count - testCount} for training; both need at least one");
            }

            testRows = trainRows.GetRange(trainRows.Count - testCount, testCount);
            trainRows.RemoveRange(trainRows.Count - testCount, testCount);
        }

        var trainSet = Assemble(train, trainRows, classes, integers);
        var testSet = Assemble(test ?? train, testRows, classes, integers);
        progress?.Invoke($"csv: {trainSet.Count:N0} training and {testSet.Count:N0} test rows of {trainSet.Features} features" +
            (skipped.Count > 0 ? $", {skipped.Count} bad rows skipped" : ""));
        string description = source.Test is null
            ? $"CSV table {source.Train} (test_split {source.TestSplit.ToString(CultureInfo.InvariantCulture)})"
            : $"CSV tables {source.Train} and {source.Test}";
        var files = new DataFiles(source.Train, source.Train, source.Test ?? source.Train, source.Test ?? source.Train);
        return new DataSet(trainSet, testSet, description, files) { Classes = integers ? null : classes, Skipped = skipped };
    }

    /// <summary>One data row: its feature values, its label text and where the label is.</summary>
    private sealed record Row(float[] Values, string Label, int Line, int LabelColumn);

    private sealed record Table(string File, IReadOnlyList<string> FeatureNames, List<Row> Rows);

    /// <summary>
    /// Reads one table. <paramref name="featureNames"/> are the training table's (a test table must have those columns,
    /// in any order), or null for the training table itself (the spec's list, or every column but the label).
    /// </summary>
    private static Table ReadFile(string path, CsvSourceSpec source, IReadOnlyList<string>? featureNames, List<string> skipped) =>
        ReadFile(path, new Layout(source.Label, true, featureNames ?? source.Features, featureNames is not null, source.SkipBadRows), skipped);

    /// <summary>What to read from a table: the label column (required or optional), the feature columns (null: all others).</summary>
    private sealed record Layout(string? Label, bool LabelRequired, IReadOnlyList<string>? Features, bool FeaturesFromTraining, bool SkipBadRows);

    /// <summary>Rows to classify (<c>netforge predict model.onnx rows.csv</c>): the named feature columns of each row, and the label column's text when the table has one.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="features">The model's feature columns, in input order.</param>
    /// <param name="label">The label column's name (optional in the file), or null.</param>
    /// <returns>[rows, features] values, each row's line, and its label text (empty without a label column).</returns>
    /// <exception cref="DataException">The file is unreadable, lacks a feature column, or a row is ragged or has a missing or non-numeric value.</exception>
    public static (float[] Values, int[] Lines, string[] Labels) ReadRows(string path, IReadOnlyList<string> features, string? label)
    {
        ArgumentNullException.ThrowIfNull(features);
        var table = ReadFile(path, new Layout(label, false, features, false, false), []);
        var values = new float[checked((long)table.Rows.Count * features.Count)];
        for (int i = 0; i < table.Rows.Count; i++) table.Rows[i].Values.CopyTo(values.AsSpan(i * features.Count, features.Count));
        return (values, [.. table.Rows.Select(r => r.Line)], [.. table.Rows.Select(r => r.Label)]);
    }

    private static Table ReadFile(string path, Layout layout, List<string> skipped)
    {
        if (Directory.Exists(path)) throw new DataException($"{path}: is a folder, not a CSV file");
        if (!File.Exists(path)) throw new DataException($"{path}: CSV file not found");
        try
        {
            char? separator = SniffSeparator(path);
            using var reader = Sep.Reader(o => o with
            {
                Sep = separator is char c ? new Sep(c) : o.Sep,
                HasHeader = false,
                DisableColCountCheck = true,
                Unescape = true,
                Trim = SepTrim.All,
                CultureInfo = CultureInfo.InvariantCulture,
            }).FromFile(path);
            return Read(reader, path, layout, skipped);
        }
        catch (DataException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new DataException($"{path}: cannot read the CSV file: {e.Message}", e);
        }
    }

    /// <summary>
    /// The separator of the first non-blank line (the header): the most frequent of <c>, ; TAB |</c> outside quotes, comma
    /// on a tie; null when the line has none (one column). Sep's own detection looks at the first line only, so a file
    /// starting with blank lines would otherwise be read with its fallback, ';'.
    /// </summary>
    internal static char? SniffSeparator(string path)
    {
        using var text = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        for (int n = 0; n < 1000 && text.ReadLine() is { } line; n++)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            ReadOnlySpan<char> candidates = [',', ';', '\t', '|'];
            Span<int> counts = stackalloc int[candidates.Length];
            bool quoted = false;
            foreach (char ch in line)
            {
                if (ch == '"') quoted = !quoted;
                else if (!quoted && candidates.IndexOf(ch) is int k and >= 0) counts[k]++;
            }
            int best = 0;
            for (int k = 1; k < counts.Length; k++) if (counts[k] > counts[best]) best = k;
            return counts[best] > 0 ? candidates[best] : null;
        }
        return null;
    }

    private static Table Read(SepReader reader, string path, Layout layout, List<string> skipped)
    {
        IReadOnlyList<string>? featureNames = null;
        string[]? header = null;
        int headerLine = 0;
        int[] featureIndex = [];
        int labelIndex = -1;
        var rows = new List<Row>();
        foreach (var row in reader)
        {
            if (IsBlank(row)) continue;
            if (header is null)
            {
                header = new string[row.ColCount];
                for (int c = 0; c < header.Length; c++) header[c] = row[c].ToString();
                headerLine = row.LineNumberToExcl - 1;   // Sep numbers the first row of a header-less reader from 2; a header is one line
                (featureIndex, labelIndex, featureNames) = Columns(path, headerLine, header, layout);
                continue;
            }

            int line = row.LineNumberFrom;
            if (row.ColCount != header.Length)
            {
                string ragged = $"{path}:{line}: the row has {row.ColCount} fields but the header (line {headerLine}) has {header.Length}";
                if (!layout.SkipBadRows) throw new DataException(ragged + (layout.LabelRequired ? " (skip_bad_rows: true skips such rows)" : ""));
                skipped.Add(ragged);
                continue;
            }

            string label = labelIndex < 0 ? "" : row[labelIndex].ToString();
            string? problem = labelIndex >= 0 && layout.LabelRequired && label.Length == 0 ? $"{path}:{line}:{labelIndex + 1}: column '{header[labelIndex]}': the label is missing" : null;
            var values = new float[featureIndex.Length];
            for (int f = 0; f < featureIndex.Length && problem is null; f++)
            {
                int c = featureIndex[f];
                var text = row[c].Span;
                if (text.Length == 0) problem = $"{path}:{line}:{c + 1}: column '{header[c]}': the value is missing";
                else if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    problem = $"{path}:{line}:{c + 1}: column '{header[c]}': '{Shorten(text)}' is not a number";
                else if (!float.IsFinite(v))
                    problem = $"{path}:{line}:{c + 1}: column '{header[c]}': '{Shorten(text)}' is not a finite float32 number";
                else values[f] = v;
            }

            if (problem is not null)
            {
                if (!layout.SkipBadRows) throw new DataException(problem + (layout.LabelRequired ? " (skip_bad_rows: true skips such rows)" : ""));
                skipped.Add(problem);
                continue;
            }

            rows.Add(new Row(values, label, line, labelIndex + 1));
        }

        if (header is null) throw new DataException($"{path}: the file is empty: a CSV table needs a header row and data rows");
        return new Table(path, featureNames!, rows);
    }

    /// <summary>Checks the header and finds the label and feature columns.</summary>
    private static (int[] Features, int Label, IReadOnlyList<string> Names) Columns(string path, int line, string[] header, Layout layout)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0) throw new DataException($"{path}:{line}:{c + 1}: header column {c + 1} has no name: every column needs a unique name");
            if (!index.TryAdd(header[c], c))
                throw new DataException($"{path}:{line}:{c + 1}: header name '{header[c]}' appears twice (columns {index[header[c]] + 1} and {c + 1}): column names must be unique");
        }

        int label = -1;
        if (layout.Label is { } labelName && !index.TryGetValue(labelName, out label))
        {
            label = -1;
            if (layout.LabelRequired)
            {
                throw new DataException($"{path}:{line}: no column '{labelName}' for train.dataset.csv.label; the header has {List(header)}" +
                    Hint(labelName, header));
            }
        }

        var names = layout.Features ?? [.. header.Where(h => h != layout.Label)];
        if (names.Count == 0) throw new DataException($"{path}:{line}: the table has only the label column '{layout.Label}': there are no features");
        var features = new int[names.Count];
        for (int f = 0; f < names.Count; f++)
        {
            if (!index.TryGetValue(names[f], out features[f]))
            {
                string why = layout.FeaturesFromTraining ? $"the training table's feature column '{names[f]}'"
                    : layout.LabelRequired ? $"feature column '{names[f]}' (train.dataset.csv.features)" : $"the model's feature column '{names[f]}'";
                throw new DataException($"{path}:{line}: no column for {why}; the header has {List(header)}" + Hint(names[f], header));
            }
        }

        return (features, label, names);
    }

    /// <summary>
    /// The class names and whether the labels are class indices: integer labels (every label text an integer) are indices;
    /// otherwise the names are looked up in the spec's labels, or are the training table's distinct names, sorted.
    /// </summary>
    private static List<string> Classes(Table train, Table? test, IReadOnlyList<string>? specLabels, out bool integers)
    {
        var all = test is null ? train.Rows : train.Rows.Concat(test.Rows);
        integers = all.All(r => int.TryParse(r.Label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        if (integers)
        {
            foreach (var (table, r) in Rows(train, test))
            {
                int v = int.Parse(r.Label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                if (v < 0 || v >= MaxClasses)
                    throw new DataException($"{table.File}:{r.Line}:{r.LabelColumn}: label {r.Label} is out of range: class indices are 0..{MaxClasses - 1}");
            }

            return [];
        }

        List<string> classes;
        if (specLabels is not null) classes = [.. specLabels];
        else
        {
            classes = [.. train.Rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (classes.Count > MaxClasses)
                throw new DataException($"{train.File}: the label column holds {classes.Count} distinct class names; at most {MaxClasses} are supported");
        }

        var known = new HashSet<string>(classes, StringComparer.Ordinal);
        foreach (var (table, r) in Rows(train, test))
        {
            if (known.Contains(r.Label)) continue;
            string where = $"{table.File}:{r.Line}:{r.LabelColumn}";
            if (specLabels is not null)
                throw new DataException($"{where}: label '{Shorten(r.Label)}' is not one of the spec's labels [{string.Join(", ", specLabels.Take(12))}{(specLabels.Count > 12 ? ", ..." : "")}]");
            throw new DataException($"{where}: test label '{Shorten(r.Label)}' occurs in no training row (the network cannot learn it)");
        }

        return classes;
    }

    private static IEnumerable<(Table, Row)> Rows(Table train, Table? test) =>
        train.Rows.Select(r => (train, r)).Concat(test is null ? [] : test.Rows.Select(r => (test, r)));

    private static TableSet Assemble(Table table, List<Row> rows, List<string> classes, bool integers)
    {
        int features = table.FeatureNames.Count;
        var values = new float[checked((long)rows.Count * features)];
        var labels = new byte[rows.Count];
        var lines = new int[rows.Count];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++) index.TryAdd(classes[i], i);
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].Values.CopyTo(values.AsSpan(i * features, features));
            labels[i] = (byte)(integers ? int.Parse(rows[i].Label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : index[rows[i].Label]);
            lines[i] = rows[i].Line;
        }

        return new TableSet(values, labels, table.FeatureNames, table.File, lines);
    }

    private static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row[0].Span.IsWhiteSpace();

    private static string List(string[] header) =>
        string.Join(", ", header.Take(12).Select(h => $"'{Shorten(h)}'")) + (header.Length > 12 ? $", ... ({header.Length} columns)" : "");

    private static string Hint(string name, string[] header)
    {
        var close = header.FirstOrDefault(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        return close is null ? "" : $" (did you mean '{close}'? names are case-sensitive)";
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length > 40 ? string.Concat(text[..40], "...") : text.ToString();
}
