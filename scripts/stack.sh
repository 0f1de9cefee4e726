#!/usr/bin/env bash
# The Docker-free local Supabase stack (docs/LOCAL-STACK.md):
#   database (scripts/db.sh) -> postrust on REST_PORT -> functions host on FUNCTIONS_PORT
#   -> nginx gateway on API_PORT (54321), the ports and URLs of `supabase start`; the
#   Storage API (local/storage/server.ts) on STORAGE_PORT, over a second, internal postrust
#   exposing only the `storage` schema on STORAGE_REST_PORT; the Auth stand-in
#   (local/auth, built by scripts/setup.sh) on AUTH_PORT; Mailpit, the mail catcher Auth
#   sends to, SMTP on MAIL_SMTP_PORT, web UI and API on MAIL_PORT (54324).
#
#   scripts/stack.sh start     start whatever is not running (idempotent), print URLs and keys
#   scripts/stack.sh start --test   the same, for the end-to-end tests: also serves the
#                              test-only functions of local/tests/fixtures/functions, gives
#                              the functions tests/fakes/fakes.env (vendor fakes' URLs,
#                              ports moved by STACK_SLOT) and turns on the host's test
#                              mode (per-function env overlays: withFunctionEnv)
#   scripts/stack.sh stop      stop everything it started; nothing is left running
#   scripts/stack.sh status    what runs; exit 1 when a part is down
#   scripts/stack.sh keys      make sure the signing key exists, print the keys (no server)
#   scripts/stack.sh restart [--test]   stop + start
#   scripts/stack.sh reload [rest|functions]
#                              after migrations (rest: postrust reloads its schema cache) or a
#                              rebuild (functions: every function gets a fresh process);
#                              both when not told which. Does nothing to a part not running.
#
# Env: the ports and keys of scripts/lib.sh (STACK_KEYS=signing, the default: ES256 with
# the generated supabase/signing_keys.json; STACK_KEYS=legacy: HS256 with the well-known
# secret; start restarts a running part whose keys or options changed);
# FUNCTIONS_ENV_FILE (secrets for the functions, e.g. vendor fakes' base URLs),
# FUNCTIONS_EXTRA_DIRS (colon-separated extra function dirs, e.g.
# local/tests/fixtures/functions), STACK_DB=external (use a database already listening on
# DB_PORT instead of scripts/db.sh), STACK_TIMEOUT (seconds to wait for each part, 60),
# FUNCTIONS_ONLY (comma-separated function names the host serves, e.g. `echo,echo-ws`
# with --test to run local/tests/stack.test.ts before the wasm is built).
#
# Every part runs in its own session (setsid), its pid in .local/run/<part>.pid, so stop
# takes down the part and everything it spawned (the host's Deno workers).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

TIMEOUT="${STACK_TIMEOUT:-60}"
REST_URL_INTERNAL="http://127.0.0.1:$REST_PORT"
FUNCTIONS_URL_INTERNAL="http://127.0.0.1:$FUNCTIONS_PORT"
DENO="$ROOT/node_modules/.bin/deno"
PARTS=(rest mail auth storage-rest storage functions gateway)   # the database is scripts/db.sh's
# The Storage API's own PostgREST (schema `storage` only), internal: one above STORAGE_PORT.
STORAGE_REST_PORT="${STORAGE_REST_PORT:-$(( STORAGE_PORT + 1 ))}"
STORAGE_REST_URL_INTERNAL="http://127.0.0.1:$STORAGE_REST_PORT"
STORAGE_URL_INTERNAL="http://127.0.0.1:$STORAGE_PORT"
AUTH_URL_INTERNAL="http://127.0.0.1:$AUTH_PORT"
MAIL_URL="http://127.0.0.1:$MAIL_PORT"
# config.toml [storage] file_size_limit (50MiB): the ceiling under every bucket's own limit.
STORAGE_FILE_SIZE_LIMIT="${STORAGE_FILE_SIZE_LIMIT:-52428800}"

pidfile() { echo "$RUN_DIR/$1.pid"; }
logfile() { echo "$LOG_DIR/$1.log"; }

