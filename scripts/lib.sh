# shellcheck shell=bash
# Shared settings for the project's scripts: one place for ports, paths and the
# local keys. Source it; it defines variables and small helpers only.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# STACK_SLOT=N (1-9) runs an independent copy of the whole stack beside the default one:
# every port below moves up by N*1000 and the state lives in .local-N/. Engineers working
# in parallel in one checkout use a slot each so their databases do not collide.
STACK_SLOT="${STACK_SLOT:-0}"
case "$STACK_SLOT" in [0-9]) ;; *) echo "STACK_SLOT must be 0-9" >&2; exit 2;; esac
_off=$(( STACK_SLOT * 1000 ))
if [ "$STACK_SLOT" = 0 ]; then LOCAL_DIR="$ROOT/.local"; else LOCAL_DIR="$ROOT/.local-$STACK_SLOT"; fi
# LOCAL_DIR is git-ignored: data dir, logs, pids, generated configs
LOG_DIR="$LOCAL_DIR/logs"
RUN_DIR="$LOCAL_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"

# Ports follow `supabase start` where Supabase has one.
API_PORT="${API_PORT:-$(( 54321 + _off ))}"            # gateway (nginx): /rest/v1, /functions/v1, /storage/v1
DB_PORT="${DB_PORT:-$(( 54322 + _off ))}"              # PostgreSQL 15
REST_PORT="${REST_PORT:-$(( 54330 + _off ))}"          # postrust (PostgREST-compatible), behind the gateway
FUNCTIONS_PORT="${FUNCTIONS_PORT:-$(( 54331 + _off ))}" # functions host, behind the gateway
STORAGE_PORT="${STORAGE_PORT:-$(( 54332 + _off ))}"    # storage API, behind the gateway
AUTH_PORT="${AUTH_PORT:-$(( 54336 + _off ))}"          # Auth stand-in (local/auth), behind the gateway
MAIL_PORT="${MAIL_PORT:-$(( 54324 + _off ))}"          # Mailpit's web UI and API (the mail Auth sends)
MAIL_SMTP_PORT="${MAIL_SMTP_PORT:-$(( 54325 + _off ))}" # Mailpit's SMTP server, where Auth sends it
WORKER_PORT_BASE="${WORKER_PORT_BASE:-$(( 54400 + _off ))}" # one port per function isolate

# Keys (docs/LOCAL-STACK.md "Keys"). STACK_KEYS picks how the stack signs tokens:
#   signing (default)  as a Supabase project created today: ES256 with a private signing key
#                      generated on first use into supabase/signing_keys.json (git-ignored;
#                      config.toml [auth] signing_keys_path, as `supabase start` reads it),
#                      its public half the JWKS; no shared secret, HS256 is refused
#   legacy             HS256 with the well-known local JWT secret `supabase start` used
STACK_KEYS="${STACK_KEYS:-signing}"
case "$STACK_KEYS" in signing|legacy) ;; *) echo "STACK_KEYS must be signing or legacy, not $STACK_KEYS" >&2; exit 2;; esac
# The publishable and secret API keys `supabase start` prints (the Supabase CLI's built-in
# local values), in both modes: the gateway turns each into the role JWT it stands for.
PUBLISHABLE_KEY="${PUBLISHABLE_KEY:-sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH}"
SECRET_KEY="${SECRET_KEY:-sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz}"
for _k in "$PUBLISHABLE_KEY" "$SECRET_KEY"; do
  [[ "$_k" =~ ^sb_(publishable|secret)_[A-Za-z0-9_-]+$ ]] || { echo "not an sb_publishable_/sb_secret_ key: $_k" >&2; exit 2; }
done
# The well-known legacy values `supabase start` uses, so supabase-js examples work unchanged.
LEGACY_JWT_SECRET="super-secret-jwt-token-with-at-least-32-characters-long"
LEGACY_ANON_KEY="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
LEGACY_SERVICE_ROLE_KEY="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
# The private signing key (shared by every STACK_SLOT) and, per slot, what is derived from
# it (public JWKS, anon and service_role JWTs), rederived when the key file changes.
SIGNING_KEYS_FILE="$ROOT/supabase/signing_keys.json"
KEYS_DIR="$LOCAL_DIR/keys"
# Values inherited from a lib.sh of the other mode (test.sh runs both) are not overrides.
if [ -n "${STACK_KEYS_OF:-}" ] && [ "$STACK_KEYS_OF" != "$STACK_KEYS" ]; then
  unset JWT_SECRET ANON_KEY SERVICE_ROLE_KEY JWKS
fi
if [ "$STACK_KEYS" = legacy ]; then
  # Overridable by env in this mode: JWT_SECRET, ANON_KEY, SERVICE_ROLE_KEY.
  JWT_SECRET="${JWT_SECRET:-$LEGACY_JWT_SECRET}"
  ANON_KEY="${ANON_KEY:-$LEGACY_ANON_KEY}"
  SERVICE_ROLE_KEY="${SERVICE_ROLE_KEY:-$LEGACY_SERVICE_ROLE_KEY}"
  JWKS='{"keys":[]}'
else
  # Derived from the signing key: set by load_keys (below) once ensure_keys has run.
  JWT_SECRET="" ANON_KEY="" SERVICE_ROLE_KEY="" JWKS=""
fi
STACK_KEYS_OF="$STACK_KEYS"
export STACK_KEYS STACK_KEYS_OF PUBLISHABLE_KEY SECRET_KEY SIGNING_KEYS_FILE

