//! Which files each edge function needs on Supabase, worked out from a checkout: the
//! functions `supabase/config.toml` declares, the files each one's `static_files` globs
//! name, and the files its entrypoint reaches at run time (Deno's own module graph, from
//! `deno info`, plus the assets a module loads by `new URL("...", import.meta.url)`, as
//! the wasm-bindgen glue loads its `.wasm`).
//!
//! `checkTree(dir)` proves a checkout deploys: each function's entrypoint and every module
//! it imports exist, each `static_files` glob names at least one file, and each asset a
//! module loads is named by `static_files` (the deploy carries nothing else beside the
//! modules). A checkout of `main` fails it (pkg/ is git-ignored); the deploy branch that
//! `scripts/publish-functions.sh` writes passes it.
//!
//!   deno run --allow-read --allow-run scripts/function-files.ts check <dir>

import { functionConfigs } from "../local/functions/discovery.ts";

/** One `[functions.<slug>]` of config.toml; paths are relative to the repository root. */
export interface FunctionSpec {
  slug: string;
  verifyJwt: boolean;
  /** The globs as config.toml writes them (relative to `supabase/`). */
  staticFilesAsWritten: string[];
  /** The same globs relative to the repository root, as the CLI sends them. */
  staticPatterns: string[];
  entrypoint: string;
}

export interface RuntimeFiles {
  /** Every module the entrypoint reaches through code imports, itself included. */
  modules: string[];
  /** Files modules load by URL relative to `import.meta.url` (the `.wasm`). */
  assets: string[];
  problems: string[];
}

export interface FunctionFiles extends RuntimeFiles {
  spec: FunctionSpec;
  /** The files the `static_files` globs name. */
  staticFiles: string[];
}

/** `a/./b/../c` → `a/c`, for repository-relative paths with `/`. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/**
 * The functions config.toml declares and enables, in its order, read as the local
 * functions host reads them (`functionConfigs`: the CLI's defaults, a key of the wrong
 * type refused).
 */
export function functionsInConfig(configText: string): FunctionSpec[] {
  const specs: FunctionSpec[] = [];
  for (const [slug, f] of functionConfigs(configText, "supabase/config.toml")) {
    if (!f.enabled) continue;
    specs.push({
      slug,
      verifyJwt: f.verifyJwt,
      staticFilesAsWritten: f.staticFiles,
      staticPatterns: f.staticFiles.map((p) => normalize(`supabase/${p}`)),
      entrypoint: f.entrypoint === undefined
        ? `supabase/functions/${slug}/index.ts`
        : normalize(`supabase/${f.entrypoint}`),
    });
  }
  return specs;
}

/**
 * The files under `root` a glob names, with Go's `filepath.Glob` rules, which the CLI
 * uses: `*` and `?` stay inside one path segment, `[...]` is a character class.
 */
