#!/usr/bin/env bash
# The generated TypeScript a frontend imports, in contract/ (`npm run types`):
#   contract/functions.ts  the edge functions' inputs, outputs, error codes and a typed
#                          `invoke`, from the Rust types (`cargo run -p contract`);
#   contract/database.ts   the `Database` type of supabase-js, from the local database
#                          with every migration applied, by postgres-meta's typegen: the
#                          generator `supabase gen types typescript --db-url` runs in its
#                          Docker image, here from npm at the same version.
#
#   scripts/types.sh           # write both
#   scripts/types.sh --check   # fail, with the diff, if either differs from the committed file
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) die "usage: scripts/types.sh [--check]" ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ts-rs writes each type on one line; deno fmt makes the module readable.
cargo run --quiet -p contract | deno fmt --ext ts - >"$tmp/functions.ts"

# The types describe the migrations, so the database must hold exactly those.
pg_isready -q -h 127.0.0.1 -p "$DB_PORT" || die "the local database is not running (npm run db:reset)"
applied=$(psql "$DB_URL" -XAtc "select version from supabase_migrations.schema_migrations order by 1")
files=$(find supabase/migrations -name '*.sql' -printf '%f\n' | sed -E 's/^([0-9]+)_.*/\1/' | sort)
[ "$applied" = "$files" ] || die "the local database's migrations differ from supabase/migrations/ (npm run db:reset)"

# As the CLI's `gen types typescript`: the schemas are `public` and config.toml's
# [api] schemas, one-to-one relationships detected (PostgREST 10+).
schemas=$(node --input-type=module -e '
  import { parse } from "smol-toml";
  import { readFileSync } from "node:fs";
  const api = parse(readFileSync("supabase/config.toml", "utf8")).api ?? {};
  console.log([...new Set(["public", ...(api.schemas ?? [])])].join(","));')
(
  cd node_modules/@supabase/postgres-meta
  PG_META_DB_URL="postgresql://postgres:postgres@127.0.0.1:$DB_PORT/postgres" \
  PG_META_GENERATE_TYPES=typescript \
  PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS="$schemas" \
  PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS=true \
  PG_CONN_TIMEOUT_SECS=30 PG_QUERY_TIMEOUT_SECS=30 \
    node dist/server/server.js
) >"$tmp/database.ts" 2>"$tmp/postgres-meta.log" || { cat "$tmp/postgres-meta.log"; die "postgres-meta's typegen failed"; }
grep -q "export type Database" "$tmp/database.ts" || { cat "$tmp/postgres-meta.log"; die "postgres-meta answered no Database type"; }

drift=0
for f in functions.ts database.ts; do
  if $check; then
    if ! diff -u "contract/$f" "$tmp/$f" >"$tmp/$f.diff"; then
      echo "contract/$f is not what the code generates (run npm run types):"
      head -60 "$tmp/$f.diff"
      drift=1
    fi
  else
    mkdir -p contract
    cp "$tmp/$f" "contract/$f"
    echo "wrote contract/$f ($(wc -l <"contract/$f") lines)"
  fi
done
[ "$drift" = 0 ] || exit 1
$check && echo "contract/ matches the Rust types and the migrations"
exit 0
