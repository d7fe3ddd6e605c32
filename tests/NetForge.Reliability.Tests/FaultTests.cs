using System.Diagnostics;
using NetForge.Train.Checkpoints;

namespace NetForge.Reliability.Tests;

/// <summary>Unwritable targets, up-front refusals, numerical faults and two trainers on one folder.</summary>
public sealed class FaultTests
{
    private static readonly string[] Small = ["--limit", "1000", "--threads", "2", "--quiet"];

    [Fact]
    public void A_checkpoint_that_cannot_be_written_is_a_clear_error_and_the_previous_one_still_loads()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        string run = dir.File("run");
        var first = InProcess.Run(["train", spec, "--out", run, .. Small]);
        Assert.True(first.ExitCode == 0, first.ToString());

        // The file the next save writes is taken by a directory: the save fails with a real I/O error (root cannot bypass it).
        Directory.CreateDirectory(Path.Combine(run, RunCheckpoints.Next));
        var r = InProcess.Run(["train", "--resume", run, "--epochs", "3", .. Small]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot write", r.Err, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(run, RunCheckpoints.Latest), r.Err, StringComparison.Ordinal);
        Assert.Contains("the last good checkpoint is kept", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);
        var (state, _, path) = RunCheckpoints.LoadLatest(run);
        Assert.Equal(1, state.EpochsCompleted);
        Assert.EndsWith(RunCheckpoints.Latest, path, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_disk_is_a_clear_error_and_the_previous_checkpoint_still_loads()
    {
        // A real full file system: the run folder is a small tmpfs (needs root, as CI has; elsewhere this test
        // has nothing to mount and says so). After epoch 1 the disk is filled to within 64 KB, so the next
        // checkpoint (~300 KB) cannot be written.
        if (OperatingSystem.IsWindows() || Environment.UserName != "root") return;
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        string run = dir.File("run");
        Directory.CreateDirectory(run);
        Assert.True(Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", run), "mount -t tmpfs failed");
        try
        {
            var first = InProcess.Run(["train", spec, "--out", run, .. Small]);
            Assert.True(first.ExitCode == 0, first.ToString());

            string filler = Path.Combine(run, "filler.bin");
            using (var f = new FileStream(filler, FileMode.Create, FileAccess.Write))
            {
                var block = new byte[64 * 1024];
                try
                {
                    while (true) f.Write(block);
                }
                catch (IOException)
                {
                    // the file system is full
                }

                f.SetLength(Math.Max(0, f.Length - 64 * 1024));
            }

            var r = InProcess.Run(["train", "--resume", run, "--epochs", "2", .. Small]);
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("cannot write", r.Err, StringComparison.Ordinal);
            Assert.Contains("No space left on device", r.Err, StringComparison.Ordinal);
            Assert.Contains("the last good checkpoint is kept", r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);

            File.Delete(filler);
            Assert.Equal(1, RunCheckpoints.LoadLatest(run).State.EpochsCompleted);
            Assert.Empty(Directory.EnumerateFiles(run, "*.tmp-*"));
        }
        finally
        {
            Command("umount", run);
        }
    }

    private static bool Command(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public void A_history_that_cannot_be_written_names_the_file()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        string run = dir.File("run");
        Directory.CreateDirectory(Path.Combine(run, "history.json"));
        var r = InProcess.Run(["train", spec, "--out", run, .. Small]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot write " + Path.Combine(run, "history.json"), r.Err, StringComparison.Ordinal);
        Assert.False(RunCheckpoints.Exists(run));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_created_is_not_blamed_on_another_trainer()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        string run = dir.File("run");
        Directory.CreateDirectory(Path.Combine(run, ".lock"));
        var r = InProcess.Run(["train", spec, "--out", run, .. Small]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot create the lock file " + Path.Combine(run, ".lock"), r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("in use by another", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_into_an_unwritable_place_is_an_export_error()
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        string run = dir.File("run");
        Assert.Equal(0, InProcess.Run(["train", spec, "--out", run, .. Small]).ExitCode);

        // /proc refuses new files and folders, for root too.
        var r = InProcess.Run("export", run, "-o", "/proc/netforge-no-such-place/model.onnx");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cannot write /proc/netforge-no-such-place/model.onnx", r.Err, StringComparison.Ordinal);

        // An existing model whose folder became read-only: the export fails and the old file is intact.
        string target = dir.File("out/model.onnx");
        Assert.Equal(0, InProcess.Run("export", run, "-o", target).ExitCode);
        byte[] old = File.ReadAllBytes(target);
        File.WriteAllBytes(target, [.. old, 1, 2, 3]);   // so a successful overwrite would be visible
        old = File.ReadAllBytes(target);
        if (!ReadOnlyFolder.TryMake(dir.File("out"))) return;   // neither chmod (non-root) nor chattr (root) is available here
        try
        {
            var e = InProcess.Run("export", run, "-o", target);
            Assert.True(e.ExitCode == 1, e.ToString());
            Assert.Contains("cannot write " + target, e.Err, StringComparison.Ordinal);
            Assert.Equal(old, File.ReadAllBytes(target));
        }
        finally
        {
            ReadOnlyFolder.Undo(dir.File("out"));
        }
    }

    [Theory]
    [InlineData("--threads", "0")]
    [InlineData("--threads", "65")]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "1000000")]
    public void Out_of_range_settings_are_refused_before_training(string option, string value)
    {
        using var dir = new TempDir();
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 1));
        var r = InProcess.Run("train", spec, "--out", dir.File("run"), option, value);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"{option} must be in", r.Err, StringComparison.Ordinal);
        Assert.Contains(value, r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public void A_batch_whose_activations_do_not_fit_in_memory_is_refused_up_front_with_the_estimate()
    {
        using var dir = new TempDir();
        string spec = dir.Write("wide.yaml", """
            name: wide_cnn
            input:
              shape: [1, 28, 28]
              scale: 0.00392156862745098
            layers:
              - conv2d: {filters: 512, kernel: 3, padding: same, activation: relu}
              - flatten
              - dense: {units: 10, activation: softmax}
            train:
              dataset: mnist
              optimizer: adam
              batch_size: 65536
              epochs: 1
              seed: 1
            """);
        var clock = Stopwatch.StartNew();
        var r = InProcess.Run("train", spec, "--out", dir.File("run"), "--limit", "100", "--quiet");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"batch 65536 needs an estimated \d+\.\d GB .*; this machine has \d+\.\d GB available", r.Err);
        Assert.False(RunCheckpoints.Exists(dir.File("run")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refusal took {clock.Elapsed}: it allocated first?");
        long estimate = NetForge.Engine.NetForgeEngine.EstimateMemoryBytes(NetForge.Spec.SpecCompiler.Load(spec), 65536);
        Assert.True(estimate > 4L * 65536 * 512 * 784 * 2, $"estimate {estimate} is below the activations and their gradients");
    }

    private static string Exploding(string extraTrain = "") => $$$"""
        name: exploding
        input:
          shape: [784]
          scale: 1.0
        layers:
          - dense: {units: 32, activation: relu}
          - dense: {units: 10, activation: softmax}
        train:
          dataset: mnist
          optimizer: {sgd: {learning_rate: 3.0e38}}
          batch_size: 100
          epochs: 2
          seed: 11
        {{{extraTrain}}}
        """;

    [Fact]
    public void A_non_finite_weight_with_a_finite_loss_stops_naming_the_layer()
    {
        using var dir = new TempDir();
        string spec = dir.Write("boom.yaml", Exploding());
        var r = InProcess.Run(["train", spec, "--out", dir.File("run"), .. Small]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"non-finite (gradient|weight \(after the update\)) in layers\.\d\.(weight|bias) \(dense(_\d)?\) at epoch 1, batch \d+", r.Err);
        Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);
        Assert.False(RunCheckpoints.Exists(dir.File("run")));
    }

    [Fact]
    public void Clip_norm_keeps_the_same_learning_rate_finite()
    {
        using var dir = new TempDir();
        string spec = dir.Write("clipped.yaml", Exploding("  clip_norm: 1.0e-36"));
        var r = InProcess.Run(["train", spec, "--out", dir.File("run"), .. Small]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var (state, tensors, _) = RunCheckpoints.LoadLatest(dir.File("run"));
        Assert.Equal(2, state.EpochsCompleted);
        Assert.All(tensors.Values, t => Assert.All(t.Data, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void A_second_trainer_on_the_same_folder_fails_fast_and_the_first_completes()
    {
        using var dir = new TempDir();
        // Long enough (300 epochs, ~6 s) that the first cannot finish while the second process starts (~0.6 s).
        string spec = dir.Write("tiny.yaml", Specs.TinyDropout(epochs: 300));
        string run = dir.File("run");
        using var first = Netforge.Start("train", spec, "--out", run, "--limit", "3000", "--threads", "1", "--quiet", "--no-report");
        var stdout = first.StandardOutput.ReadToEndAsync();
        var stderr = first.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(run, ".lock")) && !first.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
        Assert.False(first.HasExited, "the first trainer finished before the second could start");

        clock.Restart();
        var second = Netforge.Run("train", spec, "--out", run, "--limit", "3000", "--threads", "1", "--quiet");
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains("is in use by another 'netforge train'", second.Err, StringComparison.Ordinal);

        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)));
        first.WaitForExit();
        var done = Netforge.Kill(first, stdout, stderr);   // already exited: only collects the output
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal(300, RunCheckpoints.LoadLatest(run).State.EpochsCompleted);
    }
}

/// <summary>Makes a folder refuse new files: chmod 0555 when not root; as root (which chmod does not stop) the immutable attribute.</summary>
internal static class ReadOnlyFolder
{
    public static bool TryMake(string folder)
    {
        if (OperatingSystem.IsWindows()) return false;
        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            return true;
        }
        return Chattr("+i", folder);
    }

    public static void Undo(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Environment.UserName != "root") File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else Chattr("-i", folder);
    }

    private static bool Chattr(string flag, string folder)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("chattr", [flag, folder]) { RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return false;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