export async function globFiles(root: string, pattern: string): Promise<string[]> {
  let paths = [""];
  for (const seg of pattern.split("/").filter((s) => s !== "" && s !== ".")) {
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string) => (base ? `${base}/${name}` : name);
      if (!/[*?[]/.test(seg)) {
        next.push(join(seg));
        continue;
      }
      const re = new RegExp(
        "^" + seg.replace(/[.+^${}()|\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll("?", "[^/]") + "$",
      );
      try {
        for await (const e of Deno.readDir(`${root}/${base || "."}`)) if (re.test(e.name)) next.push(join(e.name));
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    paths = next;
  }
  const files: string[] = [];
  for (const p of paths) {
    const info = await Deno.stat(`${root}/${p}`).catch(() => null);
    if (info?.isFile) files.push(p);
  }
  return files.sort();
}

interface DenoInfoModule {
  specifier: string;
  local?: string;
  error?: string;
  dependencies?: { specifier: string; code?: { specifier?: string; error?: string } }[];
}

// `new URL("x_bg.wasm", import.meta.url)`: how the wasm-bindgen `--target deno` glue finds
// its module; any file a module loads this way must travel with it.
const ASSET_URL = /new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** What `entrypoint` (relative to `root`) reaches at run time, from Deno's module graph. */
export async function runtimeFiles(root: string, entrypoint: string): Promise<RuntimeFiles> {
  const realRoot = await Deno.realPath(root);
  const problems: string[] = [];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", `${realRoot}/${entrypoint}`],
    cwd: realRoot,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) {
    return {
      modules: [],
      assets: [],
      problems: [`deno info ${entrypoint}: ${new TextDecoder().decode(out.stderr).trim()}`],
    };
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: DenoInfoModule[] };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const relative = (local: string) => local.startsWith(`${realRoot}/`) ? local.slice(realRoot.length + 1) : null;

  const modules = new Set<string>();
  const assets = new Set<string>();
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length) {
    const spec = queue.pop()!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    if (!spec.startsWith("file:")) continue; // built-ins (node:, npm:) come with the runtime
    const m = bySpecifier.get(spec);
    if (!m || m.error || !m.local) {
      problems.push(`${entrypoint} reaches ${spec}: ${m?.error ?? "not found"}`);
      continue;
    }
    const path = relative(m.local);
    if (path === null) {
      problems.push(`${entrypoint} imports ${m.local}, outside the repository`);
      continue;
    }
    modules.add(path);
    for (const d of m.dependencies ?? []) {
      if (d.code?.error) problems.push(`${path} imports ${d.specifier}: ${d.code.error}`);
      else if (d.code?.specifier) queue.push(d.code.specifier);
    }
    if (/\.[cm]?js$/.test(path)) {
      const text = await Deno.readTextFile(m.local);
      for (const [, , rel] of text.matchAll(ASSET_URL)) {
        const asset = normalize(`${dirname(path)}/${rel}`);
        assets.add(asset);
        if (!(await Deno.stat(`${realRoot}/${asset}`).catch(() => null))?.isFile) {
          problems.push(`${path} loads ${asset}, which does not exist`);
        }
      }
    }
  }
  // Messages name files as the rest does: relative to the checkout.
  const short = (p: string) => p.replaceAll(`file://${realRoot}/`, "").replaceAll(`${realRoot}/`, "");
  return { modules: [...modules].sort(), assets: [...assets].sort(), problems: problems.map(short) };
}

/** Every function config.toml declares in the checkout at `root`, with its files. */
export async function functionFiles(root: string): Promise<FunctionFiles[]> {
  const specs = functionsInConfig(await Deno.readTextFile(`${root}/supabase/config.toml`));
  // One `deno info` per function, side by side.
  return await Promise.all(specs.map(async (spec): Promise<FunctionFiles> => {
    const staticFiles = new Set<string>();
    const problems: string[] = [];
    for (const pattern of spec.staticPatterns) {
      const files = await globFiles(root, pattern);
      if (files.length === 0) problems.push(`${spec.slug}: static_files "${pattern}" names no file`);
      files.forEach((f) => staticFiles.add(f));
    }
    const rt = await runtimeFiles(root, spec.entrypoint);
    problems.push(...rt.problems.map((p) => `${spec.slug}: ${p}`));
    for (const asset of rt.assets) {
      if (!staticFiles.has(asset)) {
        problems.push(`${spec.slug}: ${asset} is loaded at run time but static_files does not name it`);
      }
    }
    return { spec, staticFiles: [...staticFiles].sort(), ...rt, problems };
  }));
}

/** Everything that stops the checkout at `root` from deploying; empty when it deploys. */
export async function checkTree(root: string): Promise<string[]> {
  const fns = await functionFiles(root);
  if (fns.length === 0) return ["supabase/config.toml declares no function"];
  return fns.flatMap((f) => f.problems);
}

if (import.meta.main) {
  const [command, dir] = Deno.args;
  if (command !== "check" || !dir) {
    console.error("usage: function-files.ts check <checkout>");
    Deno.exit(2);
  }
  const fns = await functionFiles(dir);
  for (const f of fns) {
    let bytes = 0;
    for (const s of f.staticFiles) bytes += (await Deno.stat(`${dir}/${s}`)).size;
    console.log(
      `${
        f.spec.slug.padEnd(24)
      } ${f.modules.length} modules, ${f.staticFiles.length} static files (${bytes} bytes), assets: ${
        f.assets.join(", ") || "none"
      }`,
    );
  }
  const problems = fns.length ? fns.flatMap((f) => f.problems) : ["supabase/config.toml declares no function"];
  problems.forEach((p) => console.error(`  ✗ ${p}`));
  if (problems.length) Deno.exit(1);
  console.log(`${dir}: every function's modules and static files are in the tree`);
}
