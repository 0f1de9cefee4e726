//! The functions host's configuration: its flags and env (the list is in host.ts), the
//! secrets files, and the environment every function's process starts with: exactly what
//! Supabase's edge runtime injects, the secrets, and what Deno itself needs.

import { stackKeysFromEnv, type VerifyKeys } from "../jwt.ts";

/** The repository's root: functions run with it as their working directory. */
export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** A configuration the host cannot start with; the host prints it and exits with 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Options {
  port: number;
  workerPortBase: number;
  envFiles: string[];
  /** Where functions live: each `<dir>/<name>/index.ts`, configured by `config`. */
  functionDirs: { dir: string; config: string }[];
  /** FUNCTIONS_ONLY: the names to serve, or null for every function found. */
  only: Set<string> | null;
  /** What verify_jwt checks a token against: the JWKS, and the secret in legacy mode. */
  keys: VerifyKeys;
  /** The SUPABASE_* variables Supabase's edge runtime gives every function. */
  injected: Record<string, string>;
  deno: string;
  /** Deno's module cache, shared with the functions so they do not download again. */
  denoDir: string;
  testMode: boolean;
}

// The well-known local values `supabase start` uses (scripts/lib.sh holds the same); the
// JWTs are the legacy mode's (signing mode's are derived from the generated key).
const DEFAULT_PUBLISHABLE_KEY = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
const DEFAULT_SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
const DEFAULT_ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
const DEFAULT_SERVICE_ROLE_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/** The host's options from its arguments and env (`getEnv`: the process's by default). */
export function options(
  args: string[],
  getEnv: (key: string) => string | undefined = (k) => Deno.env.get(k),
  cwd: string = Deno.cwd(),
): Options {
  const env = (k: string, d: string) => getEnv(k) || d;
  let port = Number(env("FUNCTIONS_PORT", "54331"));
  const envFiles = [`${ROOT}/supabase/functions/.env`];
  let testMode = env("FUNCTIONS_TEST_MODE", "") === "1";
  const extraDirs = env("FUNCTIONS_EXTRA_DIRS", "").split(":").filter(Boolean);
  if (getEnv("FUNCTIONS_ENV_FILE")) envFiles.push(getEnv("FUNCTIONS_ENV_FILE")!);
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new ConfigError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port") port = Number(value());
    else if (flag === "--env-file") envFiles.push(value());
    else if (flag === "--functions-dir") extraDirs.push(value());
    else if (flag === "--test-mode") testMode = true;
    else throw new ConfigError(`unknown argument ${args[i]}`);
  }
  let stack;
  try {
    stack = stackKeysFromEnv(getEnv);
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
  const { legacy, keys } = stack;
  const jwtSecret = keys.secret;
  const anonKey = env("ANON_KEY", legacy ? DEFAULT_ANON_KEY : "");
  const serviceRoleKey = env("SERVICE_ROLE_KEY", legacy ? DEFAULT_SERVICE_ROLE_KEY : "");
  if (!anonKey || !serviceRoleKey) {
    throw new ConfigError("signing mode needs ANON_KEY and SERVICE_ROLE_KEY (the role JWTs scripts/lib.sh derives)");
  }
  const apiPort = env("API_PORT", "54321");
  return {
    port,
    workerPortBase: Number(env("WORKER_PORT_BASE", "54400")),
    envFiles,
    functionDirs: [
      { dir: `${ROOT}/supabase/functions`, config: `${ROOT}/supabase/config.toml` },
      ...extraDirs.map((d) => {
        const dir = d.startsWith("/") ? d : `${cwd}/${d}`;
        return { dir, config: `${dir}/config.toml` };
      }),
    ],
    only: env("FUNCTIONS_ONLY", "") ? new Set(env("FUNCTIONS_ONLY", "").split(",").map((n) => n.trim()).filter(Boolean)) : null,
    keys,
    // What Supabase's edge runtime gives every function. The URL is the gateway's, as a
    // function on Supabase reaches its project through the public URL. The new-style keys
    // in both modes (JSON objects keyed by the key's name, as Supabase gives them); the JWT
    // secret only in legacy mode: a project with signing keys has none to hand out.
    injected: {
      SUPABASE_URL: env("API_URL", `http://127.0.0.1:${apiPort}`),
      SUPABASE_ANON_KEY: anonKey,
      SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: env("PUBLISHABLE_KEY", DEFAULT_PUBLISHABLE_KEY) }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: env("SECRET_KEY", DEFAULT_SECRET_KEY) }),
      SUPABASE_JWKS: JSON.stringify(keys.jwks),
      SUPABASE_DB_URL: env(
        "DB_URL",
        `postgresql://postgres:postgres@127.0.0.1:${env("DB_PORT", "54322")}/postgres`,
      ),
      ...(jwtSecret === null ? {} : { SUPABASE_JWT_SECRET: jwtSecret }),
    },
    deno: env("DENO_BIN", `${ROOT}/node_modules/.bin/deno`),
    denoDir: getEnv("DENO_DIR") ?? `${getEnv("HOME") ?? "/root"}/.cache/deno`,
    testMode,
  };
}

/** A dotenv file: `KEY=value`, `export KEY=value`, `#` comments, '…' and "…" quoting. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith("'")) {
      value = value.slice(1, value.indexOf("'", 1) === -1 ? undefined : value.indexOf("'", 1));
    } else if (value.startsWith('"')) {
      const end = value.lastIndexOf('"');
      value = (end > 0 ? value.slice(1, end) : value.slice(1))
        .replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[m[1]] = value;
  }
  return out;
}

/** The secrets of the env files that exist, later files winning; SUPABASE_* names skipped. */
export function readSecrets(files: string[]): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    for (const [k, v] of Object.entries(parseEnvFile(text))) {
      // Supabase refuses custom secrets named SUPABASE_*; so does `functions serve`.
      if (k.startsWith("SUPABASE_")) {
        console.log(`[host] ${file}: skipping ${k} (names cannot start with SUPABASE_)`);
        continue;
      }
      secrets[k] = v;
    }
    console.log(`[host] secrets from ${file}`);
  }
  return secrets;
}

/**
 * The env every function's process starts with: the secrets, what Supabase injects (it
 * wins), and Deno's cache and plain output. Nothing of the host's own environment: the
 * process is started with a cleared env (supervisor.ts).
 */
export function workerEnv(
  secrets: Record<string, string>,
  opts: Pick<Options, "injected" | "denoDir">,
): Record<string, string> {
  return { ...secrets, ...opts.injected, DENO_DIR: opts.denoDir, NO_COLOR: "1" };
}
