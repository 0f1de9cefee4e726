#!/usr/bin/env bash
# Text extraction on the fixture resumes, three extractors in one run:
#   ours       crates/resume (native release build; the wasm build runs the same code)
#   pdftotext  Debian poppler-utils (one process per file: its time includes start-up)
#   pdf.js     npm pdfjs-dist (pinned in package.json), under the project's Deno (the edge
#              runtime's engine; pdf.js 6 needs newer JS than Debian's Node 20), one process
# For each file: median time of RUNS runs (after one warm-up) and word recall against the
# ground-truth text (tests/fixtures/resumes/<name>.txt): the share of its words, lower-
# cased, that the extracted text has. Files that must fail (image-only, password) are
# listed with what each tool made of them and left out of the totals.
#
# Usage: bench/extract.sh [RUNS]      (default 10)
# Needs: cargo, node, `npm ci` (pdfjs-dist, deno), pdftotext (apt-get install poppler-utils).
set -euo pipefail
runs="${1:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/tests/fixtures/resumes"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ours" "$tmp/pdftotext" "$tmp/pdfjs"

for tool in cargo node pdftotext; do
  command -v "$tool" >/dev/null || { echo "bench/extract.sh: $tool not found" >&2; exit 1; }
done
deno="$root/node_modules/.bin/deno"
[ -d "$root/node_modules/pdfjs-dist" ] && [ -x "$deno" ] || { echo "bench/extract.sh: run npm ci first (pdfjs-dist, deno)" >&2; exit 1; }

(cd "$root" && cargo build -q --release -p resume --example extract_bench)
target="${CARGO_TARGET_DIR:-$root/target}"
"$target/release/examples/extract_bench" --runs "$runs" --out "$tmp/ours" "$corpus"/*.pdf > "$tmp/ours.tsv"

# pdftotext: median wall time of RUNS process runs per file.
printf 'file\tms_median\n' > "$tmp/pdftotext.tsv"
for f in "$corpus"/*.pdf; do
  name="$(basename "$f")"; stem="${name%.pdf}"
  pdftotext -q -enc UTF-8 "$f" "$tmp/pdftotext/$stem.txt" || : > "$tmp/pdftotext/$stem.txt"
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    pdftotext -q -enc UTF-8 "$f" /dev/null || true
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}')
  printf '%s\t%s\n' "$name" "$(awk -v us="$median" 'BEGIN {printf "%.3f", us/1000}')" >> "$tmp/pdftotext.tsv"
done

# pdf.js: getDocument + getTextContent of every page, in one Deno process.
cat > "$tmp/pdfjs.mjs" <<'JS'
import process from "node:process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
const pdfjs = await import(pathToFileURL(join(process.cwd(), "node_modules/pdfjs-dist/legacy/build/pdf.mjs")).href);
const base = join(process.cwd(), "node_modules/pdfjs-dist/");
async function extract(data) {
  const task = pdfjs.getDocument({
    data, verbosity: 0, disableFontFace: true, isEvalSupported: false,
    standardFontDataUrl: base + "standard_fonts/", cMapUrl: base + "cmaps/", cMapPacked: true,
  });
  const doc = await task.promise;
  let text = "";
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    for (const item of content.items) text += (item.str ?? "") + (item.hasEOL ? "\n" : " ");
    text += "\n\n";
  }
  await task.destroy();
  return text;
}
const runs = Number(process.env.RUNS || 10);
console.log("file\tms_median");
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  let text = "";
  try { text = await extract(new Uint8Array(bytes)); } catch { text = ""; }
  writeFileSync(join(process.env.OUT, basename(file, ".pdf") + ".txt"), text);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    try { await extract(new Uint8Array(bytes)); } catch { /* counted as its time */ }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${basename(file)}\t${times[Math.floor(times.length / 2)].toFixed(3)}`);
}
JS
# (pdf.js warns that it cannot load its optional canvas package: text needs no canvas.)
(cd "$root" && RUNS="$runs" OUT="$tmp/pdfjs" "$deno" run --quiet --allow-read --allow-write --allow-env \
  "$tmp/pdfjs.mjs" "$corpus"/*.pdf > "$tmp/pdfjs.tsv" 2> "$tmp/pdfjs.err") || { cat "$tmp/pdfjs.err" >&2; exit 1; }

# Report: per file time and word recall for each tool, then totals.
node --input-type=module - "$tmp" "$corpus" <<'JS'
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
const [tmp, corpus] = process.argv.slice(2);
const tsv = (p) => Object.fromEntries(readFileSync(p, "utf8").trim().split("\n").slice(1)
  .map((l) => l.split("\t")).map((c) => [c[0], c]));
const ours = tsv(join(tmp, "ours.tsv")), ptt = tsv(join(tmp, "pdftotext.tsv")), pjs = tsv(join(tmp, "pdfjs.tsv"));
const words = (t) => { const m = new Map(); for (const w of t.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) m.set(w, (m.get(w) || 0) + 1); return m; };
const recall = (truth, got) => { let hit = 0, total = 0; for (const [w, n] of truth) { total += n; hit += Math.min(n, got.get(w) || 0); } return [hit, total]; };
const manifest = JSON.parse(readFileSync(join(corpus, "manifest.json"), "utf8"));
const tools = [["ours", ours, "ours"], ["pdftotext", ptt, "pdftotext"], ["pdf.js", pjs, "pdfjs"]];
const sum = Object.fromEntries(tools.map(([n]) => [n, { hit: 0, total: 0, ms: 0 }]));
const pad = (s, n) => String(s).padEnd(n), lpad = (s, n) => String(s).padStart(n);
console.log(pad("file", 42) + tools.map(([n]) => lpad(n + " ms", 14) + lpad("recall", 9)).join(""));
for (const entry of manifest) {
  const stem = entry.file.replace(/\.pdf$/, "");
  const truthPath = join(corpus, stem + ".txt");
  const expectError = entry.expect_error;
  let line = pad(entry.file, 42);
  for (const [name, table, dir] of tools) {
    const row = table[entry.file];
    const ms = row ? Number(name === "ours" ? row[5] : row[1]) : NaN;
    const got = words(readFileSync(join(tmp, dir, stem + ".txt"), "utf8"));
    let cell;
    if (expectError || !existsSync(truthPath)) {
      const n = [...got.values()].reduce((a, b) => a + b, 0);
      cell = name === "ours" && row ? row[7] : `${n} words`;
    } else {
      const [hit, total] = recall(words(readFileSync(truthPath, "utf8")), got);
      sum[name].hit += hit; sum[name].total += total; sum[name].ms += ms;
      cell = (100 * hit / total).toFixed(1) + "%";
    }
    line += lpad(ms.toFixed(2), 14) + " " + lpad(cell, 9);
  }
  console.log(line);
}
console.log("");
for (const [name] of tools) {
  const s = sum[name];
  console.log(`${pad(name, 10)} word recall ${(100 * s.hit / s.total).toFixed(2)}% (${s.hit}/${s.total})  total ${s.ms.toFixed(1)} ms over text-layer files  (${(s.ms / sum.ours.ms).toFixed(1)}x ours)`);
}
JS