API_URL="http://127.0.0.1:$API_PORT"
# sslmode=disable: the Supabase CLI treats a port other than config.toml's 54322 as a remote
# database and insists on TLS, which the local server does not offer (STACK_SLOT ports).
DB_URL="postgresql://postgres:postgres@127.0.0.1:$DB_PORT/postgres?sslmode=disable"
export API_PORT DB_PORT REST_PORT FUNCTIONS_PORT STORAGE_PORT AUTH_PORT MAIL_PORT MAIL_SMTP_PORT WORKER_PORT_BASE
export JWT_SECRET ANON_KEY SERVICE_ROLE_KEY JWKS API_URL DB_URL

# The Auth stand-in's binary, where `cargo build --release` of its own workspace puts it.
AUTH_BIN="${CARGO_TARGET_DIR:-$ROOT/local/auth/target}/release/local-auth"

# The mail catcher `supabase start` runs (Mailpit), installed by scripts/setup.sh.
MAILPIT_VERSION=1.33.1
MAILPIT_BIN="$HOME/.cargo/bin/mailpit"

PG_BIN="/usr/lib/postgresql/15/bin"
PGDATA_DIR="$LOCAL_DIR/pgdata"

# Tools the set-up script installs: cargo's bin dir (with Mailpit, which `go install`
# puts there too) and the npm-installed binaries.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Print a step with its duration: `step "what" command args...`
step() {
  local what="$1"; shift
  local t0; t0=$(date +%s.%N)
  printf '==> %s\n' "$what"
  "$@"
  local rc=$?
  printf '    %s: %ss%s\n' "$what" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')" "$([ $rc -ne 0 ] && echo " (FAILED rc=$rc)")"
  return $rc
}

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- signing keys ------------------------------------------------------------------------

# The private signing key, generated once if missing: every Supabase CLI call needs it,
# since config.toml names it ([auth] signing_keys_path), in either mode. The CLI's own
# generator (`supabase gen signing-key`, no Docker needed) run where it finds no config,
# so it prints the key instead of reading the missing file; Deno's Web Crypto if that fails.
ensure_signing_key() {
  [ -s "$SIGNING_KEYS_FILE" ] && return 0
  mkdir -p "$ROOT/supabase/.temp"
  (
    flock -w 60 8 || die "another process is generating $SIGNING_KEYS_FILE"
    [ -s "$SIGNING_KEYS_FILE" ] && exit 0
    local tmp out; tmp=$(mktemp -d)
    out="$SIGNING_KEYS_FILE.tmp-$$"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp' '$out'" EXIT
    if (cd "$tmp" && "$ROOT/node_modules/.bin/supabase" gen signing-key --algorithm ES256 --workdir "$tmp" </dev/null 2>/dev/null) \
         | jq -se 'if length == 1 and .[0].kty == "EC" and .[0].alg == "ES256" and (.[0].d | type) == "string"
                   and (.[0].kid | type) == "string" then . else error("unexpected key") end' >"$out" 2>/dev/null; then
      :
    else
      [ -x "$ROOT/node_modules/.bin/deno" ] || die "cannot generate $SIGNING_KEYS_FILE: neither the Supabase CLI nor deno works (npm ci)"
      "$ROOT/node_modules/.bin/deno" run --quiet --no-prompt --allow-read="$ROOT" --allow-write="$ROOT/supabase" \
        "$ROOT/scripts/keys.ts" generate "$out" || die "could not generate $SIGNING_KEYS_FILE"
    fi
    chmod 600 "$out"
    mv "$out" "$SIGNING_KEYS_FILE"
    echo "    generated the local signing key ${SIGNING_KEYS_FILE#"$ROOT"/} (ES256; git-ignored)" >&2
  ) 8>"$ROOT/supabase/.temp/signing-key.lock" || return 1
}

# Signing mode: ANON_KEY, SERVICE_ROLE_KEY and JWKS from the derived values, when they
# were derived from the key file as it is now. Returns 1 when they are missing or stale.
load_keys() {
  [ "$STACK_KEYS" = signing ] || return 0
  [ -s "$SIGNING_KEYS_FILE" ] && [ -s "$KEYS_DIR/source.sha256" ] || return 1
  [ "$(sha256sum <"$SIGNING_KEYS_FILE" | cut -d' ' -f1)" = "$(cat "$KEYS_DIR/source.sha256")" ] || return 1
  ANON_KEY=$(cat "$KEYS_DIR/anon.jwt") SERVICE_ROLE_KEY=$(cat "$KEYS_DIR/service_role.jwt")
  JWKS=$(cat "$KEYS_DIR/jwks.json")
  export ANON_KEY SERVICE_ROLE_KEY JWKS
}

# The key file, and in signing mode the values derived from it (scripts/keys.ts), loaded.
ensure_keys() {
  ensure_signing_key || return 1
  [ "$STACK_KEYS" = signing ] || return 0
  load_keys && return 0
  mkdir -p "$KEYS_DIR"
  "$ROOT/node_modules/.bin/deno" run --quiet --no-prompt --allow-read="$ROOT" --allow-write="$KEYS_DIR" \
    "$ROOT/scripts/keys.ts" derive "$SIGNING_KEYS_FILE" "$KEYS_DIR" || die "could not derive the keys from $SIGNING_KEYS_FILE"
  sha256sum <"$SIGNING_KEYS_FILE" | cut -d' ' -f1 >"$KEYS_DIR/source.sha256"
  load_keys || die "the keys derived from $SIGNING_KEYS_FILE do not load"
}

load_keys || true