# The pid of a part when its process is alive, else nothing (and a stale pid file goes).
running_pid() {
  local f; f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  local pid; pid=$(cat "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  rm -f "$f"; return 1
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# launch <part> <command...>: start in a new session, output to the part's log, under
# local/supervise.sh, which starts the part again if it dies after start-up.
launch() {
  local part="$1"; shift
  local log; log=$(logfile "$part")
  printf '\n=== %s start %s\n' "$part" "$(date -Is)" >>"$log"
  # Not a process-group leader (no job control here), so setsid execs in place: $! is
  # the supervisor's pid and the process group id of the supervisor and its part.
  setsid bash "$ROOT/local/supervise.sh" "$part" "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$part")"
}

# wait_for <part> <what> <check command...>: poll until the check passes, the part dies,
# or TIMEOUT; on failure name the log and show its tail.
wait_for() {
  local part="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + TIMEOUT ))
  while ! "$@" >/dev/null 2>&1; do
    if ! running_pid "$part" >/dev/null; then
      fail_part "$part" "$what exited during start-up"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail_part "$part" "$what not ready after ${TIMEOUT}s"
    fi
    sleep 0.1
  done
}

fail_part() {
  local log; log=$(logfile "$1")
  printf 'error: %s; see %s\n' "$2" "$log" >&2
  tail -n 15 "$log" >&2 || true
  exit 1
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# What postrust verifies tokens with: the JWKS (it reads a JWK Set in PGRST_JWT_SECRET)
# in signing mode, the shared secret in legacy mode.
pgrst_jwt_secret() { if [ "$STACK_KEYS" = signing ]; then echo "$JWKS"; else echo "$JWT_SECRET"; fi; }

# The settings a part is started with, as a digest kept in .local/run/<part>.settings: a
# running part whose settings changed (another STACK_KEYS, other keys, other --test
# options) is restarted by start; one with the same settings is left alone.
part_settings() {
  case "$1" in
    rest|storage-rest) printf 'jwt=%s\n' "$(pgrst_jwt_secret)" ;;
    storage) printf 'mode=%s jwks=%s secret=%s service=%s\n' "$STACK_KEYS" "$JWKS" "$JWT_SECRET" "$SERVICE_ROLE_KEY" ;;
    # A rebuilt binary, another key or another config.toml restarts it.
    auth) printf 'mode=%s jwks=%s secret=%s key=%s config=%s bin=%s smtp=%s\n' "$STACK_KEYS" "$JWKS" "$JWT_SECRET" \
        "$(sha256sum <"$SIGNING_KEYS_FILE" 2>/dev/null)" "$(sha256sum <"$ROOT/supabase/config.toml")" \
        "$(stat -c %Y "$AUTH_BIN" 2>/dev/null)" "$MAIL_SMTP_PORT" ;;
    mail) printf 'bin=%s\n' "$(stat -c %Y "$MAILPIT_BIN" 2>/dev/null)" ;;
    functions)
      printf 'extra=%s env=%s test=%s only=%s\n' "${FUNCTIONS_EXTRA_DIRS:-}" "${FUNCTIONS_ENV_FILE:-}" \
        "${FUNCTIONS_TEST_MODE:-}" "${FUNCTIONS_ONLY:-}"
      printf 'mode=%s jwks=%s secret=%s anon=%s service=%s publishable=%s secret_key=%s\n' "$STACK_KEYS" "$JWKS" \
        "$JWT_SECRET" "$ANON_KEY" "$SERVICE_ROLE_KEY" "$PUBLISHABLE_KEY" "$SECRET_KEY" ;;
    gateway) printf 'jwks=%s anon=%s service=%s publishable=%s secret_key=%s tmpl=%s\n' "$JWKS" "$ANON_KEY" \
        "$SERVICE_ROLE_KEY" "$PUBLISHABLE_KEY" "$SECRET_KEY" "$(sha256sum <"$ROOT/local/gateway/nginx.conf.tmpl")" ;;
  esac | sha256sum | cut -d' ' -f1
}

# already_running <part>: true (and says so) when the part runs with today's settings; a
# part running with other settings is stopped, and false returned, so the caller starts it.
already_running() {
  running_pid "$1" >/dev/null || return 1
  if [ "$(cat "$RUN_DIR/$1.settings" 2>/dev/null)" = "$(part_settings "$1")" ]; then
    echo "    $1: already running"; return 0
  fi
  echo "    $1: running with other settings (keys: $STACK_KEYS, or other keys or options); restarting it"
  stop_part "$1"
  return 1
}

