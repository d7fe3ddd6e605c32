#!/usr/bin/env bash
# The TorchSharp lane: runs a command where TorchSharp's native glue (libLibTorchSharp.so) loads.
#   tools/torch-lane.sh COMMAND [ARG...]
# TorchSharp 0.107 needs GLIBCXX_3.4.32 (the libstdc++ of GCC >= 13: Debian 13, Ubuntu 24.04, Fedora 39 and later).
# On such a host COMMAND runs directly. On an older one (Debian 12: our machines and CI) the lane builds a Debian 13
# root once with debootstrap (cached in $NETFORGE_HOME/lanes/trixie; the mirror is read from this machine's own apt
# sources) and runs COMMAND inside it: a private mount namespace (unshare -m, so no mount outlives the command)
# bind-mounts /proc, /dev, /tmp, the .NET SDK, the NuGet package folders, NETFORGE_HOME, the current folder and the
# Debian-packaged data the tests read at the same paths, then chroots. Build on the host (Debian 12 builds TorchSharp code fine); run inside.
# Anything that stops the lane exits non-zero with the reason: the lane never skips.
set -euo pipefail

die() { echo "torch-lane: $*" >&2; exit 2; }
[ $# -gt 0 ] || die "usage: tools/torch-lane.sh COMMAND [ARG...]"

needed=GLIBCXX_3.4.32
host_libstdcxx() { /sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'; }
lib=$(host_libstdcxx || true)
if [ -n "$lib" ] && grep -qa "$needed" "$lib"; then
  exec "$@"
fi

home=${NETFORGE_HOME:-$HOME/.cache/netforge}
root="$home/lanes/trixie"
if [ ! -f "$root/.netforge-lane-ready" ]; then
  [ "$(id -u)" = 0 ] || die "$lib lacks $needed and building the Debian 13 lane needs root (debootstrap, chroot); run as root, or on a distribution with GCC >= 13's libstdc++"
  command -v debootstrap >/dev/null || {
    echo "torch-lane: installing debootstrap" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  # The mirror: the first Debian archive this machine's apt sources name (deb822 'URIs:' or one-line 'deb URL').
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}')
  [ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}')
  [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*; cannot build the Debian 13 lane"
  echo "torch-lane: building the Debian 13 root in $root (once; about 1.5 minutes, 270 MB)" >&2
  rm -rf "$root.partial"
  mkdir -p "$(dirname "$root")"
  debootstrap --variant=minbase --include=libicu76,ca-certificates trixie "$root.partial" "$mirror" >"$root.partial.log" 2>&1 ||
    die "debootstrap failed (log: $root.partial.log)"
  grep -qa "$needed" "$root.partial/usr/lib/x86_64-linux-gnu/libstdc++.so.6" || die "the Debian 13 root's libstdc++ lacks $needed"
  rm -rf "$root" && mv "$root.partial" "$root" && mv "$root.partial.log" "$root/.netforge-lane.log"
  touch "$root/.netforge-lane-ready"
fi

[ "$(id -u)" = 0 ] || die "$lib lacks $needed; running inside the Debian 13 lane needs root (unshare -m, chroot)"
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
mounts=(/proc /dev /tmp "$dotnet_dir" "$home" "$PWD")
# plus the real data Debian packages put on the host, which the tests read (python3-sklearn's tables, Fashion-MNIST)
for d in "${NUGET_PACKAGES:-$HOME/.nuget/packages}" /opt/nuget/packages "$HOME/.nuget" "$HOME/.dotnet" \
         /usr/lib/python3/dist-packages/sklearn/datasets/data /usr/share/datasets; do
  [ -d "$d" ] && mounts+=("$d")
done
script='set -e; root=$1; shift; n=$1; shift
for ((i = 0; i < n; i++)); do d=$1; shift; mkdir -p "$root$d"; mount --rbind "$d" "$root$d"; done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cwd=$1; shift
exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"'
export PATH="$dotnet_dir:$PATH" DOTNET_ROOT="${DOTNET_ROOT:-$dotnet_dir}"
exec unshare -m --propagation private bash -c "$script" lane "$root" "${#mounts[@]}" "${mounts[@]}" "$PWD" "$@"
