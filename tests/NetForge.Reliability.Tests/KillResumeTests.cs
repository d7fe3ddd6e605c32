using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetForge.Train.Checkpoints;

namespace NetForge.Reliability.Tests;

/// <summary>
/// kill -9 at random moments, then <c>netforge train --resume</c>: the final weights and optimizer state are
/// bit-identical to an uninterrupted run's, each epoch appears once in the history, a resume restarts from the last
/// completed epoch, and every checkpoint on disk loads after every kill.
/// </summary>
public sealed partial class KillResumeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static bool Long => Environment.GetEnvironmentVariable("NETFORGE_LONG_TESTS") == "1";
    private static int Epochs => Long ? 60 : 30;
    private static readonly string[] Common = ["--epochs", Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", "3000", "--threads", "2", "--quiet"];

    private static int Kills => Long ? 12 : 3;

    [Fact]
    public void Killed_and_resumed_runs_end_bit_identical_to_an_uninterrupted_run()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(Epochs));
        string reference = dir.File("reference"), run = dir.File("run");

        var full = Netforge.Run(["train", spec, "--out", reference, .. Common]);
        Assert.True(full.ExitCode == 0, full.ToString());

        var rng = new System.Random(20261123);
        int kills = 0, resumesFromCheckpoint = 0;
        bool started = false;
        for (int attempt = 0; kills < Kills; attempt++)
        {
            Assert.True(attempt < 40, "the run kept finishing before it could be killed");
            bool haveCheckpoint = RunCheckpoints.Exists(run);
            int before = haveCheckpoint ? RunCheckpoints.LoadLatest(run).State.EpochsCompleted : 0;
            using var p = Netforge.Start(haveCheckpoint ? ["train", "--resume", run, .. Common] : ["train", spec, "--out", run, .. Common]);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            started = true;
            // Kill 1: immediately. Later kills: once a (new) checkpoint exists, after a random 0–400 ms.
            if (kills > 0)
            {
                var clock = Stopwatch.StartNew();
                while (!p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60) &&
                       (!RunCheckpoints.Exists(run) || SafeEpochs(run) <= before))
                    Thread.Sleep(5);
                Thread.Sleep(rng.Next(0, 400));
            }
            else
            {
                Thread.Sleep(rng.Next(0, 30));
            }
            if (p.HasExited)
            {
                var done = Netforge.Kill(p, stdout, stderr);
                Assert.True(done.ExitCode == 0, done.ToString());
                break;   // finished before the kill: the comparison below still applies
            }
            Netforge.Kill(p, stdout, stderr);
            kills++;
            CheckpointAssert.AllLoad(run);
            if (RunCheckpoints.Exists(run))
            {
                int completed = RunCheckpoints.LoadLatest(run).State.EpochsCompleted;
                if (completed == Epochs) break;
                // The resume restarts right after the last completed epoch: at most the current epoch is repeated.
                var resumed = ResumeOneEpoch(run, completed);
                resumesFromCheckpoint++;
                Assert.Equal(completed + 1, resumed);
            }
        }
        Assert.True(started);

        if (!RunCheckpoints.Exists(run) || RunCheckpoints.LoadLatest(run).State.EpochsCompleted < Epochs)
        {
            var finish = RunCheckpoints.Exists(run) ? Netforge.Run(["train", "--resume", run, .. Common]) : Netforge.Run(["train", spec, "--out", run, .. Common]);
            Assert.True(finish.ExitCode == 0, finish.ToString());
        }

        output.WriteLine($"{kills} kills, {resumesFromCheckpoint} resumes from a checkpoint");
        Assert.True(kills >= Math.Min(Kills, 3) || resumesFromCheckpoint > 0, $"only {kills} kills happened");
        CheckpointAssert.BitIdentical(Path.Combine(reference, RunCheckpoints.Latest), Path.Combine(run, RunCheckpoints.Latest));
        Assert.Equal(Epochs, RunCheckpoints.LoadLatest(run).State.EpochsCompleted);

        // Each epoch exactly once, with the same figures as the uninterrupted run (seconds and speed aside).
        var expected = History(reference);
        var actual = History(run);
        Assert.Equal(Enumerable.Range(1, Epochs), actual.Select(r => r.Epoch));
        for (int i = 0; i < Epochs; i++)
        {
            Assert.Equal(expected[i].Loss, actual[i].Loss);
            Assert.Equal(expected[i].ValAccuracy, actual[i].ValAccuracy);
        }
    }

    /// <summary>Resumes for exactly one more epoch (<c>--epochs completed+1</c>) and returns the epoch the trainer said it started after + 1.</summary>
    private static int ResumeOneEpoch(string run, int completed)
    {
        var r = Netforge.Run(["train", "--resume", run, "--epochs", (completed + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--limit", "3000", "--threads", "2"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var m = ResumingLine().Match(r.Err);
        Assert.True(m.Success, r.ToString());
        Assert.Equal(completed + 1, RunCheckpoints.LoadLatest(run).State.EpochsCompleted);
        // One epoch line only: nothing before the checkpoint was trained again.
        Assert.Single(r.Out.Split('\n'), l => l.StartsWith("Epoch ", StringComparison.Ordinal));
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    [Fact]
    public void Killing_while_a_checkpoint_is_being_written_never_leaves_a_broken_checkpoint()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(40));
        string run = dir.File("run");
        int attempts = Long ? 20 : 4;
        int duringWrite = 0;
        // A first good checkpoint, so every later kill lands while a save replaces an existing checkpoint.
        var first = Netforge.Run("train", spec, "--out", run, "--epochs", "1", "--limit", "1000", "--threads", "1", "--quiet");
        Assert.True(first.ExitCode == 0, first.ToString());
        for (int i = 0; i < attempts; i++)
        {
            bool resume = RunCheckpoints.Exists(run);
            using var p = Netforge.Start(resume ? ["train", "--resume", run, "--epochs", "40", "--limit", "1000", "--threads", "1", "--quiet"]
                : ["train", spec, "--out", run, "--limit", "1000", "--threads", "1", "--quiet"]);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            // Spin until a checkpoint write is in flight (its temporary file or the not-yet-rotated next file exists), then kill -9.
            var clock = Stopwatch.StartNew();
            bool hit = false;
            while (!p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (Directory.Exists(run) && Directory.EnumerateFiles(run, RunCheckpoints.Next + "*").Any())
                {
                    hit = true;
                    break;
                }
                Thread.SpinWait(50);
            }
            Assert.False(p.HasExited && !hit, "the trainer exited: " + Netforge.Kill(p, stdout, stderr));
            Netforge.Kill(p, stdout, stderr);
            if (hit) duringWrite++;
            CheckpointAssert.AllLoad(run);
            Assert.True(RunCheckpoints.Exists(run));
            Assert.InRange(RunCheckpoints.LoadLatest(run).State.EpochsCompleted, 1, 40);
        }
        output.WriteLine($"{attempts} kills, {duringWrite} while a checkpoint write was in flight");
        Assert.True(duringWrite > 0, "no kill landed while a checkpoint was being written");
        var finish = Netforge.Run("train", "--resume", run, "--epochs", (RunCheckpoints.LoadLatest(run).State.EpochsCompleted + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--limit", "1000", "--threads", "1", "--quiet");
        Assert.True(finish.ExitCode == 0, finish.ToString());
        CheckpointAssert.AllLoad(run);
        // Writes torn by the kills left temp files; the resumed run removes them once it holds the lock.
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp-*"));
    }

    private static int SafeEpochs(string run)
    {
        try { return RunCheckpoints.LoadLatest(run).State.EpochsCompleted; }
        catch (Exception e) when (e is CheckpointException or IOException) { return -1; }
    }

    private static List<(int Epoch, double Loss, double ValAccuracy)> History(string run)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "history.json")));
        return doc.RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("epoch").GetInt32(), e.GetProperty("loss").GetDouble(), e.GetProperty("val_accuracy").GetDouble()))
            .ToList();
    }

    [GeneratedRegex(@"after epoch (\d+)")]
    private static partial Regex ResumingLine();
}
