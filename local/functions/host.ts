//! The local functions host: what `supabase functions serve` does, without Docker.
//!
//! One `deno run` process per function (its own isolate, as on Supabase), each on its own
//! port from WORKER_PORT_BASE, started when the host starts and restarted if it dies.
//! The host listens on FUNCTIONS_PORT behind the gateway (which strips `/functions/v1`),
//! routes `/<name>/...` to that function's process, checks `verify_jwt` first, carries
//! WebSocket upgrades through, and streams bodies both ways; its own refusals (404, 401,
//! 503) go out only after the request body has ended (body.ts).
//!
//!   deno run -A local/functions/host.ts [--port N] [--env-file PATH]... [--functions-dir DIR]...
//!                                  [--test-mode]
//!
//! Env: FUNCTIONS_PORT, WORKER_PORT_BASE, DB_URL, API_URL (the defaults are scripts/lib.sh's);
//! the keys, as scripts/lib.sh exports them: STACK_KEYS (`signing`, the default, or
//! `legacy`), JWKS (the public keys, JSON; required in signing mode), JWT_SECRET (legacy
//! mode only), ANON_KEY and SERVICE_ROLE_KEY (the mode's role JWTs), PUBLISHABLE_KEY and
//! SECRET_KEY (the `sb_` API keys); FUNCTIONS_ENV_FILE (more secrets, e.g.
//! vendor fakes' base URLs); FUNCTIONS_EXTRA_DIRS (colon-separated directories of extra
//! functions, for test fixtures; each may hold a config.toml with `[functions.<name>]`);
//! FUNCTIONS_ONLY (comma-separated names: serve only these, e.g. `echo,echo-ws` to run the
//! stack tests before the wasm is built);
//! FUNCTIONS_TEST_MODE=1 (or --test-mode; `scripts/stack.sh start --test` sets it).
//!
//! Test mode adds one control endpoint on the host's own port, for the end-to-end tests'
//! `withFunctionEnv` (tests/lib/function-env.ts): a function's env overlay.
//!   GET    /_internal/test/env/<name>   -> {name, state, overlay_keys, env_keys}
//!   PUT    /_internal/test/env/<name>   {"overlay": {"KEY": "value" | null}} -> the same,
//!          after the function's process was restarted with base env + overlay (null
//!          removes a key) and is up again
//!   DELETE /_internal/test/env/<name>   back to the base env (restarted if it had one)
//! Values never come back, only key names. The gateway does not route
//! `/functions/v1/_internal/` (but health) to the host (local/gateway/nginx.conf.tmpl), and the
//! host refuses these paths on a request that came through a proxy (X-Forwarded-*), so
//! only a process on this machine talking to the host's port reaches them.

import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { drain, DRAIN_LIMIT, DRAIN_MS } from "../../supabase/functions/_shared/body.ts";
import { stackKeysFromEnv, verifyToken, type VerifyKeys } from "../jwt.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

// ---------------------------------------------------------------------------------------
// Configuration

