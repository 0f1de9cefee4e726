#!/usr/bin/env bash
# Builds every edge function listed in wasm-pack.toml: wasm-pack (release, --target web),
# then wasm-opt, into supabase/functions/<name>/pkg/. Prints each module's size.
#   scripts/build.sh                 # all functions
#   scripts/build.sh <name>...       # only these
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Debian's binaryen 108 corrupts wasm-bindgen output (the module then fails to load in
# Deno: `WebAssembly.Table.set(): Argument 1 is invalid for table`; scripts/setup.sh
# removes it): the wasm-opt used must be npm's binaryen, which lib.sh puts first on PATH.
case "$(command -v wasm-opt || true)" in
  "$ROOT/node_modules/.bin/wasm-opt") ;;
  *) die "wasm-opt is not npm's binaryen (run scripts/setup.sh)";;
esac

# name<TAB>crate<TAB>target<TAB>profile<TAB>wasm-opt flags, one line per function.
manifest=$(node --input-type=module -e '
  import { parse } from "smol-toml";
  import { readFileSync } from "node:fs";
  const m = parse(readFileSync("wasm-pack.toml", "utf8"));
  const d = m.defaults ?? {};
  for (const [name, f] of Object.entries(m.functions ?? {})) {
    const opt = f.wasm_opt ?? d.wasm_opt ?? [];
    console.log([name, f.crate, f.target ?? d.target ?? "web", f.profile ?? d.profile ?? "release", opt.join(" ")].join("\t"));
  }')

wanted=("$@")
selected() {
  [ ${#wanted[@]} -eq 0 ] && return 0
  local w; for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1
}

T0=$(date +%s)
built=()     # "name lib out" of each function built
opt_pids=()  # wasm-opt runs in the background while cargo compiles the next crate
while IFS=$'\t' read -r name crate target profile opt; do
  selected "$name" || continue
  [ -d "$crate" ] || die "wasm-pack.toml: $name: no crate at $crate"
  out="$ROOT/supabase/functions/$name/pkg"
  lib=$(sed -nE 's/^name *= *"([^"]+)".*/\1/p' "$crate/Cargo.toml" | head -1 | tr - _)
  compile() {
    # --mode no-install: never download tools (no GitHub here); use the ones on PATH.
    # --no-opt: wasm-opt runs next, with the flags from wasm-pack.toml.
    wasm-pack --quiet build "$crate" --mode no-install --no-pack --no-opt \
      --target "$target" "--$profile" --out-dir "$out" --out-name "$lib" \
      >"$LOG_DIR/build-$name.log" 2>&1 || { tail -30 "$LOG_DIR/build-$name.log"; return 1; }
    rm -f "$out/.gitignore"
    stat -c %s "$out/${lib}_bg.wasm" >"$LOG_DIR/build-$name.size"
  }
  step "compile $name" compile || exit 1
  if [ -n "$opt" ]; then
    # shellcheck disable=SC2086
    ( wasm-opt $opt "$out/${lib}_bg.wasm" -o "$out/${lib}_bg.wasm.opt" >>"$LOG_DIR/build-$name.log" 2>&1 \
        && mv "$out/${lib}_bg.wasm.opt" "$out/${lib}_bg.wasm" ) &
    opt_pids+=("$!:$name")
  fi
  built+=("$name $lib $out")
done <<<"$manifest"

failed=0
for p in "${opt_pids[@]}"; do
  wait "${p%%:*}" || { echo "wasm-opt failed for ${p#*:}:"; tail -5 "$LOG_DIR/build-${p#*:}.log"; failed=1; }
done
[ "$failed" = 0 ] || exit 1

sizes=()
for b in "${built[@]}"; do
  read -r name lib out <<<"$b"
  f="$out/${lib}_bg.wasm"
  sizes+=("$(printf '%-24s %10s -> %10s bytes %9s gzip' "$name" "$(cat "$LOG_DIR/build-$name.size")" \
    "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)")")
done

echo "wasm sizes (wasm-bindgen -> after wasm-opt, and gzip -9 of the final module):"
printf '  %s\n' "${sizes[@]}"
echo "build done in $(( $(date +%s) - T0 ))s"
