using System.Runtime.InteropServices;

namespace NetForge.Torch;

/// <summary>
/// libtorch switches TorchSharp 0.107 does not bind, called through the C++ symbols libtorch_cpu exports (Itanium ABI:
/// Linux and macOS): <c>at::globalContext().setUserEnabledMkldnn(false)</c> and <c>setUserEnabledNNPACK(false)</c>, what
/// Python's <c>torch.backends.mkldnn.enabled = False</c> and <c>torch.backends.nnpack.enabled = False</c> do. libtorch 2.10's oneDNN convolution backward returns wrong weight
/// gradients in this setup (measured against finite differences: −0.26 for −8.10 at one thread; the wrong value changes
/// with DNNL_MAX_CPU_ISA), so the engine turns oneDNN off and convolutions run on ATen's own kernels (im2col + MKL GEMM).
/// Where the symbols are missing (another ABI or libtorch), <see cref="MkldnnDisabled"/> is false and convolutions fall
/// back to unfold + matmul, which never reaches oneDNN.
/// </summary>
internal static class Libtorch
{
    private static readonly Lazy<bool> Disabled = new(() =>
    {
        try
        {
            var context = GlobalContext();
            SetUserEnabledMkldnn(context, false);
            // NNPACK (tried next for convolutions) does not support these CPUs and says so on stderr at every run: off too.
            SetUserEnabledNnpack(context, false);
            return !UserEnabledMkldnn(context);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    });

    /// <summary>True once oneDNN is off for the process (the first call turns it off).</summary>
    public static bool MkldnnDisabled => Disabled.Value;

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}