record_settings() { part_settings "$1" >"$RUN_DIR/$1.settings"; }

# ---------------------------------------------------------------------------------------

start_db() {
  if [ "${STACK_DB:-}" = external ]; then
    pg_isready -q -h 127.0.0.1 -p "$DB_PORT" \
      || die "STACK_DB=external but nothing answers on 127.0.0.1:$DB_PORT"
    return 0
  fi
  [ -x "$ROOT/scripts/db.sh" ] || die "scripts/db.sh is missing (the database part); cannot start the stack"
  "$ROOT/scripts/db.sh" start
}

start_rest() {
  if already_running rest; then return 0; fi
  command -v postrust >/dev/null || die "postrust not found; run scripts/setup.sh (cargo install postrust-server)"
  port_busy "$REST_PORT" && die "port $REST_PORT (REST) is taken by another process"
  # PostgREST's settings (postrust reads the same names). Compat mode serves the API at
  # `/` with PostgREST's error shapes; the channel reloads the schema cache on
  # `NOTIFY pgrst, 'reload schema'` (postrust's default is off).
  PGRST_COMPAT_MODE=true \
  PGRST_DB_URI="postgresql://authenticator:postgres@127.0.0.1:$DB_PORT/postgres" \
  PGRST_DB_ANON_ROLE=anon \
  PGRST_DB_SCHEMAS=public \
  PGRST_JWT_SECRET="$(pgrst_jwt_secret)" \
  PGRST_DB_CHANNEL_ENABLED=true \
  PGRST_DB_CHANNEL=pgrst \
  PGRST_SERVER_HOST=127.0.0.1 \
  PGRST_SERVER_PORT="$REST_PORT" \
  PGRST_DB_MAX_ROWS=1000 \
  NO_COLOR=1 \
    launch rest postrust
  record_settings rest
  wait_for rest "postrust" http_ok "$REST_URL_INTERNAL/_/ready"
  echo "    rest: postrust on :$REST_PORT"
}

# The Storage API's REST: postrust again, on the `storage` schema only. The Storage API
# sends each object query here with the caller's own Authorization header, so postrust
# runs it as that role with request.jwt.claims set: the storage.objects policies decide,
# as in Supabase (local/storage/server.ts says why this design).
start_storage_rest() {
  if already_running storage-rest; then return 0; fi
  port_busy "$STORAGE_REST_PORT" && die "port $STORAGE_REST_PORT (storage REST) is taken by another process"
  PGRST_COMPAT_MODE=true \
  PGRST_DB_URI="postgresql://authenticator:postgres@127.0.0.1:$DB_PORT/postgres" \
  PGRST_DB_ANON_ROLE=anon \
  PGRST_DB_SCHEMAS=storage \
  PGRST_JWT_SECRET="$(pgrst_jwt_secret)" \
  PGRST_SERVER_HOST=127.0.0.1 \
  PGRST_SERVER_PORT="$STORAGE_REST_PORT" \
  PGRST_DB_MAX_ROWS=10000 \
  NO_COLOR=1 \
    launch storage-rest postrust
  record_settings storage-rest
  wait_for storage-rest "postrust (storage)" http_ok "$STORAGE_REST_URL_INTERNAL/_/ready"
  echo "    storage-rest: postrust (schema storage) on :$STORAGE_REST_PORT"
}

start_storage() {
  if already_running storage; then return 0; fi
  [ -x "$DENO" ] || die "deno not found at $DENO; run scripts/setup.sh"
  port_busy "$STORAGE_PORT" && die "port $STORAGE_PORT (storage) is taken by another process"
  mkdir -p "$LOCAL_DIR/storage"
  STORAGE_REST_URL="$STORAGE_REST_URL_INTERNAL" STORAGE_DIR="$LOCAL_DIR/storage" \
  STORAGE_FILE_SIZE_LIMIT="$STORAGE_FILE_SIZE_LIMIT" NO_COLOR=1 \
    launch storage "$DENO" run --no-prompt --allow-net=127.0.0.1 --allow-env \
      --allow-read="$ROOT" --allow-write="$LOCAL_DIR/storage" "$ROOT/local/storage/server.ts"
  record_settings storage
  wait_for storage "the storage API" http_ok "$STORAGE_URL_INTERNAL/status"
  echo "    storage: Storage API on :$STORAGE_PORT (files in ${LOCAL_DIR#"$ROOT"/}/storage)"
}

