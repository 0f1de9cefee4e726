#!/usr/bin/env bash
# Proves the project's set-up on a clean Debian 12 root: debootstrap a minimal bookworm,
# give it what a new machine of this project's kind has before any project script runs
# (compilers, Rust by rustup, Node.js with npm, Go, Python, git, curl, the machine's CA
# and registry settings) and nothing that scripts/setup.sh installs, clone the committed
# HEAD into it and run, in a chroot with a clean environment, exactly what CI runs:
# `bash .ci/run` (set-up, then every test). A step that only a hand install had made
# work on the developers' machines fails here.
#
#   scripts/prove-setup.sh             the proof (~40 min on 2 cores); on success writes
#                                      scripts/setup-proven.sha256 (commit it)
#   scripts/prove-setup.sh --worktree  the same, with the working tree's set-up inputs
#                                      (INPUTS below) copied over the clone of HEAD
#   scripts/prove-setup.sh --with FILE the same, with this one working-tree file copied
#                                      over the clone (repeatable)
#   scripts/prove-setup.sh --keep      keep the root after a success (it is always kept
#                                      after a failure, for a look inside)
#   scripts/prove-setup.sh --check     only compare the set-up inputs with the stamp:
#                                      exit 1 when the set-up changed since it was proven
#
# Everything lives in .local-proof/ (git-ignored): the pristine bootstrap as a tarball
# (clean-root.tar, made once, reused), the root each proof extracts anew (root/), and the
# logs (prep.log, run.log). The inside run uses STACK_SLOT=9, so its ports do not collide
# with a stack in slot 0 on the host; it shares the host's network and port reservations.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd -P)"
STAMP="$REPO/scripts/setup-proven.sha256"
# The set-up's inputs: what decides what scripts/setup.sh installs and how CI reaches it.
#   setup.sh, lib.sh          the set-up itself and what it sources
#   package.json, -lock.json  npm ci installs deno, the supabase CLI, binaryen from them
#   rust-toolchain.toml       which rustc the project builds with (Debian's, path = /usr)
#   Cargo.toml                setup.sh reads the wasm-bindgen pin from it
#   .ci/run, prove-setup.sh   how CI runs the set-up, and what a clean root is
# Not Cargo.lock: its changes are crate versions cargo fetches itself, and they change
# often; a crate that needs a system library changes a member's Cargo.toml too, and would
# have to be added to setup.sh anyway (the normal CI run on a new machine catches that).
INPUTS=(scripts/setup.sh scripts/lib.sh package.json package-lock.json rust-toolchain.toml
        Cargo.toml .ci/run scripts/prove-setup.sh)
MARKER=/etc/prove-setup-root      # exists only inside a proof's root

inputs_hash() {   # inputs_hash DIR: one sha256 over the inputs' names and contents
  local f
  for f in "${INPUTS[@]}"; do
    if [ -f "$1/$f" ]; then sha256sum "$1/$f" | sed "s|  $1/|  |"; else echo "absent  $f"; fi
  done | sha256sum | cut -d' ' -f1
}

if [ -e "$MARKER" ]; then
  # CI inside a proof's root runs .ci/run too: the proof does not nest.
  echo "prove-setup: inside a set-up proof's root; not proving again"; exit 0
fi

KEEP=0 CHECK=0 OVERLAY=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) CHECK=1 ;;
    --worktree) OVERLAY+=("${INPUTS[@]}") ;;
    --with) [ -n "${2:-}" ] || { echo "--with needs a file" >&2; exit 2; }; OVERLAY+=("$2"); shift ;;
    --keep) KEEP=1 ;;
    *) sed -n '10,21p' "$0"; exit 2 ;;
  esac
  shift
