#!/usr/bin/env bash
# The local, Docker-free database: PostgreSQL 15 from Debian on 127.0.0.1:54322, the
# platform bootstrap (local/db/bootstrap.sql), our migrations through the real Supabase CLI,
# the seed, pgTAP through Debian's pg_prove, and `supabase db lint`.
#
#   scripts/db.sh start    initdb once, start, apply the bootstrap (idempotent)
#   scripts/db.sh stop     stop the server (data kept)
#   scripts/db.sh migrate  start, then apply pending migrations (and the seed on a database
#                          that never had migrations); data kept: what `npm start` runs
#   scripts/db.sh reset    drop + recreate `postgres`: bootstrap, then `supabase db push` (migrations + seed)
#   scripts/db.sh status   server state and the migrations applied
#   scripts/db.sh psql     psql as postgres on the local database (extra args passed on)
#   scripts/db.sh test     reset, then pg_prove supabase/tests/*.test.sql
#   scripts/db.sh lint     `supabase db lint`; any warning or error fails
#
# PostgreSQL refuses to run as root, so the server runs as the `postgres` system user
# (runuser). The data dir is .local/pgdata in the repo, owned by postgres; every
# directory above it must be traversable by postgres (checked, with a clear error).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_LOG="$LOG_DIR/postgres.log"
PG_SOCKET_DIR="$RUN_DIR/pgsocket"     # our own socket dir: Debian's default cluster keeps its own
PG_USER=postgres
export PGPASSWORD=postgres PGHOST=127.0.0.1 PGPORT="$DB_PORT" PGUSER=postgres PGDATABASE=postgres
SUPABASE="$ROOT/node_modules/.bin/supabase"
LINT_SCHEMAS="public,private,auth,storage"

