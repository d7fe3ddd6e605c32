using System.Diagnostics;
using System.Runtime.InteropServices;
using NetForge.Train.Checkpoints;

namespace NetForge.Reliability.Tests;

/// <summary>The outcome of a <c>netforge</c> child process.</summary>
internal sealed record ChildResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>Runs the real CLI (<c>dotnet netforge.dll</c> from this test project's output folder) as a child process.</summary>
internal static class Netforge
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "netforge.dll");

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Runs to completion (or kills after <paramref name="timeout"/> and fails).</summary>
    public static ChildResult Run(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"netforge {string.Join(' ', args)} did not finish in {timeout}");
        }
        p.WaitForExit();
        return new ChildResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static ChildResult Run(params string[] args) => Run(TimeSpan.FromMinutes(2), args);

    /// <summary>kill -9 of the child and everything it started; waits until it is gone.</summary>
    public static ChildResult Kill(Process p, Task<string> stdout, Task<string> stderr)
    {
        if (!p.HasExited) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        return new ChildResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Small specs written to a temp folder.</summary>
internal static class Specs
{
    /// <summary>Dense 32 ReLU → dropout 0.25 → dense 10 softmax (dropout makes the RNG matter).</summary>
    public static string TinyDropout(int epochs = 6, string optimizer = "adam", string extraTrain = "") => $$"""
        name: tiny_dropout
        input:
          shape: [784]
          scale: 0.00392156862745098
        layers:
          - dense: {units: 32, activation: relu}
          - dropout: {rate: 0.25}
          - dense: {units: 10, activation: softmax}
        train:
          dataset: mnist
          optimizer: {{optimizer}}
          batch_size: 100
          epochs: {{epochs}}
          seed: 11
        {{extraTrain}}
        """;
}

internal static class CheckpointAssert
{
    /// <summary>Every checkpoint file in <paramref name="runDir"/> (latest, prev, next) loads and verifies.</summary>
    public static int AllLoad(string runDir)
    {
        int n = 0;
        foreach (var name in new[] { RunCheckpoints.Latest, RunCheckpoints.Previous, RunCheckpoints.Next })
        {
            string path = System.IO.Path.Combine(runDir, name);
            if (!File.Exists(path)) continue;
            var ex = Record.Exception(() => Checkpoint.Load(path));
            Assert.True(ex is null, $"{path} does not load: {ex}");
            n++;
        }
        return n;
    }

    /// <summary>Every tensor of both checkpoints has the same name, shape and bits.</summary>
    public static void BitIdentical(string expectedPath, string actualPath)
    {
        var (_, expected) = Checkpoint.Load(expectedPath);
        var (_, actual) = Checkpoint.Load(actualPath);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, t) in expected)
        {
            Assert.Equal(t.Shape, actual[name].Shape);
            Assert.True(MemoryMarshal.AsBytes(t.Data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual[name].Data.AsSpan())),
                $"tensor {name} differs between {expectedPath} and {actualPath}");
        }
    }
}
