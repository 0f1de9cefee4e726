//! The functions host's pure parts, without a running stack: config.toml's
//! `[functions.<name>]` read into verify_jwt and static_files, which directories are
//! functions, the options from flags and env, and the env a function's process starts with
//! (exactly what Supabase injects, the env files' secrets, and Deno's own two). The
//! host's behaviour over HTTP is stack.test.ts's.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { ConfigError, options, parseEnvFile, readSecrets, ROOT, workerEnv } from "../functions/config.ts";
import { controlTarget } from "../functions/control.ts";
import { discover, functionConfigs } from "../functions/discovery.ts";
import { Worker } from "../functions/supervisor.ts";
import { generateEs256Jwk, publicJwks, signEs256, verifyTokenCached, VERIFIED_TOKENS_MAX } from "../jwt.ts";

function configError(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    assert(e instanceof ConfigError, `a ConfigError, not ${e}`);
    assert(pattern.test(e.message), `"${e.message}" should match ${pattern}`);
    return;
  }
  throw new Error(`expected a ConfigError matching ${pattern}`);
}

/** A fresh directory, removed after `body`. */
async function withTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "host-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function writeFunction(dir: string, name: string): void {
  Deno.mkdirSync(`${dir}/${name}`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/${name}/index.ts`, "Deno.serve(() => new Response());\n");
}

// ---------------------------------------------------------------------------------------
// config.toml

Deno.test("host config: [functions.<name>] gives verify_jwt (default true), enabled and static_files", () => {
  const configs = functionConfigs(`
[api]
port = 54321

[functions.open]
verify_jwt = false
static_files = ["./functions/open/pkg/*", "./functions/open/data.json"]

[functions.closed]
verify_jwt = true

[functions.plain]

[functions.off]
enabled = false
`);
  assertEquals([...configs.keys()], ["open", "closed", "plain", "off"]);
  assertEquals(configs.get("open"), {
    verifyJwt: false,
    enabled: true,
    staticFiles: ["./functions/open/pkg/*", "./functions/open/data.json"],
  });
  assertEquals(configs.get("closed"), { verifyJwt: true, enabled: true, staticFiles: [] });
  assertEquals(configs.get("plain"), { verifyJwt: true, enabled: true, staticFiles: [] });
  assertEquals(configs.get("off")?.enabled, false);
  assertEquals(functionConfigs("[db]\nport = 1\n").size, 0, "no [functions] table: no sections");
});

Deno.test("host config: the repository's own config.toml lists each function's pkg/ as static_files", () => {
  const configs = functionConfigs(Deno.readTextFileSync(`${ROOT}/supabase/config.toml`));
  assert(configs.size > 0, "supabase/config.toml has [functions.<name>] sections");
  for (const [name, c] of configs) assertEquals(c.staticFiles, [`./functions/${name}/pkg/*`], name);
  assertEquals(configs.get("transcript-relay")?.verifyJwt, false, "a WebSocket verifies its token itself");
});

Deno.test("host config: a key of the wrong type or broken TOML is a ConfigError naming the file", () => {
  configError(() => functionConfigs(`[functions.a]\nverify_jwt = "false"\n`, "x.toml"), /x\.toml: \[functions\.a\] verify_jwt/);
  configError(() => functionConfigs(`[functions.a]\nenabled = 0\n`), /\[functions\.a\] enabled/);
  configError(() => functionConfigs(`[functions.a]\nstatic_files = "pkg/*"\n`), /static_files must be an array/);
  configError(() => functionConfigs(`[functions.a]\nstatic_files = [1]\n`), /static_files must be an array/);
  configError(() => functionConfigs(`functions = 3\n`), /\[functions\] must be a table/);
  configError(() => functionConfigs(`[functions.a\n`, "broken.toml"), /^broken\.toml: /);
});

// ---------------------------------------------------------------------------------------
// Discovery

Deno.test("host discovery: a directory with index.ts is a function; _shared, dot dirs, files and disabled ones are not", async () => {
  await withTempDir((dir) => {
    for (const name of ["beta", "alpha", "_shared", ".hidden", "off", "open"]) writeFunction(dir, name);
    Deno.mkdirSync(`${dir}/no-entry`);
    Deno.writeTextFileSync(`${dir}/loose.ts`, "");
    Deno.writeTextFileSync(
      `${dir}/config.toml`,
      `[functions.open]\nverify_jwt = false\nstatic_files = ["./open/pkg/*"]\n[functions.off]\nenabled = false\n`,
    );
    const specs = discover([{ dir, config: `${dir}/config.toml` }], null);
    assertEquals(specs.map((s) => s.name), ["alpha", "beta", "open"]);
    assertEquals(specs[0], { name: "alpha", entry: `${dir}/alpha/index.ts`, verifyJwt: true, staticFiles: [] });
    assertEquals(specs[2], { name: "open", entry: `${dir}/open/index.ts`, verifyJwt: false, staticFiles: ["./open/pkg/*"] });

    assertEquals(discover([{ dir, config: `${dir}/config.toml` }], new Set(["beta", "off"])).map((s) => s.name), ["beta"]);
  });
});

Deno.test("host discovery: a missing directory or config is empty; a name in two directories is a ConfigError", async () => {
  await withTempDir((dir) => {
    assertEquals(discover([{ dir: `${dir}/none`, config: `${dir}/none/config.toml` }], null), []);
    writeFunction(`${dir}/one`, "same");
    writeFunction(`${dir}/two`, "same");
    const dirs = ["one", "two"].map((d) => ({ dir: `${dir}/${d}`, config: `${dir}/${d}/config.toml` }));
    assertEquals(discover(dirs.slice(0, 1), null).map((s) => s.verifyJwt), [true], "no config.toml: verify_jwt on");
    configError(() => discover(dirs, null), /function same is defined twice/);
  });
});

// ---------------------------------------------------------------------------------------
// Options and the env a function starts with

const INJECTED = [
  "SUPABASE_ANON_KEY",
  "SUPABASE_DB_URL",
  "SUPABASE_JWKS",
  "SUPABASE_PUBLISHABLE_KEYS",
  "SUPABASE_SECRET_KEYS",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_URL",
];

async function signingEnv(): Promise<Record<string, string>> {
  return {
    HOME: "/home/someone",
    PATH: "/usr/bin",
    STACK_KEYS: "signing",
    JWKS: JSON.stringify(publicJwks([await generateEs256Jwk()])),
    ANON_KEY: "anon.jwt",
    SERVICE_ROLE_KEY: "service.jwt",
    PUBLISHABLE_KEY: "sb_publishable_x",
    SECRET_KEY: "sb_secret_y",
    API_URL: "http://127.0.0.1:61321",
    DB_URL: "postgresql://postgres:postgres@127.0.0.1:61322/postgres",
    FUNCTIONS_PORT: "61331",
    PGRST_DB_URI: "postgresql://authenticator@127.0.0.1/postgres",
  };
}

Deno.test("host options: signing mode injects exactly Supabase's seven SUPABASE_* vars, no JWT secret", async () => {
  const env = await signingEnv();
  const opts = options([], (k) => env[k], "/cwd");
  assertEquals(Object.keys(opts.injected).sort(), INJECTED);
  assertEquals(opts.injected.SUPABASE_URL, env.API_URL);
  assertEquals(opts.injected.SUPABASE_DB_URL, env.DB_URL);
  assertEquals(opts.injected.SUPABASE_ANON_KEY, "anon.jwt");
  assertEquals(opts.injected.SUPABASE_SERVICE_ROLE_KEY, "service.jwt");
  assertEquals(JSON.parse(opts.injected.SUPABASE_JWKS), JSON.parse(env.JWKS));
  assertEquals(JSON.parse(opts.injected.SUPABASE_PUBLISHABLE_KEYS), { default: "sb_publishable_x" });
  assertEquals(JSON.parse(opts.injected.SUPABASE_SECRET_KEYS), { default: "sb_secret_y" });
  assertEquals(opts.keys.secret, null);
  assertEquals(opts.port, 61331);
  assertEquals(opts.denoDir, "/home/someone/.cache/deno");
});

Deno.test("host options: legacy mode adds SUPABASE_JWT_SECRET; signing mode without the role JWTs is a ConfigError", async () => {
  const legacy = options([], (k) => ({ STACK_KEYS: "legacy", JWT_SECRET: "s".repeat(40) } as Record<string, string>)[k]);
  assertEquals(Object.keys(legacy.injected).sort(), [...INJECTED, "SUPABASE_JWT_SECRET"].sort());
  assertEquals(legacy.injected.SUPABASE_JWT_SECRET, "s".repeat(40));

  const env = await signingEnv();
  delete env.ANON_KEY;
  configError(() => options([], (k) => env[k]), /signing mode needs ANON_KEY and SERVICE_ROLE_KEY/);
  configError(() => options([], (k) => ({ STACK_KEYS: "other" } as Record<string, string>)[k]), /STACK_KEYS must be/);
});

Deno.test("host options: flags override env; a relative --functions-dir is the caller's; an unknown flag is a ConfigError", async () => {
  const env: Record<string, string> = { ...(await signingEnv()), FUNCTIONS_EXTRA_DIRS: "/abs/fx", FUNCTIONS_ONLY: "echo, echo-ws,", FUNCTIONS_ENV_FILE: "/e/fakes.env" };
  const opts = options(["--port=7000", "--functions-dir", "rel/fx", "--env-file", "/e/more.env", "--test-mode"], (k) => env[k], "/cwd");
  assertEquals(opts.port, 7000);
  assertEquals(opts.testMode, true);
  assertEquals(opts.functionDirs.map((d) => d.dir), [`${ROOT}/supabase/functions`, "/abs/fx", "/cwd/rel/fx"]);
  assertEquals(opts.functionDirs[0].config, `${ROOT}/supabase/config.toml`);
  assertEquals(opts.envFiles, [`${ROOT}/supabase/functions/.env`, "/e/fakes.env", "/e/more.env"]);
  assertEquals([...(opts.only ?? [])], ["echo", "echo-ws"]);
  configError(() => options(["--verbose"], (k) => env[k]), /unknown argument --verbose/);
  configError(() => options(["--port"], (k) => env[k]), /--port needs a value/);
});

Deno.test("host env: a dotenv file's values, quoted or not, comments ignored", () => {
  assertEquals(
    parseEnvFile([
      "# a comment",
      "PLAIN=value  # trailing comment",
      "export EXPORTED=yes",
      "SINGLE='kept # as is'",
      'DOUBLE="line\\nbreak \\"q\\""',
      "EMPTY=",
      "not a line",
      "",
    ].join("\n")),
    { PLAIN: "value", EXPORTED: "yes", SINGLE: "kept # as is", DOUBLE: 'line\nbreak "q"', EMPTY: "" },
  );
});

Deno.test("host env: a function gets exactly the injected vars, the env files' secrets and Deno's two; SUPABASE_* secrets are refused", async () => {
  const env = await signingEnv();
  const opts = options([], (k) => env[k]);
  await withTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/a.env`, "OPENAI_BASE_URL=http://127.0.0.1:1/v1\nSHARED=from-a\nSUPABASE_URL=http://evil\n");
    Deno.writeTextFileSync(`${dir}/b.env`, "SHARED=from-b\n");
    const secrets = readSecrets([`${dir}/a.env`, `${dir}/missing.env`, `${dir}/b.env`]);
    assertEquals(secrets, { OPENAI_BASE_URL: "http://127.0.0.1:1/v1", SHARED: "from-b" });

    const base = workerEnv(secrets, opts);
    assertEquals(
      Object.keys(base).sort(),
      [...INJECTED, "DENO_DIR", "NO_COLOR", "OPENAI_BASE_URL", "SHARED"].sort(),
      "nothing of the host's own env (HOME, PATH, the keys, PGRST_*)",
    );
    assertEquals(base.SUPABASE_URL, env.API_URL);
    assertEquals(base.DENO_DIR, opts.denoDir);

    // The process's env: the base, the test overlay (set or removed), its own port last.
    const spec = { name: "f", entry: `${dir}/f/index.ts`, verifyJwt: true, staticFiles: [] };
    const worker = new Worker(spec, 61400, "deno", base);
    worker.overlay = { OPENAI_API_KEY: "sk-test", SHARED: null, SB_FUNCTION_PORT: "1" };
    const started = worker.env();
    assertEquals(started.OPENAI_API_KEY, "sk-test");
    assertEquals("SHARED" in started, false);
    assertEquals(started.SB_FUNCTION_PORT, "61400");
    assertEquals(base.SHARED, "from-b", "the overlay does not change the base env");
  });
});

// ---------------------------------------------------------------------------------------
// Test control

Deno.test("host control: only in test mode, only for a request that did not come through a proxy", () => {
  const at = (path: string, headers: Record<string, string> = {}) => new Request(`http://127.0.0.1:61331${path}`, { headers });
  assertEquals(controlTarget(at("/_internal/test/env/echo"), true), "echo");
  assertEquals(controlTarget(at("/_internal/test/env/a%20b"), true), "a b");
  assertEquals(controlTarget(at("/_internal/test/env/%zz"), true), "%zz", "an undecodable name is no function's");
  assertEquals(controlTarget(at("/_internal/test/env/echo"), false), null, "outside test mode");
  assertEquals(controlTarget(at("/_internal/test/env/echo", { "X-Forwarded-For": "1.2.3.4" }), true), null);
  assertEquals(controlTarget(at("/_internal/test/env/echo", { "X-Forwarded-Prefix": "/functions/v1" }), true), null);
  assertEquals(controlTarget(at("/_internal/test/env/echo/more"), true), null);
  assertEquals(controlTarget(at("/echo"), true), null);
});

Deno.test("host verify_jwt: a token seen before skips the signature check, not the expiry; others are checked", async () => {
  const key = { ...(await generateEs256Jwk()), kid: "k1" };
  const keys = { jwks: publicJwks([key]), secret: null };
  const now = Math.floor(Date.now() / 1000);
  const token = await signEs256({ sub: "u", role: "authenticated", exp: now + 60 }, key);
  assertEquals((await verifyTokenCached(token, keys, now)).ok, true);
  // The same token again is answered from memory: even a key set emptied since cannot refuse it.
  const emptied = keys.jwks.keys.splice(0);
  assertEquals((await verifyTokenCached(token, keys, now)).ok, true);
  // ... but its times are checked every time.
  assertEquals(await verifyTokenCached(token, keys, now + 61), { ok: false, reason: "expired" });
  // A forged signature on the same claims was never seen: it is checked, and refused.
  keys.jwks.keys.push(...emptied);
  const forged = token.slice(0, token.lastIndexOf(".") + 1) + "A".repeat(86);
  assertEquals((await verifyTokenCached(forged, keys, now)).ok, false);
  // Bounded: past VERIFIED_TOKENS_MAX others, the first token is checked again.
  for (let i = 0; i < VERIFIED_TOKENS_MAX; i++) {
    const other = await signEs256({ sub: `u${i}`, role: "authenticated", exp: now + 60 }, key);
    assertEquals((await verifyTokenCached(other, keys, now)).ok, true);
  }
  keys.jwks.keys.splice(0);
  assertEquals((await verifyTokenCached(token, keys, now)).ok, false);
});
