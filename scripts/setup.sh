#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine, idempotently.
# A second run skips every tool already present at the right version and takes seconds.
#
# Slow steps on a fresh machine (measured on 2 cores):
#   - wasm32 standard library built from rust-web-src   ~1.5 min (once per rustc version)
#   - cargo install wasm-bindgen-cli                     ~4 min
#   - cargo install wasm-pack                            ~3 min
#   - cargo install postrust-server                      ~5 min
#   - go install mailpit                                 ~1.5 min
# Everything else takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web   # Rust 1.96 with a buildable wasm32 std, clippy, rustfmt
  rust-web-llvm lld-22      # rust-lld, the wasm32 linker: a Recommends of rustc-web that --no-install-recommends skips
  postgresql-15 postgresql-15-pgtap pgtap postgresql-15-plpgsql-check   # database, pg_prove, db lint
  nginx-light                                               # the gateway on :54321
  poppler-utils                                             # pdftotext: extractor benchmark baseline
  curl ca-certificates jq
  procps iproute2       # ps, sysctl, ss: stack.sh waits for and finds its parts with them
)
WASM_BINDGEN_VERSION=$(sed -nE 's/^wasm-bindgen = "=([0-9.]+)".*/\1/p' "$ROOT/Cargo.toml")
WASM_PACK_VERSION=0.15.1
POSTRUST_VERSION=3.1.0

echo "Setting up the toolchain (fresh machine: ~15 min, mostly cargo install; re-run: seconds)"

apt_missing() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    [[ "$p" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[*]:-}"
}

install_apt() {
  local missing; missing=$(apt_missing)
  if [ -z "$missing" ]; then echo "    apt packages: all present"; return 0; fi
  echo "    installing: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >"$LOG_DIR/apt.log" 2>&1 \
    || { tail -20 "$LOG_DIR/apt.log"; return 1; }
  # Debian starts a default cluster on 5432 and nginx on :80; this project runs its own.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1, $2}' | while read -r v c; do
      pg_ctlcluster "$v" "$c" stop || true
    done
  fi
  if [ -f /run/nginx.pid ]; then nginx -s quit 2>/dev/null || true; fi
}

# Debian's binaryen 108 corrupts wasm-bindgen output (its wasm-opt, even with no passes,
# points the externref table export at the function table; Deno then fails with
# `WebAssembly.Table.set(): Argument 1 is invalid for table`); make sure it is not the
# wasm-opt that wasm-pack finds.
refuse_debian_binaryen() {
  if dpkg-query -W -f='${Status}' binaryen 2>/dev/null | grep -q 'install ok installed'; then
    echo "    removing Debian's binaryen (corrupts wasm-bindgen output)"
    apt-get remove -y -qq binaryen >/dev/null
  fi
}

# The wasm32 standard library, built once from Debian's rust-web-src and keyed on the
# compiler version: an upgraded rustc-web needs a rebuilt std (E0514 otherwise).
install_wasm_std() {
  local libdir=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  local stamp="$libdir/.built-for"
  local want; want=$(/usr/bin/rustc --version)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "    wasm32 std present for $want"; return 0
  fi
  echo "    building wasm32 std for $want (slow, ~1.5 min)"
  local tmp; tmp=$(mktemp -d)
  mkdir -p "$tmp/src"
  cat >"$tmp/Cargo.toml" <<'TOML'
[package]
name = "wasm-std-seed"
version = "0.0.0"
edition = "2021"
[profile.release]
panic = "abort"
TOML
  echo '#![no_std]' >"$tmp/src/lib.rs"
  # -Cembed-bitcode=yes: without it, crates built with lto = true fail to link.
  (cd "$tmp" && RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes RUSTC=/usr/bin/rustc \
    /usr/bin/cargo build -q --release --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort,test) >"$LOG_DIR/wasm-std.log" 2>&1 \
    || { tail -20 "$LOG_DIR/wasm-std.log"; return 1; }
  rm -rf "$libdir"; mkdir -p "$libdir"
  find "$tmp/target/wasm32-unknown-unknown/release/deps" -name '*.rlib' ! -name '*wasm_std_seed*' \
    -exec cp {} "$libdir/" \;
  echo "$want" >"$stamp"
  rm -rf "$tmp"
  # Cargo fingerprints the compiler's version, not the sysroot's files: wasm32 artifacts
  # built against the previous std would now fail with E0463 "can't find crate".
  rm -rf "$ROOT/target/wasm32-unknown-unknown"
}