# Mailpit, as `supabase start` runs it for Auth's mail: web UI and API on MAIL_PORT, SMTP
# on MAIL_SMTP_PORT accepting any login, no reverse DNS; messages kept in the slot's dir.
start_mail() {
  if already_running mail; then return 0; fi
  [ -x "$MAILPIT_BIN" ] || die "mailpit not found at $MAILPIT_BIN; run scripts/setup.sh"
  port_busy "$MAIL_PORT" && die "port $MAIL_PORT (mail UI) is taken by another process"
  port_busy "$MAIL_SMTP_PORT" && die "port $MAIL_SMTP_PORT (mail SMTP) is taken by another process"
  mkdir -p "$LOCAL_DIR/mail"
  launch mail "$MAILPIT_BIN" --listen "127.0.0.1:$MAIL_PORT" --smtp "127.0.0.1:$MAIL_SMTP_PORT" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --smtp-disable-rdns --disable-version-check \
    --database "$LOCAL_DIR/mail/mailpit.db" --quiet
  record_settings mail
  wait_for mail "Mailpit" http_ok "$MAIL_URL/readyz"
  echo "    mail: Mailpit, SMTP on :$MAIL_SMTP_PORT, web UI and API on :$MAIL_PORT"
}

# The Auth stand-in connects as supabase_auth_admin, the role Supabase Auth runs as (so
# the custom access token hook runs as that role), and reads supabase/config.toml.
start_auth() {
  if already_running auth; then return 0; fi
  # cargo puts it under CARGO_TARGET_DIR when set (else local/auth/target): set-up and
  # start must agree on it.
  [ -x "$AUTH_BIN" ] || die "the Auth stand-in is not built at $AUTH_BIN; run scripts/setup.sh (with the same CARGO_TARGET_DIR${CARGO_TARGET_DIR:+=$CARGO_TARGET_DIR})"
  port_busy "$AUTH_PORT" && die "port $AUTH_PORT (auth) is taken by another process"
  AUTH_DATABASE_URL="postgresql://supabase_auth_admin:postgres@127.0.0.1:$DB_PORT/postgres" \
  AUTH_CONFIG_FILE="$ROOT/supabase/config.toml" \
  AUTH_SMTP_HOST=127.0.0.1 AUTH_SMTP_PORT="$MAIL_SMTP_PORT" \
    launch auth "$AUTH_BIN"
  record_settings auth
  wait_for auth "the Auth stand-in" http_ok "$AUTH_URL_INTERNAL/health"
  echo "    auth: Auth stand-in on :$AUTH_PORT"
}

# The host gets the keys through its environment (STACK_KEYS, JWKS, JWT_SECRET, ANON_KEY,
# SERVICE_ROLE_KEY, PUBLISHABLE_KEY, SECRET_KEY: exported by scripts/lib.sh) and hands
# each function what Supabase does (local/functions/host.ts).
start_functions() {
  if already_running functions; then return 0; fi
  [ -x "$DENO" ] || die "deno not found at $DENO; run scripts/setup.sh"
  port_busy "$FUNCTIONS_PORT" && die "port $FUNCTIONS_PORT (functions host) is taken by another process"
  launch functions "$DENO" run --allow-all --no-prompt "$ROOT/local/functions/host.ts"
  record_settings functions
  wait_for functions "the functions host" http_ok "$FUNCTIONS_URL_INTERNAL/_internal/health"
  wait_functions_up
  echo "    functions: host on :$FUNCTIONS_PORT ($(curl -fsS "$FUNCTIONS_URL_INTERNAL/_internal/health" \
    | jq -r '.functions | keys | join(", ")'))"
}

