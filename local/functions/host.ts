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
//! FUNCTIONS_TEST_MODE=1 (or --test-mode; `scripts/stack.sh start --test` sets it): the
//! env-overlay endpoint `/_internal/test/env/<name>` (control.ts).
//!
//! This file is the entry point and the router; the parts, one job each:
//!   config.ts     flags, env, secrets files, the env a function starts with
//!   discovery.ts  which functions, from the directories and their config.toml
//!   supervisor.ts one process per function, restarted when it dies
//!   proxy.ts      verify_jwt, the host's refusals, the HTTP and WebSocket relay
//!   control.ts    test mode's env overlays

import { ConfigError, type Options, options, readSecrets, workerEnv } from "./config.ts";
import { controlTarget, testEnvControl } from "./control.ts";
import { discover } from "./discovery.ts";
import { log } from "./log.ts";
import { checkJwt, forward, json, refusal } from "./proxy.ts";
import { Worker } from "./supervisor.ts";

function fail(message: string): never {
  console.error(`[host] error: ${message}`);
  Deno.exit(2);
}

/** The host's answer to one request: health, test control, or a function's. */
async function route(req: Request, workers: Map<string, Worker>, opts: Options): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === "/_internal/health") {
    const functions = Object.fromEntries(
      [...workers.values()].map((w) => [
        w.spec.name,
        {
          state: w.state,
          port: w.port,
          verify_jwt: w.spec.verifyJwt,
          static_files: w.spec.staticFiles,
          restarts: w.restarts,
        },
      ]),
    );
    return json({ message: "ok", functions, test_mode: opts.testMode }, 200);
  }
  const control = controlTarget(req, opts.testMode);
  if (control !== null) return await testEnvControl(req, control, workers);
  const worker = workers.get(url.pathname.split("/")[1] ?? "");
  if (!worker) {
    return await refusal(
      req,
      new Response("Function not found", {
        status: 404,
        headers: { "Content-Type": "text/plain" },
      }),
    );
  }
  // Preflight carries no Authorization: Supabase lets it through to the function.
  const denied = req.method !== "OPTIONS" && worker.spec.verifyJwt ? await checkJwt(req, opts.keys) : null;
  return denied ? await refusal(req, denied) : await forward(req, worker, url);
}

async function main(): Promise<void> {
  let opts: Options, secrets: Record<string, string>, specs;
  try {
    opts = options(Deno.args);
    secrets = readSecrets(opts.envFiles);
    specs = discover(opts.functionDirs, opts.only);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const baseEnv = workerEnv(secrets, opts);
  if (opts.testMode) log("test mode: /_internal/test/env/<name> controls functions' env overlays");

  const workers = new Map<string, Worker>();
  specs.forEach((spec, i) => {
    const port = opts.workerPortBase + i;
    workers.set(spec.name, new Worker(spec, port, opts.deno, baseEnv));
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
      const res = await route(req, workers, opts);
      const path = new URL(req.url).pathname;
      if (path === "/_internal/health") return res;
      const name = path.split("/")[1] ?? "";
      console.log(
        `${new Date().toISOString()} ${req.method} ${path} ${res.status} ${
          Math.round(performance.now() - t0)
        }ms${workers.has(name) ? ` fn=${name}` : ""}`,
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
