using System.Globalization;
using System.Text;
using System.Text.Json;
using NetForge.Train.Checkpoints;

namespace NetForge.Train.Training;

/// <summary>
/// The files of a run folder besides checkpoints: <c>history.json</c>, <c>history.csv</c>,
/// <c>metrics.json</c>, <c>spec.resolved.yaml</c> and the <c>.lock</c> held while training. Every
/// write is atomic (temporary file in the folder, flushed, renamed).
/// </summary>
public static class RunFiles
{
    public const string History = "history.json";
    public const string HistoryCsv = "history.csv";
    public const string Metrics = "metrics.json";
    public const string ResolvedSpec = "spec.resolved.yaml";
    public const string Lock = ".lock";

    internal const string CsvHeader = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds";

    /// <summary>Takes the run folder's lock (held until disposed); a second trainer on the folder fails with a clear message.</summary>
    public static IDisposable AcquireLock(string runDirectory)
    {
        string path = Path.Combine(runDirectory, Lock);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new TrainingException($"{runDirectory} is in use by another 'netforge train' (lock file {path}): {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot create the lock file {path} (is the run folder writable?): {e.Message}");
        }
    }

    /// <summary>
    /// Deletes temp files (<c>*.tmp-*</c>) that an earlier, killed run left behind mid-write. Call only while
    /// holding the run lock: then no other writer can own them. They were never renamed, so nothing is lost.
    /// </summary>
    public static int RemoveStaleTempFiles(string runDirectory)
    {
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(runDirectory, NetForge.IO.AtomicFile.TempPattern))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // best effort: a leftover temp file is never read
            }
        }

        return removed;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically (UTF-8, <see cref="NetForge.IO.AtomicFile"/>).</summary>
    public static void WriteAtomic(string path, string text) => NetForge.IO.AtomicFile.WriteAllText(path, text);

    public static void WriteHistory(string runDirectory, IReadOnlyList<EpochRecord> history)
    {
        WriteAtomic(Path.Combine(runDirectory, History), JsonSerializer.Serialize(history, Json));
        WriteAtomic(Path.Combine(runDirectory, HistoryCsv), ToCsv(history));
    }

    public static List<EpochRecord> ReadHistory(string runDirectory)
    {
        string path = Path.Combine(runDirectory, History);
        if (!File.Exists(path)) return [];
        try { return JsonSerializer.Deserialize<List<EpochRecord>>(File.ReadAllText(path), Json) ?? []; }
        catch (JsonException e) { throw new TrainingException($"{path}: not a valid history: {e.Message}"); }
    }

    /// <summary>The CSV form (also used by the csv_logger callback): one row per epoch, invariant culture, round-trip numbers.</summary>
    public static string ToCsv(IEnumerable<EpochRecord> history, bool header = true)
    {
        var sb = new StringBuilder();
        if (header) sb.Append(CsvHeader).Append('\n');
        foreach (var r in history)
        {
            sb.Append(string.Join(',', new[] { r.Epoch.ToString(CultureInfo.InvariantCulture) }
                .Concat(new[] { r.Loss, r.Accuracy, r.ValLoss, r.ValAccuracy, r.Lr, r.Seconds }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// What <c>metrics.json</c> holds. <paramref name="AllocatedBytesPerStep"/> and <paramref name="GcPauseFraction"/>
    /// cover the training loops of the epochs after the first one of the process (the warm-up), or the first when it
    /// is the only one: managed bytes allocated per step (all threads) and the share of that time spent in GC pauses.
    /// </summary>
    public sealed record RunMetrics(double TestAccuracy, double TestLoss, int Epochs, double SamplesPerSecond, long ParameterCount, long TrainableParameterCount, string Status,
        double AllocatedBytesPerStep = double.NaN, double GcPauseFraction = double.NaN);

    public static void WriteMetrics(string runDirectory, RunMetrics metrics) =>
        WriteAtomic(Path.Combine(runDirectory, Metrics), JsonSerializer.Serialize(metrics, Json));

    public static RunMetrics ReadMetrics(string runDirectory)
    {
        string path = Path.Combine(runDirectory, Metrics);
        return JsonSerializer.Deserialize<RunMetrics>(File.ReadAllText(path), Json) ?? throw new TrainingException($"{path}: empty");
    }

    internal static readonly JsonSerializerOptions Json = new(CheckpointState.Json) { WriteIndented = true };
}