# Every function up (its isolate booted), or say which did not.
wait_functions_up() {
  local deadline=$(( $(date +%s) + TIMEOUT )) health
  while :; do
    health=$(curl -fsS --max-time 2 "$FUNCTIONS_URL_INTERNAL/_internal/health" || echo '{}')
    if jq -e '[.functions[] | select(.state == "crashed")] | length > 0' >/dev/null <<<"$health"; then
      fail_part functions "function(s) crash at boot: $(jq -r \
        '[.functions | to_entries[] | select(.value.state == "crashed") | .key] | join(", ")' <<<"$health") (built? scripts/build.sh)"
    fi
    if ! jq -e '.functions | to_entries | map(select(.value.state != "up")) | length == 0' \
         >/dev/null <<<"$health"; then
      if [ "$(date +%s)" -ge "$deadline" ]; then
        fail_part functions "function(s) not up after ${TIMEOUT}s: $(jq -r \
          '[.functions | to_entries[] | select(.value.state != "up") | .key] | join(", ")' <<<"$health")"
      fi
      running_pid functions >/dev/null || fail_part functions "the functions host exited"
      sleep 0.2; continue
    fi
    break
  done
}

start_gateway() {
  if already_running gateway; then return 0; fi
  port_busy "$API_PORT" && die "port $API_PORT (gateway) is taken by another process"
  local conf="$RUN_DIR/nginx.conf"
  mkdir -p "$RUN_DIR/nginx"
  sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LOG_DIR@|$LOG_DIR|g" \
      -e "s|@API_PORT@|$API_PORT|g" -e "s|@REST_PORT@|$REST_PORT|g" \
      -e "s|@FUNCTIONS_PORT@|$FUNCTIONS_PORT|g" -e "s|@STORAGE_PORT@|$STORAGE_PORT|g" \
      -e "s|@AUTH_PORT@|$AUTH_PORT|g" \
      -e "s|@PUBLISHABLE_KEY@|$PUBLISHABLE_KEY|g" -e "s|@SECRET_KEY@|$SECRET_KEY|g" \
      -e "s|@ANON_KEY@|$ANON_KEY|g" -e "s|@SERVICE_ROLE_KEY@|$SERVICE_ROLE_KEY|g" \
      "$ROOT/local/gateway/nginx.conf.tmpl" >"$conf"
  # Workers run as nobody when nginx runs as root: they need their temp dirs.
  if [ "$(id -u)" = 0 ]; then chown -R nobody:nogroup "$RUN_DIR/nginx"; else sed -i '/^user /d' "$conf"; fi
  # -e: nginx opens its error log before reading the config; keep it out of /var/log.
  nginx -t -q -e "$LOG_DIR/nginx-error.log" -c "$conf" >>"$(logfile gateway)" 2>&1 \
    || fail_part gateway "nginx rejected $conf"
  launch gateway nginx -e "$LOG_DIR/nginx-error.log" -c "$conf"
  record_settings gateway
  wait_for gateway "nginx" http_ok "$API_URL/"
  echo "    gateway: nginx on :$API_PORT"
}

# Processes of a session that have not exited. Zombies do not count: here PID 1 reaps
# orphans only every second or so, and a zombie holds no port.
session_alive() { ps -s "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }

# stop_parts <part>...: TERM every part's whole session (the part and what it spawned),
# wait for all of them together, KILL what is left after 10 s.
stop_parts() {
  local part pid pids=() parts=()
  for part in "$@"; do
    if pid=$(running_pid "$part"); then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); parts+=("$part")
    else
      echo "    $part: not running"
    fi
  done
  local i j
  for i in "${!pids[@]}"; do
    for j in $(seq 1 100); do session_alive "${pids[$i]}" || break; sleep 0.1; done
    if session_alive "${pids[$i]}"; then
      echo "    ${parts[$i]}: still running after 10s; killing"
      kill -KILL -- "-${pids[$i]}" 2>/dev/null || true
    fi
    rm -f "$(pidfile "${parts[$i]}")"
    echo "    ${parts[$i]}: stopped"
  done
}

stop_part() { stop_parts "$1"; }

print_status() {
  cat <<EOF

         API URL: $API_URL
        REST URL: $API_URL/rest/v1
   Functions URL: $API_URL/functions/v1
     Storage URL: $API_URL/storage/v1
        Auth URL: $API_URL/auth/v1
     Mailpit URL: $MAIL_URL
          DB URL: $DB_URL
        JWKS URL: $API_URL/auth/v1/.well-known/jwks.json
        Key mode: $(keys_line)
 Publishable key: $PUBLISHABLE_KEY
      Secret key: $SECRET_KEY
        anon key: $ANON_KEY
service_role key: $SERVICE_ROLE_KEY
EOF
  if [ "$STACK_KEYS" = legacy ]; then echo "      JWT secret: $JWT_SECRET"; fi
  cat <<EOF
            Logs: $LOG_DIR

EOF
}

