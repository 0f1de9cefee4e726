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
WORKER_PORT_BASE="${WORKER_PORT_BASE:-$(( 54400 + _off ))}" # one port per function isolate

# The well-known local values `supabase start` uses, so supabase-js examples work unchanged.
JWT_SECRET="${JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}"
ANON_KEY="${ANON_KEY:-eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0}"
SERVICE_ROLE_KEY="${SERVICE_ROLE_KEY:-eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU}"

API_URL="http://127.0.0.1:$API_PORT"
# sslmode=disable: the Supabase CLI treats a port other than config.toml's 54322 as a remote
# database and insists on TLS, which the local server does not offer (STACK_SLOT ports).
DB_URL="postgresql://postgres:postgres@127.0.0.1:$DB_PORT/postgres?sslmode=disable"
export API_PORT DB_PORT REST_PORT FUNCTIONS_PORT STORAGE_PORT WORKER_PORT_BASE
export JWT_SECRET ANON_KEY SERVICE_ROLE_KEY API_URL DB_URL

PG_BIN="/usr/lib/postgresql/15/bin"
PGDATA_DIR="$LOCAL_DIR/pgdata"

# Tools the set-up script installs: cargo's bin dir and the npm-installed binaries.
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
