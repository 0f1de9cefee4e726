//! Which functions the host serves: every `<dir>/<name>/index.ts` of each functions
//! directory, configured by that directory's config.toml `[functions.<name>]`, as the
//! Supabase CLI reads them (`verify_jwt` defaults to true, `enabled = false` leaves a
//! function out, `static_files` lists what a deploy bundles beside the entry point).

import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { ConfigError, type Options } from "./config.ts";

/** One function's `[functions.<name>]` section, the keys the host reads. */
export interface FunctionConfig {
  verifyJwt: boolean;
  enabled: boolean;
  /** As written, relative to the config file's directory; globs allowed (`pkg/*`). */
  staticFiles: string[];
  /** As written, relative to the config file's directory; absent: `functions/<name>/index.ts`. */
  entrypoint?: string;
}

export interface FunctionSpec {
  name: string;
  entry: string;
  verifyJwt: boolean;
  staticFiles: string[];
}

const DEFAULTS: FunctionConfig = { verifyJwt: true, enabled: true, staticFiles: [] };

/**
 * The `[functions.<name>]` sections of a config.toml's text. A key of the wrong type is a
 * ConfigError, as the CLI refuses it, rather than a silent default.
 */
export function functionConfigs(text: string, file = "config.toml"): Map<string, FunctionConfig> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${file}: ${e}`);
  }
  const table = parsed.functions ?? {};
  if (!isTable(table)) throw new ConfigError(`${file}: [functions] must be a table`);
  const out = new Map<string, FunctionConfig>();
  for (const [name, section] of Object.entries(table)) {
    if (!isTable(section)) throw new ConfigError(`${file}: [functions.${name}] must be a table`);
    const where = `${file}: [functions.${name}]`;
    const flag = (key: string, fallback: boolean) => {
      const v = section[key];
      if (v === undefined) return fallback;
      if (typeof v !== "boolean") throw new ConfigError(`${where} ${key} must be true or false`);
      return v;
    };
    const files = section.static_files ?? [];
    if (!Array.isArray(files) || files.some((f) => typeof f !== "string")) {
      throw new ConfigError(`${where} static_files must be an array of paths`);
    }
    const entrypoint = section.entrypoint;
    if (entrypoint !== undefined && typeof entrypoint !== "string") {
      throw new ConfigError(`${where} entrypoint must be a path`);
    }
    out.set(name, {
      verifyJwt: flag("verify_jwt", DEFAULTS.verifyJwt),
      enabled: flag("enabled", DEFAULTS.enabled),
      staticFiles: files as string[],
      ...(entrypoint === undefined ? {} : { entrypoint }),
    });
  }
  return out;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The functions to serve, sorted by name within each directory. A directory or config
 * file that does not exist is empty; a name found in two directories is a ConfigError.
 */
export function discover(dirs: Options["functionDirs"], only: Options["only"]): FunctionSpec[] {
  const found = new Map<string, FunctionSpec>();
  for (const { dir, config } of dirs) {
    let configs = new Map<string, FunctionConfig>();
    try {
      configs = functionConfigs(Deno.readTextFileSync(config), config);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // `_shared` and friends are imports, not functions (Supabase's convention).
      if (!entry.isDirectory || entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
      const conf = configs.get(entry.name) ?? DEFAULTS;
      if (!conf.enabled || (only && !only.has(entry.name))) continue;
      const entryPoint = `${dir}/${entry.name}/index.ts`;
      try {
        Deno.statSync(entryPoint);
      } catch {
        continue;
      }
      if (found.has(entry.name)) throw new ConfigError(`function ${entry.name} is defined twice (${dir})`);
      found.set(entry.name, {
        name: entry.name,
        entry: entryPoint,
        verifyJwt: conf.verifyJwt,
        staticFiles: conf.staticFiles,
      });
    }
  }
  return [...found.values()];
}