keys_line() {
  if [ "$STACK_KEYS" = signing ]; then
    echo "signing: ES256, key ${SIGNING_KEYS_FILE#"$ROOT"/} (kid $(jq -r '.[0].kid' "$SIGNING_KEYS_FILE")); STACK_KEYS=legacy for HS256"
  else
    echo "legacy: HS256 with the JWT secret (STACK_KEYS=legacy); without it, ES256 signing keys"
  fi
}

# What the running stack was started with, for the end-to-end tests (tests/lib/config.ts)
# and `status`: the mode, every key, the JWKS, where the private signing key is.
write_keys_record() {
  jq -n --arg mode "$STACK_KEYS" --arg publishable "$PUBLISHABLE_KEY" --arg secret "$SECRET_KEY" \
    --arg anon "$ANON_KEY" --arg service "$SERVICE_ROLE_KEY" --arg jwt_secret "$JWT_SECRET" \
    --argjson jwks "$JWKS" --arg file "$SIGNING_KEYS_FILE" \
    '{mode: $mode, publishable_key: $publishable, secret_key: $secret, anon_key: $anon,
      service_role_key: $service, jwt_secret: (if $mode == "legacy" then $jwt_secret else null end),
      jwks: $jwks, signing_keys_file: (if $mode == "signing" then $file else null end)}' \
    >"$RUN_DIR/keys.json.tmp"
  mv "$RUN_DIR/keys.json.tmp" "$RUN_DIR/keys.json"
}

cmd_start() {
  local t0; t0=$(date +%s.%N)
  echo "Starting the local stack"
  ensure_keys
  start_db
  start_rest
  start_mail
  start_auth
  start_storage_rest
  start_storage
  start_functions
  start_gateway
  write_keys_record
  printf 'Stack up in %ss\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')"
  print_status
}

cmd_stop() {
  echo "Stopping the local stack"
  stop_parts gateway functions storage storage-rest auth mail rest
  if [ "${STACK_DB:-}" != external ] && [ -x "$ROOT/scripts/db.sh" ]; then
    "$ROOT/scripts/db.sh" stop
  fi
}

cmd_status() {
  local down=0 part pid
  if [ "${STACK_DB:-}" = external ] || [ ! -x "$ROOT/scripts/db.sh" ]; then
    if pg_isready -q -h 127.0.0.1 -p "$DB_PORT"; then echo "database   up    :$DB_PORT"
    else echo "database   DOWN  :$DB_PORT"; down=1; fi
  else
    "$ROOT/scripts/db.sh" status >/dev/null 2>&1 && echo "database   up    :$DB_PORT" \
      || { echo "database   DOWN  :$DB_PORT"; down=1; }
  fi
  for part in "${PARTS[@]}"; do
    local url port
    case "$part" in
      rest) url="$REST_URL_INTERNAL/_/ready"; port=$REST_PORT ;;
      storage-rest) url="$STORAGE_REST_URL_INTERNAL/_/ready"; port=$STORAGE_REST_PORT ;;
      storage) url="$STORAGE_URL_INTERNAL/status"; port=$STORAGE_PORT ;;
      auth) url="$AUTH_URL_INTERNAL/health"; port=$AUTH_PORT ;;
      mail) url="$MAIL_URL/readyz"; port="$MAIL_PORT (smtp :$MAIL_SMTP_PORT)" ;;
      functions) url="$FUNCTIONS_URL_INTERNAL/_internal/health"; port=$FUNCTIONS_PORT ;;
      gateway) url="$API_URL/"; port=$API_PORT ;;
    esac
    if pid=$(running_pid "$part") && http_ok "$url"; then
      printf '%-12s up    :%s (pid %s)\n' "$part" "$port" "$pid"
    else
      printf '%-12s DOWN  :%s (log %s)\n' "$part" "$port" "$(logfile "$part")"; down=1
    fi
  done
  if http_ok "$FUNCTIONS_URL_INTERNAL/_internal/health"; then
    curl -fsS "$FUNCTIONS_URL_INTERNAL/_internal/health" \
      | jq -r '.functions | to_entries[] | "  fn \(.key): \(.value.state) :\(.value.port) restarts=\(.value.restarts)"'
  fi
  if [ "$down" = 0 ]; then
    # The keys of the running stack, which may be another mode's than this shell's.
    if [ -f "$RUN_DIR/keys.json" ]; then
      STACK_KEYS=$(jq -r .mode "$RUN_DIR/keys.json")
      PUBLISHABLE_KEY=$(jq -r .publishable_key "$RUN_DIR/keys.json")
      SECRET_KEY=$(jq -r .secret_key "$RUN_DIR/keys.json")
      ANON_KEY=$(jq -r .anon_key "$RUN_DIR/keys.json")
      SERVICE_ROLE_KEY=$(jq -r .service_role_key "$RUN_DIR/keys.json")
      JWT_SECRET=$(jq -r '.jwt_secret // ""' "$RUN_DIR/keys.json")
    fi
    print_status
  fi
  return "$down"
}

