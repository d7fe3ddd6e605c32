using NetForge.Train.Engines;

namespace NetForge.TorchEngine;

/// <summary>What the CLI looks up in the plugin folder: the engine's factory and the check that libtorch loads.</summary>
public static class TorchEngineEntry
{
    public static ITrainingEngineFactory Factory => Torch.TorchSharpEngine.Factory;

    /// <summary>Null when libtorch loads here, else the message naming why not.</summary>
    public static string? Unavailable()
    {
        try
        {
            Torch.TorchSharpRuntime.EnsureAvailable();
            return null;
        }
        catch (Torch.TorchSharpUnavailableException e)
        {
            return e.Message;
        }
    }
}
