namespace NetForge.Torch.Tests;

/// <summary>
/// Makes the CLI find this test build as its TorchSharp engine plugin: one engines folder for the whole test process
/// (<c>NETFORGE_ENGINES</c> is process-wide, and test classes run in parallel, so a folder per test could vanish under
/// another test), holding a <c>torchsharp</c> link to this build's output; removed when the process exits.
/// </summary>
internal static class ThisBuildAsEngine
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"nf-engines-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        Directory.CreateSymbolicLink(Path.Combine(dir, "torchsharp"), AppContext.BaseDirectory.TrimEnd('/'));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);   // removes the link, never what it points to
            }
            catch (IOException)
            {
            }
        };
        return dir;
    });

    public static void Use() => Environment.SetEnvironmentVariable("NETFORGE_ENGINES", Folder.Value);
}