interface Options {
  port: number;
  workerPortBase: number;
  envFiles: string[];
  functionDirs: { dir: string; config: string }[];
  /** FUNCTIONS_ONLY: the names to serve, or null for every function found. */
  only: Set<string> | null;
  /** What verify_jwt checks a token against: the JWKS, and the secret in legacy mode. */
  keys: VerifyKeys;
  injected: Record<string, string>;
  deno: string;
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

function options(args: string[]): Options {
  const env = (k: string, d: string) => Deno.env.get(k) || d;
  let port = Number(env("FUNCTIONS_PORT", "54331"));
  const envFiles = [`${ROOT}/supabase/functions/.env`];
  let testMode = env("FUNCTIONS_TEST_MODE", "") === "1";
  const extraDirs = env("FUNCTIONS_EXTRA_DIRS", "").split(":").filter(Boolean);
  if (Deno.env.get("FUNCTIONS_ENV_FILE")) envFiles.push(Deno.env.get("FUNCTIONS_ENV_FILE")!);
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--port") port = Number(value());
    else if (flag === "--env-file") envFiles.push(value());
    else if (flag === "--functions-dir") extraDirs.push(value());
    else if (flag === "--test-mode") testMode = true;
    else fail(`unknown argument ${args[i]}`);
  }
  let stack;
  try {
    stack = stackKeysFromEnv();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const { legacy, keys } = stack;
  const jwtSecret = keys.secret;
  const anonKey = env("ANON_KEY", legacy ? DEFAULT_ANON_KEY : "");
  const serviceRoleKey = env("SERVICE_ROLE_KEY", legacy ? DEFAULT_SERVICE_ROLE_KEY : "");
  if (!anonKey || !serviceRoleKey) fail("signing mode needs ANON_KEY and SERVICE_ROLE_KEY (the role JWTs scripts/lib.sh derives)");
  const apiPort = env("API_PORT", "54321");
  return {
    port,
    workerPortBase: Number(env("WORKER_PORT_BASE", "54400")),
    envFiles,
    functionDirs: [
      { dir: `${ROOT}/supabase/functions`, config: `${ROOT}/supabase/config.toml` },
      ...extraDirs.map((d) => {
        const dir = d.startsWith("/") ? d : `${Deno.cwd()}/${d}`;
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
    testMode,
  };
}

function fail(message: string): never {
  console.error(`[host] error: ${message}`);
  Deno.exit(2);
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

function readSecrets(files: string[]): Record<string, string> {
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

interface FunctionSpec {
  name: string;
  entry: string;
  verifyJwt: boolean;
}

function discover(dirs: Options["functionDirs"], only: Options["only"]): FunctionSpec[] {
  const found = new Map<string, FunctionSpec>();
  for (const { dir, config } of dirs) {
    let table: Record<string, Record<string, unknown>> = {};
    try {
      const parsed = parseToml(Deno.readTextFileSync(config)) as Record<string, unknown>;
      table = (parsed.functions ?? {}) as typeof table;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) fail(`${config}: ${e}`);
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
      const conf = table[entry.name] ?? {};
      if (conf.enabled === false || (only && !only.has(entry.name))) continue;
      const entryPoint = `${dir}/${entry.name}/index.ts`;
      try {
        Deno.statSync(entryPoint);
      } catch {
        continue;
      }
      if (found.has(entry.name)) fail(`function ${entry.name} is defined twice (${dir})`);
      found.set(entry.name, {
        name: entry.name,
        entry: entryPoint,
        verifyJwt: conf.verify_jwt !== false, // default true, as on Supabase
      });
    }
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------
// Workers: one Deno process per function

// "crashed": exited at boot three times in a row (a missing build, a syntax error); it
// is still retried, but requests get 503 at once instead of waiting for it.
type State = "starting" | "up" | "down" | "crashed" | "stopped";

class Worker {
  state: State = "down";
  restarts = 0;
  private proc?: Deno.ChildProcess;
  private upSince = 0;
  private failures = 0;
  private bootFailures = 0;
  private waiters: (() => void)[] = [];
  /** Test mode: keys added (string) or removed (null) on top of the base env. */
  overlay: Record<string, string | null> = {};

  constructor(
    readonly spec: FunctionSpec,
    readonly port: number,
    private readonly deno: string,
    private readonly baseEnv: Record<string, string>,
  ) {}

  /** Base env + overlay; the host's own SB_FUNCTION_PORT always wins. */
  env(): Record<string, string> {
    const env = { ...this.baseEnv };
    for (const [k, v] of Object.entries(this.overlay)) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    return { ...env, SB_FUNCTION_PORT: String(this.port) };
  }

  start(): void {
    if (this.state === "stopped") return;
    if (this.state !== "crashed") this.state = "starting";
    const cmd = new Deno.Command(this.deno, {
      args: ["run", "--allow-net", "--allow-read", "--allow-env", "--no-prompt", this.spec.entry],
      cwd: ROOT,
      // Only what a function gets on Supabase, plus what Deno itself needs.
      clearEnv: true,
      env: this.env(),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const proc = cmd.spawn();
    this.proc = proc;
    pipeLines(proc.stdout, `[${this.spec.name}] `, Deno.stdout);
    pipeLines(proc.stderr, `[${this.spec.name}] `, Deno.stderr);
    this.awaitListening(proc);
    proc.status.then((status) => this.exited(proc, status));
  }

  private async awaitListening(proc: Deno.ChildProcess): Promise<void> {
    const t0 = performance.now();
    const booting = () => this.state === "starting" || this.state === "crashed";
    while (this.proc === proc && booting()) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
        conn.close();
        if (this.proc !== proc || !booting()) return;
        this.state = "up";
        this.upSince = Date.now();
        this.bootFailures = 0;
        log(`${this.spec.name} up on :${this.port} (pid ${proc.pid}, ${Math.round(performance.now() - t0)} ms)`);
        this.waiters.splice(0).forEach((w) => w());
        return;
      } catch {
        await sleep(25);
      }
    }
  }

  private exited(proc: Deno.ChildProcess, status: Deno.CommandStatus): void {
    if (this.proc !== proc) return;
    this.proc = undefined;
    if (this.state === "stopped") return;
    // A process that stayed up a while earns a quick restart; one that keeps dying
    // at boot backs off, so a broken build does not spin the machine.
    if (this.state === "up" && Date.now() - this.upSince > 10_000) this.failures = 0;
    this.failures++;
    if (this.state !== "up") this.bootFailures++;
    this.state = this.bootFailures >= 3 ? "crashed" : "down";
    const delay = Math.min(5_000, 100 * 2 ** (this.failures - 1));
    log(`${this.spec.name} exited (code ${status.code}${status.signal ? `, ${status.signal}` : ""}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (this.state === "down" || this.state === "crashed") {
        this.restarts++;
        this.start();
      }
    }, delay);
  }

  /** Resolve true once the worker listens, false after `ms`. */
  ready(ms: number): Promise<boolean> {
    if (this.state === "up") return Promise.resolve(true);
    if (this.state === "crashed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** A fresh process: after a rebuild, or to clear a function's state. */
  async restart(): Promise<void> {
    const old = this.proc;
    this.proc = undefined; // so its exit is not taken for a crash
    this.failures = 0;
    this.bootFailures = 0;
    this.state = "down";
    if (old) {
      try {
        old.kill("SIGTERM");
      } catch { /* already gone */ }
      const done = await Promise.race([old.status.then(() => true), sleep(3_000).then(() => false)]);
      if (!done) {
        try {
          old.kill("SIGKILL");
        } catch { /* already gone */ }
        await old.status;
      }
    }
    this.restarts++;
    this.start();
  }

  async stop(): Promise<void> {
    this.state = "stopped";
    const proc = this.proc;
    if (!proc) return;
    try {
      proc.kill("SIGTERM");
    } catch { /* already gone */ }
    const killed = await Promise.race([proc.status.then(() => true), sleep(3_000).then(() => false)]);
    if (!killed) {
      try {
        proc.kill("SIGKILL");
      } catch { /* already gone */ }
      await proc.status;
    }
  }
}

async function pipeLines(stream: ReadableStream<Uint8Array>, prefix: string, out: typeof Deno.stdout) {
  const enc = new TextEncoder();
  let rest = "";
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      if (lines.length) await out.write(enc.encode(lines.map((l) => prefix + l + "\n").join("")));
    }
    if (rest) await out.write(enc.encode(prefix + rest + "\n"));
  } catch { /* the process went away */ }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function log(message: string): void {
  console.log(`${new Date().toISOString()} [host] ${message}`);
}

// ---------------------------------------------------------------------------------------
// Requests

// Hop-by-hop headers (RFC 9110 7.6.1) are the connection's, not the message's.
const HOP_BY_HOP = [
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
  "upgrade", "proxy-authenticate", "proxy-authorization", "host",
];

function endToEnd(headers: Headers): Headers {
  const out = new Headers(headers);
  for (const h of HOP_BY_HOP) out.delete(h);
  return out;
}

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * verify_jwt: the token must verify against the stack's keys (jwt.ts `verifyToken`: ES256
 * or RS256 by the JWKS key its `kid` names; HS256 with the secret in legacy mode only;
 * `exp` required). The 401 answers and their bodies are those of `supabase functions serve`.
 */
async function checkJwt(req: Request, keys: VerifyKeys): Promise<Response | null> {
  const header = req.headers.get("authorization");
  if (!header) return json({ msg: "Error: Missing authorization header" }, 401);
  const [scheme, token] = header.split(" ");
  if (scheme !== "Bearer" || !token) {
    return json({ msg: "Error: Auth header is not 'Bearer {token}'" }, 401);
  }
  const result = await verifyToken(token, keys);
  return result.ok ? null : json({ msg: "Invalid JWT" }, 401);
}

/**
 * An answer of the host's own (404, 401, 503), given before anyone read the request body:
 * it goes out after the body's last byte, the body drained (body.ts). A function that
 * refuses a body drains it itself (shared::js). Only the host knows whether it handed the
 * body on: Deno's fetch takes a request's body without marking it used.
 */
async function refusal(req: Request, res: Response): Promise<Response> {
  if (req.body && (await drain(req.body)) < 0) {
    log(`${req.method} ${new URL(req.url).pathname} ${res.status}: the body's rest was over ${DRAIN_LIMIT} bytes or ${DRAIN_MS} ms; dropped, not drained`);
  }
  return res;
}

/** How long a request waits for a function that is (re)starting before 503. */
const BOOT_WAIT_MS = 15_000;

async function forward(req: Request, worker: Worker, url: URL): Promise<Response> {
  if (!(await worker.ready(BOOT_WAIT_MS))) {
    return refusal(req, json({ code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" }, 503));
  }
  const target = `http://127.0.0.1:${worker.port}${url.pathname}${url.search}`;
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    return await forwardWebSocket(req, target.replace(/^http/, "ws"), worker.spec.name);
  }
  const headers = endToEnd(req.headers);
  // Deno's fetch would ask for gzip on the client's behalf; ask for what the client did.
  if (!headers.has("accept-encoding")) headers.set("accept-encoding", "identity");
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    redirect: "manual",
    // No `signal: req.signal`: Deno.serve aborts it when a response completes, too. A
    // client that goes away cancels the streamed body below, which closes the upstream.
  };
  if (req.body && req.method !== "GET" && req.method !== "HEAD") {
    // Streamed, not buffered; and as it came, so a Content-Length stays (Deno's fetch sends
    // a stream of its own making chunked), which a function's body limit goes by.
    init.body = req.body;
    init.duplex = "half";
  }
  let res: Response;
  try {
    res = await fetch(target, init);
  } catch (e) {
    log(`${worker.spec.name}: ${e}`);
    return json(
      { code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" },
      500,
    );
  }
  return new Response(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: endToEnd(res.headers),
  });
}

/**
 * Carry a WebSocket through: open the function's side first (same path, query, headers
 * and offered subprotocols), then upgrade the client with the subprotocol the function
 * chose, and pipe messages and closes both ways.
 */
async function forwardWebSocket(req: Request, target: string, name: string): Promise<Response> {
  const offered = (req.headers.get("sec-websocket-protocol") ?? "")
    .split(",").map((p) => p.trim()).filter(Boolean);
  // The client's end-to-end headers go along (Authorization, apikey, X-Forwarded-*), as
  // through a proxy; the handshake's own headers are the new connection's.
  const headers = endToEnd(req.headers);
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"]) {
    headers.delete(h);
  }
  // `headers` is Deno's extension of the WebSocket constructor.
  const upstream = new WebSocket(target, { protocols: offered, headers } as unknown as string[]);
  upstream.binaryType = "arraybuffer";
  const opened = await new Promise<boolean>((resolve) => {
    upstream.onopen = () => resolve(true);
    upstream.onerror = () => resolve(false);
    setTimeout(() => resolve(false), 10_000);
  });
  if (!opened) {
    try {
      upstream.close();
    } catch { /* never opened */ }
    // Deno's WebSocket client does not expose the status a refused handshake carried.
    return json({ code: "WORKER_ERROR", message: "The function refused the WebSocket upgrade" }, 502);
  }
  const { socket, response } = Deno.upgradeWebSocket(
    req,
    upstream.protocol ? { protocol: upstream.protocol } : {},
  );
  socket.binaryType = "arraybuffer";
  const pending: (string | ArrayBuffer)[] = [];
  // The client side opens only after our 101 is written; hold what the function sends
  // until then, its close included (a close of a socket still connecting is lost).
  let pendingClose: CloseEvent | undefined;
  socket.onopen = () => {
    pending.splice(0).forEach((m) => socket.send(m));
    if (pendingClose) socket.close(closeCode(pendingClose.code), pendingClose.reason);
  };
  upstream.onmessage = (e) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
    else if (socket.readyState === WebSocket.CONNECTING) pending.push(e.data);
  };
  socket.onmessage = (e) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(e.data);
  };
  const closeCode = (code: number) => (code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000);
  upstream.onclose = (e) => {
    log(`${name} websocket closed by function (${e.code})`);
    if (socket.readyState === WebSocket.OPEN) socket.close(closeCode(e.code), e.reason);
    else if (socket.readyState === WebSocket.CONNECTING) pendingClose = e;
  };
  socket.onclose = (e) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(closeCode(e.code), e.reason);
  };
  socket.onerror = () => upstream.readyState === WebSocket.OPEN && upstream.close(1000);
  upstream.onerror = () => socket.readyState === WebSocket.OPEN && socket.close(1000);
  return response;
}

// ---------------------------------------------------------------------------------------
// Test mode: a function's env overlay (see the header)

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Keys the host owns: an overlay may not touch them. */
const HOST_KEYS = new Set(["SB_FUNCTION_PORT", "DENO_DIR"]);

function envReport(worker: Worker) {
  return {
    name: worker.spec.name,
    state: worker.state,
    overlay_keys: Object.fromEntries(
      Object.entries(worker.overlay).map(([k, v]) => [k, v === null ? "removed" : "set"]),
    ),
    env_keys: Object.keys(worker.env()).sort(),
  };
}

async function testEnvControl(
  req: Request,
  name: string,
  workers: Map<string, Worker>,
): Promise<Response> {
  const worker = workers.get(name);
  if (!worker) return json({ error: `no function ${name}` }, 404);
  if (req.method === "GET") return json(envReport(worker), 200);
  let overlay: Record<string, string | null> = {};
  if (req.method === "PUT") {
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return json({ error: "body must be JSON {overlay: {KEY: string | null}}" }, 400);
    }
    const given = (body as { overlay?: unknown })?.overlay;
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      return json({ error: "body must be JSON {overlay: {KEY: string | null}}" }, 400);
    }
    for (const [k, v] of Object.entries(given)) {
      if (!ENV_KEY.test(k) || HOST_KEYS.has(k)) return json({ error: `key ${k} cannot be set` }, 400);
      if (v !== null && typeof v !== "string") return json({ error: `${k}: a string or null` }, 400);
    }
    overlay = given as Record<string, string | null>;
  } else if (req.method !== "DELETE") {
    return json({ error: "GET, PUT or DELETE" }, 405);
  }
  const unchanged = JSON.stringify(overlay) === JSON.stringify(worker.overlay) && worker.state === "up";
  if (!unchanged) {
    worker.overlay = overlay;
    log(`${name}: env overlay ${JSON.stringify(envReport(worker).overlay_keys)}; restarting`);
    await worker.restart();
    if (!(await worker.ready(BOOT_WAIT_MS))) return json({ ...envReport(worker), error: "did not come up" }, 503);
  }
  return json(envReport(worker), 200);
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const opts = options(Deno.args);
  const secrets = readSecrets(opts.envFiles);
  const specs = discover(opts.functionDirs, opts.only);
  const denoDir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
  const workerEnv = { ...secrets, ...opts.injected, DENO_DIR: denoDir, NO_COLOR: "1" };
  if (opts.testMode) log("test mode: /_internal/test/env/<name> controls functions' env overlays");

  const workers = new Map<string, Worker>();
  specs.forEach((spec, i) => {
    const port = opts.workerPortBase + i;
    workers.set(spec.name, new Worker(spec, port, opts.deno, workerEnv));
  });
  // A port already taken means a worker from an earlier host is still around: say so
  // rather than route to it.
  for (const w of workers.values()) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port: w.port }).close();
    } catch {
      fail(`port ${w.port} for ${w.spec.name} is in use (a stale worker? run scripts/stack.sh stop)`);
    }
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: opts.port, onListen: () => {} },
    async (req) => {
      const t0 = performance.now();
      const url = new URL(req.url);
      const name = url.pathname.split("/")[1] ?? "";
      let res: Response;
      if (url.pathname === "/_internal/health") {
        const functions = Object.fromEntries(
          [...workers.values()].map((w) => [
            w.spec.name,
            { state: w.state, port: w.port, verify_jwt: w.spec.verifyJwt, restarts: w.restarts },
          ]),
        );
        return json({ message: "ok", functions, test_mode: opts.testMode }, 200);
      }
      const control = url.pathname.match(/^\/_internal\/test\/env\/([^/]+)$/);
      // Only in test mode, and never for a request relayed by the gateway (or any proxy).
      if (control && opts.testMode && !req.headers.has("x-forwarded-for") && !req.headers.has("x-forwarded-prefix")) {
        res = await testEnvControl(req, decodeURIComponent(control[1]), workers);
        console.log(`${new Date().toISOString()} ${req.method} ${url.pathname} ${res.status} ${Math.round(performance.now() - t0)}ms`);
        return res;
      }
      const worker = workers.get(name);
      if (!worker) {
        res = await refusal(
          req,
          new Response("Function not found", {
            status: 404,
            headers: { "Content-Type": "text/plain" },
          }),
        );
      } else {
        // Preflight carries no Authorization: Supabase lets it through to the function.
        const denied = req.method !== "OPTIONS" && worker.spec.verifyJwt
          ? await checkJwt(req, opts.keys)
          : null;
        res = denied ? await refusal(req, denied) : await forward(req, worker, url);
      }
      console.log(
        `${new Date().toISOString()} ${req.method} ${url.pathname} ${res.status} ${
          Math.round(performance.now() - t0)
        }ms${worker ? ` fn=${name}` : ""}`,
      );
      return res;
    },
  );

  log(`functions host on http://127.0.0.1:${opts.port}, ${workers.size} function(s): ${
    [...workers.values()].map((w) => `${w.spec.name}${w.spec.verifyJwt ? "" : " (no verify_jwt)"}`).join(", ") || "none"
  }`);
  for (const w of workers.values()) w.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${workers.size} worker(s)`);
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await server.shutdown().catch(() => {});
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  // SIGHUP: restart every function's process (scripts/stack.sh reload, after a rebuild).
  Deno.addSignalListener("SIGHUP", () => {
    log("SIGHUP: restarting every function");
    for (const w of workers.values()) w.restart();
  });
  await server.finished;
}

if (import.meta.main) await main();