# cargo install <crate> <version> <binary>. Present means cargo's own install record says
# so and the binary is there (postrust has no --version: it starts a server instead).
cargo_install() {
  local crate="$1" version="$2" bin="$3"
  if command -v "$bin" >/dev/null && cargo install --list 2>/dev/null | grep -qxF "$crate v$version:"; then
    echo "    $crate $version present"; return 0
  fi
  echo "    cargo install $crate $version (slow)"
  # Outside the project dir, so rust-toolchain.toml does not apply: host tools build
  # with the machine's default toolchain. --force: a binary of another version (or one
  # cargo has no record of) may already be in ~/.cargo/bin; this one replaces it.
  (cd / && cargo install -q --force "$crate" --version "$version") >"$LOG_DIR/install-$crate.log" 2>&1 \
    || { tail -20 "$LOG_DIR/install-$crate.log"; return 1; }
}

# Mailpit, the mail catcher `supabase start` runs, built by the Go toolchain the machine
# has (Go's module proxy serves it). `go install` stamps no version into the binary's own
# `mailpit version`, so the build's module record (`go version -m`) says which it is.
install_mailpit() {
  local go; go=$(command -v go || echo /usr/local/go/bin/go)
  [ -x "$go" ] || { echo "    Go is needed to build Mailpit (/usr/local/go/bin/go)"; return 1; }
  if [ -x "$MAILPIT_BIN" ] && "$go" version -m "$MAILPIT_BIN" 2>/dev/null \
       | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/axllent/mailpit[[:space:]]+v$MAILPIT_VERSION([[:space:]]|$)"; then
    echo "    mailpit $MAILPIT_VERSION present"; return 0
  fi
  echo "    go install mailpit $MAILPIT_VERSION (slow)"
  (cd / && CGO_ENABLED=0 GOBIN="$(dirname "$MAILPIT_BIN")" "$go" install "github.com/axllent/mailpit@v$MAILPIT_VERSION") \
    >"$LOG_DIR/install-mailpit.log" 2>&1 || { tail -20 "$LOG_DIR/install-mailpit.log"; return 1; }
}

install_npm() {
  # package-lock.json pins every npm tool; skip when node_modules already matches it.
  if [ -f "$ROOT/node_modules/.package-lock.json" ] \
     && [ "$ROOT/node_modules/.package-lock.json" -nt "$ROOT/package-lock.json" ] \
     && [ -x "$ROOT/node_modules/.bin/deno" ]; then
    echo "    node_modules up to date"; return 0
  fi
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 \
    || { tail -20 "$LOG_DIR/npm.log"; return 1; }
}

check_versions() {
  printf '    %s\n' "$(/usr/bin/rustc --version)" "$(wasm-bindgen --version)" \
    "$(wasm-pack --version)" "wasm-opt $(wasm-opt --version)" "$(deno --version | head -1)" \
    "supabase $(supabase --version)" "postrust-server $POSTRUST_VERSION" \
    "$(psql --version)" "$(nginx -v 2>&1)" "mailpit $MAILPIT_VERSION"
}

# The stack's ports (54321-54499, and the same +N*1000 for STACK_SLOT N) lie inside Linux's
# ephemeral range (32768-60999): reserve them so an outgoing connection of the tests never
# takes a port a part of the stack is about to bind. Best effort: a container may forbid it.
reserve_ports() {
  local want="" k
  for k in 0 1 2 3 4 5 6 7 8 9; do want+="${want:+,}$((54321 + k * 1000))-$((54499 + k * 1000))"; done
  if [ "$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null)" = "$want" ]; then
    echo "    stack ports already reserved"; return 0
  fi
  sysctl -q -w net.ipv4.ip_local_reserved_ports="$want" 2>/dev/null \
    && echo "    reserved $want" || echo "    could not reserve the stack's ports (not fatal)"
}

# The local Auth stand-in (local/auth): its own cargo workspace; cargo rebuilds only
# when its sources or lock changed (a first build ~10 min on 2 cores, then seconds).
build_auth() {
  cargo build --release --quiet --manifest-path "$ROOT/local/auth/Cargo.toml" >"$LOG_DIR/build-auth.log" 2>&1 \
    || { tail -20 "$LOG_DIR/build-auth.log"; return 1; }
  [ -x "$AUTH_BIN" ] || { echo "    built, but $AUTH_BIN is missing"; return 1; }
}

T0=$(date +%s)
step "apt packages" install_apt
step "no Debian binaryen" refuse_debian_binaryen
step "wasm32 std" install_wasm_std
step "wasm-bindgen-cli $WASM_BINDGEN_VERSION" cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
step "wasm-pack $WASM_PACK_VERSION" cargo_install wasm-pack "$WASM_PACK_VERSION" wasm-pack
step "postrust-server $POSTRUST_VERSION" cargo_install postrust-server "$POSTRUST_VERSION" postrust
step "mailpit $MAILPIT_VERSION" install_mailpit
step "stack ports out of the ephemeral range" reserve_ports
step "npm packages (deno, supabase CLI, supabase-js, binaryen)" install_npm
step "local Auth stand-in (local/auth)" build_auth
step "versions" check_versions
echo "setup done in $(( $(date +%s) - T0 ))s"