done
if [ $CHECK = 1 ]; then
  want=$(awk '$1=="sha256"{print $2}' "$STAMP" 2>/dev/null || true)
  when=$(awk '$1=="date"{print $2}' "$STAMP" 2>/dev/null || true)
  if [ -z "$want" ]; then
    echo "prove-setup: the set-up was never proven (no $STAMP): run scripts/prove-setup.sh"; exit 1
  elif [ "$want" != "$(inputs_hash "$REPO")" ]; then
    echo "prove-setup: the set-up changed since it was proven on $when (one of: ${INPUTS[*]})"
    echo "  run scripts/prove-setup.sh and commit scripts/setup-proven.sha256"
    exit 1
  fi
  echo "prove-setup: set-up unchanged since it was proven on $when"; exit 0
fi
[ "$(id -u)" = 0 ] || { echo "prove-setup: must run as root (debootstrap, mount, chroot)" >&2; exit 1; }

WORK="$REPO/.local-proof"
TARBALL="$WORK/clean-root.tar"
ROOT="$WORK/root"
PREP_LOG="$WORK/prep.log"
RUN_LOG="$WORK/run.log"
MIRROR=http://deb.debian.org/debian
mkdir -p "$WORK"
exec 9>"$WORK/lock"      # one proof at a time per checkout: each starts by removing the root
flock -n 9 || { echo "prove-setup: another proof is running in $WORK" >&2; exit 1; }
: >"$PREP_LOG"

T0=$(date +%s)
now() { date +%s; }
say() { printf '==> %s\n' "$*"; }
fail() { printf 'prove-setup: FAILED: %s\n' "$*" >&2; exit 1; }

