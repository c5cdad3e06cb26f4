#!/usr/bin/env bash
# Fetch a current Neovim from Debian's archive into a private directory,
# without installing anything on the system.
#
#   bash tests/nvim/fetch-nvim.sh SUITE OUTDIR
#
#   SUITE   Debian suite: trixie (Neovim 0.10.x), unstable/sid (0.12.x), ...
#   OUTDIR  e.g. build/nvim/trixie; afterwards OUTDIR/nvim is the editor.
#
# How: a private apt configuration (sources, lists, cache, status all under
# OUTDIR/apt) downloads neovim, neovim-runtime, patchelf and their whole
# dependency closure, including that suite's libc6 and loader; each .deb is
# unpacked into OUTDIR/root.  The nvim binary is then patched (interpreter +
# rpath) to run against the unpacked libraries, so it is an ordinary
# executable: v:progpath is the real binary and child Neovims just work.
#
# Environment:
#   DEBIAN_MIRROR   archive URL (default: the host's Debian mirror from
#                   /etc/apt/sources.list*, else http://deb.debian.org/debian)
#   DEBIAN_KEYRING  keyring for signed-by (default: debian-archive-keyring.gpg)
#   FORCE=1         refetch even if OUTDIR/nvim already works
set -euo pipefail

die() { echo "fetch-nvim: error: $*" >&2; exit 1; }
log() { echo "fetch-nvim: $*" >&2; }