# After migrations: ask postrust to reload its schema cache, and check in its log that it
# did. If it does not say so within 2 s, restart it: after `db.sh reset` drops and
# recreates the database, its listener spends ~5 s reconnecting and misses the NOTIFY, and
# its pooled connections are dead anyway.
cmd_reload() {
  ensure_keys
  case "${1:-}" in
    rest) reload_rest ;;
    functions) reload_functions ;;
    "") reload_rest; reload_functions ;;
    *) die "reload what? rest or functions, not $1" ;;
  esac
}

reload_functions() {
  local pid
  pid=$(running_pid functions) || { echo "    functions: not running"; return 0; }
  kill -HUP "$pid"
  sleep 0.3
  wait_functions_up
  echo "    functions: restarted"
}

reload_rest() {
  # The storage schema does not change with migrations, but a `db.sh reset` kills the
  # storage REST's pooled connections too: a fresh one costs half a second.
  if running_pid storage-rest >/dev/null; then stop_part storage-rest; start_storage_rest; fi
  running_pid rest >/dev/null || { echo "    rest: not running"; return 0; }
  local log; log=$(logfile rest)
  local before; before=$(grep -c 'Schema cache reloaded' "$log" || true)
  psql -q -X "$DB_URL" -c "NOTIFY pgrst, 'reload schema'" >/dev/null 2>&1 || true
  local i
  for i in $(seq 1 20); do
    if [ "$(grep -c 'Schema cache reloaded' "$log" || true)" -gt "$before" ]; then
      echo "    rest: schema cache reloaded"; return 0
    fi
    sleep 0.1
  done
  echo "    rest: no reload seen; restarting postrust"
  stop_part rest
  start_rest
}

# tests/fakes/fakes.env names the vendor fakes' slot-0 ports (127.0.0.1:5436x, as
# tests/lib/fakes.ts FAKE_PORTS); the host gets a copy with them moved up by
# STACK_SLOT*1000 like every other port, so parallel slots' fakes do not collide.
render_fakes_env() {
  local out="$RUN_DIR/fakes.env"
  sed -E "s/127\.0\.0\.1:54(36[0-9])\b/127.0.0.1:$(( 54 + STACK_SLOT ))\1/g" \
    "$ROOT/tests/fakes/fakes.env" >"$out"
  echo "$out"
}

if { [ "${1:-}" = start ] || [ "${1:-}" = restart ]; } && [ "${2:-}" = --test ]; then
  export FUNCTIONS_EXTRA_DIRS="$ROOT/local/tests/fixtures/functions${FUNCTIONS_EXTRA_DIRS:+:$FUNCTIONS_EXTRA_DIRS}"
  export FUNCTIONS_ENV_FILE="${FUNCTIONS_ENV_FILE:-$(render_fakes_env)}"
  # The host's env-overlay control endpoint (withFunctionEnv in tests/lib).
  export FUNCTIONS_TEST_MODE=1
elif [ "${1:-}" != reload ] && [ -n "${2:-}" ]; then
  die "unknown option ${2}"
fi

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_stop; cmd_start ;;
  reload) cmd_reload "${2:-}" ;;
  keys) ensure_keys; print_status ;;
  *) echo "usage: $0 start|stop|status|restart|reload|keys" >&2; exit 2 ;;
esac