# ---- mounts: whatever is mounted under a directory, unmounted deepest first ----------
mounts_under() { awk -v d="$1" '$5==d || index($5, d"/")==1 {print $5}' /proc/self/mountinfo | sort -r; }
unmount_under() {
  local m
  for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  [ -z "$(mounts_under "$1")" ]
}
# Processes whose root is DIR: ours (the inside run, its stack); ended by pid.
kill_inside() {
  local p pids=() i
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && pids+=("${p#/proc/}")
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  echo "    ending ${#pids[@]} process(es) left inside the root"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for i in 1 2 3 4 5 6 7 8 9 10; do
    sleep 1; local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
# rm -rf of a root only once nothing is mounted under it (else it would empty the host's /dev).
remove_root() {
  [ -e "$1" ] || return 0
  kill_inside "$1"
  unmount_under "$1" || fail "mounts remain under $1: $(mounts_under "$1" | tr '\n' ' '); not deleting it"
  rm -rf --one-file-system "$1"
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -d "$ROOT" ]; then
    kill_inside "$ROOT"
    unmount_under "$ROOT" || echo "prove-setup: WARNING: mounts remain under $ROOT: $(mounts_under "$ROOT" | tr '\n' ' ')" >&2
  fi
  [ -d "$WORK/bootstrap" ] && { unmount_under "$WORK/bootstrap" || true; }
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_root() { chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive "$@"; }
logged() { "$@" >>"$PREP_LOG" 2>&1 || { tail -30 "$PREP_LOG"; fail "$* (log: $PREP_LOG)"; }; }

# ---- 1. bootstrap: a pristine minbase bookworm, made once and kept as a tarball --------
say "bootstrap"
T_BOOT=$(now)
if [ -s "$TARBALL" ]; then
  echo "    reusing $TARBALL ($(du -h "$TARBALL" | cut -f1))"
else
  if ! command -v debootstrap >/dev/null; then
    echo "    installing debootstrap"
    logged apt-get update -qq
    logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi
  remove_root "$WORK/bootstrap"
  echo "    debootstrap --variant=minbase bookworm (a few minutes)"
  logged debootstrap --variant=minbase bookworm "$WORK/bootstrap" "$MIRROR"
  unmount_under "$WORK/bootstrap" || fail "debootstrap left mounts under $WORK/bootstrap"
  rm -f "$WORK/bootstrap/etc/resolv.conf" "$WORK/bootstrap/etc/hostname"   # the host's, copied in each proof
  tar --numeric-owner -C "$WORK/bootstrap" -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
  remove_root "$WORK/bootstrap"
fi
T_BOOT=$(( $(now) - T_BOOT ))

# ---- 2. the root as a new machine has it, before any project script ------------------
say "root prep (what a new machine has)"
T_PREP=$(now)
remove_root "$ROOT"            # never reuse a root an earlier proof installed things into
mkdir -p "$ROOT"
tar --numeric-owner -C "$ROOT" -xpf "$TARBALL"
touch "$ROOT$MARKER"
mount -t proc proc "$ROOT/proc"
mount --bind /sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t tmpfs -o mode=1777,size=1g shm "$ROOT/dev/shm"    # its own shm: PostgreSQL uses it

# The machine's network and registry settings: name server, apt sources (bookworm-security
# brings rustc-web 1.96), its CA certificates (registries are reached through them), and
# the npm/pip settings that point at that CA bundle.
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp /etc/hosts "$ROOT/etc/hosts"
rm -f "$ROOT/etc/apt/sources.list" "$ROOT"/etc/apt/sources.list.d/*
cp /etc/apt/sources.list.d/*.sources "$ROOT/etc/apt/sources.list.d/" 2>/dev/null || true
cp /etc/apt/sources.list.d/*.list "$ROOT/etc/apt/sources.list.d/" 2>/dev/null || true
mkdir -p "$ROOT/usr/local/share/ca-certificates" "$ROOT/usr/etc" "$ROOT/root"
cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
for f in /etc/npmrc /usr/etc/npmrc /root/.npmrc /etc/pip.conf; do
  [ -f "$f" ] && cp -a "$f" "$ROOT$f"
done

# Debian packages a new machine has: compilers and build tools, git, curl, CA certificates,
# Python (Node.js's dependency too), and the base tools of the machine's image (procps,
# iproute2, ...: Priority important/standard there, which minbase leaves out).
NEW_MACHINE_APT=(build-essential cmake git curl ca-certificates python3
                 procps iproute2 less lsof file xz-utils bzip2 wget netbase openssh-client
                 perl time bc gettext-base util-linux-extra libcap2-bin)
echo "    apt: ${NEW_MACHINE_APT[*]}"
logged in_root apt-get update -qq
logged in_root apt-get install -y -qq --no-install-recommends "${NEW_MACHINE_APT[@]}"
logged in_root update-ca-certificates

# Node.js and npm as the machine has them (NodeSource's package, whose apt source is off
# on the machine: its files are copied), Go from /usr/local/go.
echo "    node $(node --version), npm $(npm --version), $(/usr/local/go/bin/go version 2>/dev/null | cut -d' ' -f3) from the host"
tar -C / -cf - usr/bin/node usr/bin/npm usr/bin/npx usr/bin/corepack usr/lib/node_modules usr/include/node \
  | tar -C "$ROOT" -xpf -
[ -d /usr/local/go ] && cp -a /usr/local/go "$ROOT/usr/local/"

# Rust by rustup: the stable toolchain, rustup's settings and ~/.cargo/bin (its proxies),
# not the host's crate cache nor anything cargo installed.
echo "    rustup stable from the host"
mkdir -p "$ROOT/root/.rustup/toolchains" "$ROOT/root/.cargo/bin"
cp -a /root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu "$ROOT/root/.rustup/toolchains/"
cp -a /root/.rustup/settings.toml "$ROOT/root/.rustup/"
for f in /root/.cargo/bin/*; do     # rustup and its proxies (links to it), not what cargo installed
  [ "$f" -ef /root/.cargo/bin/rustup ] && cp -a "$f" "$ROOT/root/.cargo/bin/"
done
[ -f /root/.cargo/env ] && cp -a /root/.cargo/env "$ROOT/root/.cargo/"
logged in_root /root/.cargo/bin/rustup default stable
echo "    $(in_root /root/.cargo/bin/rustc --version)"

# The project: the committed HEAD, with shared/ beside it as CI has it (read-only).
COMMIT=$(git -C "$REPO" rev-parse HEAD)
echo "    git clone HEAD ($(git -C "$REPO" log -1 --format='%h %s' | cut -c1-70))"
mkdir -p "$ROOT/work"
logged git clone -q --no-hardlinks "$REPO" "$ROOT/work/proof"
OVERLAID=()
for f in "${OVERLAY[@]}"; do
  [ -f "$REPO/$f" ] || fail "no $f in the working tree"
  if ! cmp -s "$REPO/$f" "$ROOT/work/proof/$f"; then
    echo "    $f from the working tree"; OVERLAID+=("$f")
    mkdir -p "$(dirname "$ROOT/work/proof/$f")"; cp -p "$REPO/$f" "$ROOT/work/proof/$f"
  fi
done
if [ -d "$REPO/../shared" ]; then
  cp -a "$REPO/../shared" "$ROOT/work/shared"; chmod -R a-w "$ROOT/work/shared"
fi
PROVEN_HASH=$(inputs_hash "$ROOT/work/proof")
T_PREP=$(( $(now) - T_PREP ))

# ---- 3. exactly what CI runs, in a clean environment ---------------------------------
say "bash .ci/run inside the root (STACK_SLOT=9; log: $RUN_LOG)"
T_RUN=$(now)
# The machine's environment, as CI gets it, less everything else: PATH as on the machine,
# and the CA bundle variables the machine sets (its registries are reached through its CA).
CA_ENV=()
for v in SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS CURL_CA_BUNDLE GIT_SSL_CAINFO REQUESTS_CA_BUNDLE PIP_CERT RUSTUP_AUTO_INSTALL; do
  [ -n "${!v:-}" ] && CA_ENV+=("$v=${!v}")
done
# In the background and waited for, so that an interrupt reaches the trap at once.
chroot "$ROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 \
  PATH=/usr/local/go/bin:/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  CI=true STACK_SLOT=9 "${CA_ENV[@]}" \
  bash -c 'cd /work/proof && bash .ci/run' </dev/null >"$RUN_LOG" 2>&1 &
RC=0; wait $! || RC=$?
T_RUN=$(( $(now) - T_RUN ))
TOTAL=$(( $(now) - T0 ))

# ---- report --------------------------------------------------------------------------
SETUP_S=$(sed -nE 's/^    set-up: ([0-9.]+)s.*/\1/p' "$RUN_LOG" | head -1)
echo "    step times inside:"
grep -E '^    [^ ].*: [0-9.]+s( \(FAILED.*)?$' "$RUN_LOG" | sed 's/^/    /' || true
if [ $RC -ne 0 ]; then
  echo "---- last 60 lines of $RUN_LOG ----"
  tail -60 "$RUN_LOG"
  echo "----"
fi
printf 'times: bootstrap %ss%s, root prep %ss, the run %ss (set-up inside %ss), total %ss\n' \
  "$T_BOOT" "$([ "$T_BOOT" -lt 30 ] && echo ' (cached)')" "$T_PREP" "$T_RUN" "${SETUP_S:-?}" "$TOTAL"
[ $RC -eq 0 ] || fail "bash .ci/run exited $RC inside the clean root (root kept at $ROOT; log $RUN_LOG)"

{
  echo "# The set-up last proven on a clean Debian 12 root by scripts/prove-setup.sh;"
  echo "# .ci/run proves it again when the hash of these inputs changes."
  echo "sha256 $PROVEN_HASH"
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "duration ${TOTAL}s (bootstrap ${T_BOOT}s, root prep ${T_PREP}s, .ci/run ${T_RUN}s of which set-up ${SETUP_S:-?}s)"
  echo "commit $COMMIT"
  [ ${#OVERLAID[@]} -eq 0 ] || echo "overlaid from the working tree: ${OVERLAID[*]}"
  echo "inputs ${INPUTS[*]}"
} >"$STAMP"
echo "prove-setup: PROVEN; wrote $STAMP"
if [ $KEEP = 0 ]; then remove_root "$ROOT"; fi
