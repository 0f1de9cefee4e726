#!/usr/bin/env bash
# Benchmarks: prints figures, asserts nothing (targets live here, never in timed tests).
#   wasm     each function's module size (raw and gzip, against its target) and what
#            loading it costs: read, compile, instantiate (bench/cold.ts)
#   cold     isolate cold start to the first answered request, per function, beside a plain
#            Deno.serve, and where the time goes phase by phase (bench/cold.ts)
#   link     request latency p50/p99 via the gateway: a wasm function vs direct PostgREST
#   extract  our PDF extractor vs pdftotext vs pdf.js on the fixture corpus
#   resume   process-resume: the wasm's CPU per request in Deno on each fixture and on a
#            10 MB PDF, the memory one 10 MB upload adds, and upload -> candidate latency
#            through the stack at 1 and 4 clients (bench/resume.ts)
#   auth     the cost of verifying a signed-in call in an isolate: first answer after process
#            start and warm latency, ES256 (WebCrypto, JWKS) vs HS256 (bench/auth.ts)
#   load     (only when named) a crowd on a fresh stack: uploads, position generation,
#            relays and REST reads at 50 and 200 clients; answers by status, 503-busy
#            retries, p50/p99 per call, and each process's peak RSS (bench/load.ts)
#   oversized  (only when named) bodies over a function's limit through the gateway: how
#            many clients miss the JSON 413, per kind of body and connection reuse
#            (bench/oversized.ts)
# Usage: bench/run.sh [part...]   (default: all but oversized and load). Runs its own stack in STACK_SLOT 8
# (ports +8000) so a running development stack is left alone.
set -euo pipefail
export STACK_SLOT="${STACK_SLOT:-8}"
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=(wasm cold auth link extract resume)
want() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

quiet() { "$@" >"$LOG_DIR/bench-setup.log" 2>&1 || { cat "$LOG_DIR/bench-setup.log"; exit 1; }; }
quiet scripts/setup.sh
quiet scripts/build.sh

if want wasm || want cold; then
  cparts=(); want wasm && cparts+=(wasm); want cold && cparts+=(cold)
  deno run --allow-all bench/cold.ts "${cparts[@]}"
fi

if want link || want resume || want oversized || want load; then
  trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
  quiet scripts/db.sh reset
  quiet scripts/stack.sh start
fi

if want link; then
  deno run --allow-all bench/functions.ts link
fi

if want auth; then
  deno run --allow-all bench/auth.ts
fi

if want resume; then
  # mem in a process of its own: the wasm memory's high-water mark is per process.
  deno run --allow-all bench/resume.ts mem
  deno run --allow-all bench/resume.ts cpu e2e
fi

if want oversized; then
  deno run --allow-all bench/oversized.ts gateway
fi

if want load; then
  deno run --allow-all bench/load.ts
fi

if want extract; then
  echo "PDF text extraction (fixture corpus)"
  bench/extract.sh
fi