as_pg() {
  if [ "$(id -un)" = "$PG_USER" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# The platform's own work (the bootstrap, dropping the database) runs as the superuser
# supabase_admin, as on a hosted project; `postgres` is not a superuser there, nor here.
admin_q() { PGUSER=supabase_admin psql_q "$@"; }

# A cluster made before the bootstrap superuser was supabase_admin has `postgres` as it
# (the owner of the catalogs, which a hosted project's postgres is not): it gets a
# supabase_admin here so it keeps working, and `reset` makes it anew.
ensure_admin() {
  PGUSER=supabase_admin psql -X -tAc 'select 1' -d postgres >/dev/null 2>&1 && return 0
  psql_q -d postgres -c "create role supabase_admin with superuser login password 'postgres'"
}

legacy_cluster() {
  [ "$(PGUSER=supabase_admin psql -X -tAc "select rolname from pg_roles where oid = 10" -d postgres 2>/dev/null)" = postgres ]
}

is_running() { [ -f "$PGDATA_DIR/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; }

# postgres must reach the data dir: check each ancestor instead of failing inside initdb.
check_traversable() {
  local d
  d=$(dirname "$PGDATA_DIR")
  while [ "$d" != "/" ]; do
    if ! as_pg test -x "$d"; then
      die "the postgres user cannot enter $d (mode $(stat -c %A "$d")); run 'chmod o+x $d' or move the repo"
    fi
    d=$(dirname "$d")
  done
}

init_cluster() {
  [ -f "$PGDATA_DIR/PG_VERSION" ] && return 0
  id "$PG_USER" >/dev/null 2>&1 || die "no '$PG_USER' system user: run scripts/setup.sh (installs postgresql-15)"
  [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb missing: run scripts/setup.sh"
  chmod o+x "$LOCAL_DIR"
  check_traversable
  echo "    initdb $PGDATA_DIR"
  rm -rf "$PGDATA_DIR"
  install -d -m 0700 -o "$PG_USER" "$PGDATA_DIR"
  local pwfile; pwfile=$(mktemp)
  echo postgres >"$pwfile"; chown "$PG_USER" "$pwfile"
  # The bootstrap superuser is supabase_admin, as on a hosted project; the bootstrap
  # creates `postgres` without superuser.
  as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U supabase_admin --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$LOG_DIR/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; tail -20 "$LOG_DIR/initdb.log"; return 1; }
  rm -f "$pwfile"
  # A throwaway development database: durability settings off for speed.
  as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<CONF

# --- scripts/db.sh ---
listen_addresses = '127.0.0.1'  # port and socket dir are passed by start (lib.sh decides)
wal_level = logical            # the supabase_realtime publication, as on Supabase
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
}

start() {
  init_cluster
  install -d -m 0755 -o "$PG_USER" "$PG_SOCKET_DIR"
  if ! is_running; then
    touch "$PG_LOG"; chown "$PG_USER" "$PG_LOG"
    # 9>&-: the server must not inherit (and hold forever) this script's lock.
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 -o "-p $DB_PORT -k '$PG_SOCKET_DIR'" start >/dev/null 9>&- \
      || { tail -20 "$PG_LOG"; die "postgres did not start (log: $PG_LOG)"; }
  fi
  ensure_admin
  admin_q -d postgres -f "$ROOT/local/db/bootstrap.sql"
  echo "    postgres on $DB_URL"
}

stop() {
  if is_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
    echo "    stopped"
  else
    echo "    not running"
  fi
}

# Drop and recreate the database so nothing survives but the cluster-wide roles, which
# the bootstrap re-asserts. `with (force)` ends other sessions (a running REST server).
recreate() {
  admin_q -d template1 -c "drop database if exists postgres with (force)" -c "create database postgres owner postgres"
}

# Migrations, then the seed files of config.toml [db.seed] (supabase/seed.sql), both by
# the CLI, which records them in supabase_migrations.{schema_migrations,seed_files}. The
# CLI reads supabase/config.toml from the working directory.
push() {
  (cd "$ROOT" && "$SUPABASE" db push --db-url "$DB_URL" --yes --include-seed) >"$LOG_DIR/db-push.log" 2>&1 \
    || { cat "$LOG_DIR/db-push.log"; return 1; }
  grep -E '^(Applying|Seeding|Finished)' "$LOG_DIR/db-push.log" | sed 's/^/    /'
}

# What `npm start` needs: a database with every migration, without losing local data. A
# database that never had migrations gets the seed too; later runs apply only what is new.
migrate() {
  step "start" start
  if migrated; then
    step "pending migrations (supabase db push)" push_migrations
  else
    step "migrations + seed (supabase db push --include-seed)" push
  fi
}

push_migrations() {
  (cd "$ROOT" && "$SUPABASE" db push --db-url "$DB_URL" --yes) >"$LOG_DIR/db-push.log" 2>&1 \
    || { cat "$LOG_DIR/db-push.log"; return 1; }
  grep -E '^(Applying|Finished)|up to date' "$LOG_DIR/db-push.log" | sed 's/^/    /'
}

reset() {
  if [ -f "$PGDATA_DIR/PG_VERSION" ]; then
    step "start" start
    if legacy_cluster; then
      echo "    this cluster's bootstrap superuser is postgres (made before supabase_admin was): made anew"
      stop
      rm -rf "$PGDATA_DIR"
    fi
  fi
  step "start" start
  step "recreate database" recreate
  step "bootstrap" admin_q -d postgres -f "$ROOT/local/db/bootstrap.sql"
  step "migrations + seed (supabase db push --include-seed)" push
}

migrated() {
  [ "$(psql -X -tA -d postgres -c "select to_regclass('supabase_migrations.schema_migrations') is not null" 2>/dev/null)" = t ]
}

status() {
  if is_running; then
    echo "running: $DB_URL (data: $PGDATA_DIR)"
    if migrated; then
      psql -X -tA -d postgres -c "select 'migration ' || version || ' ' || coalesce(name, '') from supabase_migrations.schema_migrations order by version"
    else
      echo "no migrations applied (scripts/db.sh reset)"
    fi
  else
    echo "stopped${PGDATA_DIR:+ (data: $PGDATA_DIR$([ -f "$PGDATA_DIR/PG_VERSION" ] || echo ', not initialised'))}"
    return 3
  fi
}

run_tests() {
  reset
  local files=("$ROOT"/supabase/tests/*.test.sql)
  [ -e "${files[0]}" ] || die "no tests in supabase/tests/"
  # Paths relative to the repo so pg_prove's report is readable; \ir in the files is
  # relative to each file, so helpers are found from any working directory.
  (cd "$ROOT" && step "pgTAP (pg_prove)" pg_prove --ext .sql -d postgres -h 127.0.0.1 -p "$DB_PORT" -U postgres \
     supabase/tests/*.test.sql)
}

lint() {
  is_running || start
  migrated || reset
  local out
  # --fail-on warning: the CLI exits non-zero on any warning or error it reports.
  # Schemas: ours and the platform stand-ins. Not `extensions`: pgTAP's own plpgsql (the
  # CLI does not skip extension members) has dozens of plpgsql_check findings we do not own.
  out=$(cd "$ROOT" && "$SUPABASE" db lint --db-url "$DB_URL" --schema "$LINT_SCHEMAS" \
          --level warning --fail-on warning 2>&1) || {
    echo "$out"; return 1; }
  echo "$out" | sed 's/^/    /'
}

cmd="${1:-}"; shift || true
T0=$(date +%s.%N)
# One database, several engineers and scripts: commands that change it take turns.
case "$cmd" in
  start|stop|migrate|reset|test|lint)
    exec 9>"$RUN_DIR/db-cmd.lock"
    flock -w 120 9 || die "another scripts/db.sh is still running (lock: $RUN_DIR/db-cmd.lock)" ;;
esac
# The Supabase CLI reads config.toml, which names the signing key file ([auth]
# signing_keys_path): it must exist before any CLI call (scripts/lib.sh).
case "$cmd" in migrate|reset|test|lint) ensure_signing_key ;; esac
case "$cmd" in
  start)  step "db start" start ;;
  stop)   step "db stop" stop ;;
  migrate) migrate ;;
  reset)  reset ;;
  status) status ;;
  psql)   exec psql -X -d postgres "$@" ;;
  test)   run_tests ;;
  lint)   step "db lint" lint ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
rc=$?
case "$cmd" in reset|test) printf '==> db %s done in %ss\n' "$cmd" "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')" ;; esac
exit $rc