[[ $# -eq 2 ]] || die "usage: $0 SUITE OUTDIR   (SUITE: trixie, unstable, ...)"
SUITE=$1
[[ $SUITE =~ ^[a-z][a-z0-9-]*$ ]] || die "bad suite name: $SUITE"
mkdir -p "$2" || die "cannot create $2"
OUTDIR=$(cd "$2" && pwd -P)   # absolute: it is baked into the binary and wrapper
ROOT=$OUTDIR/root
WRAPPER=$OUTDIR/nvim
ARCH=amd64
TRIPLET=x86_64-linux-gnu

# Idempotence: the wrapper is written last, so a working one means done.
if [[ ${FORCE:-0} != 1 && -x $WRAPPER ]] && ver=$("$WRAPPER" --version 2>/dev/null | head -n1) \
    && [[ $ver == NVIM* ]]; then
  log "already present: $WRAPPER ($ver)"
  exit 0
fi

[[ $(uname -m) == x86_64 ]] || die "only x86_64 hosts are supported (got $(uname -m))"
for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || die "'$tool' not found (needs a Debian-based host)"
done

# Reuse the host's Debian mirror (the only archive reachable in CI), skipping
# security/updates/ports hosts; both one-line and deb822 formats are read.
detect_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    grep -hoE '(https?|file)://[^][ "]+' "$f" 2>/dev/null || true
  done | sed 's:/*$::' | grep -E '/debian$' | head -n1
}
MIRROR=${DEBIAN_MIRROR:-$(detect_mirror)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[[ -r $KEYRING ]] || die "keyring $KEYRING not readable (install debian-archive-keyring or set DEBIAN_KEYRING)"

# --- private apt configuration --------------------------------------------------
APTDIR=$OUTDIR/apt
DEBDIR=$OUTDIR/debs
mkdir -p "$APTDIR"/{etc/sources.list.d,etc/preferences.d,etc/trusted.gpg.d} \
         "$APTDIR"/state/lists/partial "$APTDIR"/cache/archives/partial "$DEBDIR"
echo "deb [arch=$ARCH signed-by=$KEYRING] $MIRROR $SUITE main" > "$APTDIR/etc/sources.list"
: > "$APTDIR/status"   # empty dpkg status: resolve as if nothing were installed

# The host's apt.conf(.d) is still read on purpose (proxy settings etc.);
# everything that would touch the system's apt state is redirected here.
APT_OPTS=(
  -o "Dir::State=$APTDIR/state"
  -o "Dir::State::status=$APTDIR/status"
  -o "Dir::Cache=$APTDIR/cache"
  -o "Dir::Cache::pkgcache=$APTDIR/cache/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$APTDIR/cache/srcpkgcache.bin"
  -o "Dir::Etc::SourceList=$APTDIR/etc/sources.list"
  -o "Dir::Etc::SourceParts=$APTDIR/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$APTDIR/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$APTDIR/etc/preferences.d"
  -o "Dir::Etc::Trusted=$APTDIR/etc/trusted.gpg"
  -o "Dir::Etc::TrustedParts=$APTDIR/etc/trusted.gpg.d"
  -o "APT::Architecture=$ARCH"
  -o "APT::Architectures=$ARCH"
  -o "Acquire::Check-Valid-Until=false"   # archived/snapshot mirrors have stale Release dates
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=false"
  -o "Debug::NoLocking=true"              # our own dirs; never take the system's locks
)
# Downloads land in the current dir; as root apt would drop to _apt, which
# may not be able to write into OUTDIR.
[[ $(id -u) == 0 ]] && APT_OPTS+=(-o "APT::Sandbox::User=root")
apt_get() { apt-get -q "${APT_OPTS[@]}" "$@"; }
apt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }

log "suite '$SUITE' from $MIRROR into $OUTDIR"
apt_get update >"$APTDIR/update.log" 2>&1 || {
  cat "$APTDIR/update.log" >&2
  die "apt-get update failed for suite '$SUITE' (mirror $MIRROR)"
}
grep -E '^(W|E):' "$APTDIR/update.log" >&2 || true
apt_cache show neovim >/dev/null 2>&1 || die "suite '$SUITE' has no 'neovim' package"

WANT=(neovim neovim-runtime patchelf)

# Dependency closure: ask apt's solver what a from-scratch install would need
# (this picks one branch of each "a | b" alternative).  In unstable the solver
# can fail mid-transition; then fall back to the raw recursive depends list.
solved=$(apt_get -s install --no-install-recommends "${WANT[@]}" 2>"$APTDIR/solve.log" \
           | awk '$1 == "Inst" { print $2 }') || true
if [[ -z $solved ]]; then
  log "warning: apt could not resolve an install set (see below); using apt-cache depends --recurse"
  sed 's/^/  /' "$APTDIR/solve.log" >&2
  solved=$(apt_cache depends --recurse --no-recommends --no-suggests --no-conflicts \
             --no-breaks --no-replaces --no-enhances "${WANT[@]}" | grep -E '^[a-z0-9]') || true
fi
mapfile -t PKGS < <(printf '%s\n' "$solved" "${WANT[@]}" libc6 | sed 's/:.*//; /^$/d' | sort -u)
log "${#PKGS[@]} packages: ${PKGS[*]}"

rm -f "$DEBDIR"/*.deb
(cd "$DEBDIR" && apt_get download "${PKGS[@]}") >"$APTDIR/download.log" 2>&1 || {
  cat "$APTDIR/download.log" >&2
  die "apt-get download failed"
}

# --- unpack ------------------------------------------------------------------------
rm -rf "$ROOT" "$WRAPPER"
mkdir -p "$ROOT"
for deb in "$DEBDIR"/*.deb; do
  dpkg-deb -x "$deb" "$ROOT" || die "cannot unpack $deb"
done
# Pre-usrmerge packages may still put things in /lib; make both views agree.
for d in lib lib64 bin; do
  [[ -e $ROOT/$d ]] || ln -s "usr/$d" "$ROOT/$d"
done

NVIM_BIN=$ROOT/usr/bin/nvim
[[ -f $NVIM_BIN ]] || die "usr/bin/nvim missing after unpacking"
LOADER=
for cand in "$ROOT/usr/lib64/ld-linux-x86-64.so.2" "$ROOT/lib64/ld-linux-x86-64.so.2" \
            "$ROOT/usr/lib/$TRIPLET/ld-linux-x86-64.so.2" "$ROOT/lib/$TRIPLET/ld-linux-x86-64.so.2"; do
  [[ -e $cand ]] && { LOADER=$(readlink -f "$cand"); break; }
done
[[ -n $LOADER && -f $LOADER ]] || die "dynamic loader not found in unpacked libc6"

# DT_RPATH (not RUNPATH: --force-rpath) so it also covers the libraries' own
# dependencies and dlopen()ed modules instead of falling back to the host's.
RPATH=
for d in usr/lib/$TRIPLET usr/lib lib/$TRIPLET lib; do
  [[ -d $ROOT/$d ]] && RPATH+=${RPATH:+:}$(readlink -f "$ROOT/$d")
done
RPATH=$(tr ':' '\n' <<<"$RPATH" | awk '!seen[$0]++' | paste -sd:)

# Run the suite's patchelf through the suite's loader: works whatever the
# host glibc is, and needs nothing installed.
PATCHELF_BIN=$ROOT/usr/bin/patchelf
[[ -f $PATCHELF_BIN ]] || die "usr/bin/patchelf missing after unpacking"
patchelf() { "$LOADER" --library-path "$RPATH" "$PATCHELF_BIN" "$@"; }
patchelf --set-interpreter "$LOADER" --force-rpath --set-rpath "$RPATH" "$NVIM_BIN" \
  || die "patchelf failed on $NVIM_BIN"

# Debian ships nvim's bundled tree-sitter parsers in /usr/lib/nvim/parser
# (a compiled-in path: on a host with its own neovim the relocated binary
# would use the host's copy instead).  Expose them through a "site" dir on
# $XDG_DATA_DIRS, which is on 'runtimepath' ahead of that path and is
# inherited by child Neovims.
SITE=$ROOT/usr/share/nvim/site
mkdir -p "$SITE"
for d in usr/lib/nvim/parser usr/lib/$TRIPLET/nvim/parser; do
  [[ -d $ROOT/$d ]] && { ln -sfn "$ROOT/$d" "$SITE/parser"; break; }
done
[[ -e $SITE/parser ]] || log "warning: no bundled tree-sitter parsers found in the neovim package"

# --- wrapper ------------------------------------------------------------------------
# XDG_*_DIRS point at the unpacked tree so the host's /etc/xdg/nvim and
# /usr/share/nvim/site (e.g. from a system neovim) stay out of 'runtimepath'.
tmp=$WRAPPER.tmp
{
  echo '#!/usr/bin/env bash'
  echo "# Generated by tests/nvim/fetch-nvim.sh ($SUITE from $MIRROR)."
  printf 'export VIMRUNTIME=%q\n' "$ROOT/usr/share/nvim/runtime"
  printf 'export XDG_DATA_DIRS=%q\n' "$ROOT/usr/share"
  printf 'export XDG_CONFIG_DIRS=%q\n' "$ROOT/etc/xdg"
  printf 'exec %q "$@"\n' "$NVIM_BIN"
} > "$tmp"
chmod +x "$tmp"

ver=$("$tmp" --version 2>&1 | head -n1) || true
[[ $ver == NVIM* ]] || { "$tmp" --version >&2 || true; rm -f "$tmp"; die "patched nvim does not run"; }
mv "$tmp" "$WRAPPER"
# The package lists and caches (~100 MB) are not needed any more.
rm -rf "$APTDIR/state/lists" "$APTDIR"/cache/*.bin "$DEBDIR"
log "ok: $WRAPPER -> $ver"
