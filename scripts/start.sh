#!/usr/bin/env bash
# The project's run command (README): sets up a fresh machine, builds every function,
# applies pending migrations (the seed too on the first run; the database keeps its data
# between runs, `npm run db:reset` wipes it),
# starts the local stack and keeps it in the foreground until Ctrl-C, which stops it.
#   scripts/start.sh --detach    # leave the stack running and return
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

step "set-up" scripts/setup.sh
step "wasm build" scripts/build.sh
step "database (pending migrations; seed on first run)" scripts/db.sh migrate
scripts/stack.sh start

if [ "${1:-}" = "--detach" ]; then
  echo "Stack running in the background; stop it with: npm run stop"
  exit 0
fi
trap 'echo; scripts/stack.sh stop' INT TERM
echo "Serving. Logs: $LOG_DIR  (Ctrl-C stops everything)"
while scripts/stack.sh status >/dev/null 2>&1; do sleep 5; done
echo "a part of the stack stopped; see $LOG_DIR"
scripts/stack.sh status || true
