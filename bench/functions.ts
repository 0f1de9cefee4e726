//! Edge-function benchmarks against a running local stack; prints figures, asserts nothing.
//!
//!   cold   process start to first response of each function's isolate (the wrapper run
//!          by Deno exactly as the functions host runs it), median of RUNS starts
//!   link   request latency through the gateway: link-candidate-account (gateway -> host
//!          -> wasm -> PostgREST -> SQL) against the same SQL function called directly
//!          through PostgREST (gateway -> PostgREST -> SQL), at 1 and 50 concurrent clients
//!
//! Usage: deno run --allow-all bench/functions.ts [cold|link]...   (default: both)

import { clientFor, config, functionsUrl, restUrl, signUp, tokenFor } from "../tests/lib/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DENO = `${ROOT}node_modules/.bin/deno`;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 5);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(2).padStart(8);

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Start one isolate and time until it answers a CORS preflight. */
async function coldStart(name: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "--no-prompt", `supabase/functions/${name}/index.ts`],
    cwd: ROOT,
    env: {
      SB_FUNCTION_PORT: String(port),
      SUPABASE_URL: config.apiUrl,
      SUPABASE_ANON_KEY: config.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: config.serviceRoleKey,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: config.publishableKey }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: config.secretKey }),
      SUPABASE_JWKS: JSON.stringify(config.jwks),
      ...(config.jwtSecret === null ? {} : { SUPABASE_JWT_SECRET: config.jwtSecret }),
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/${name}`, { method: "OPTIONS" });
        await res.body?.cancel();
        return performance.now() - t0;
      } catch {
        if (performance.now() - t0 > 15_000) throw new Error(`${name} did not answer within 15 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

async function benchCold() {
  const names = [...Deno.readDirSync(`${ROOT}supabase/functions`)]
    .filter((e) => e.isDirectory && !e.name.startsWith("_"))
    .map((e) => e.name)
    .filter((n) => {
      try {
        return Deno.statSync(`${ROOT}supabase/functions/${n}/pkg`).isDirectory;
      } catch {
        return false;
      }
    })
    .sort();
  console.log(`cold start: process start -> first response (median of ${RUNS})`);
  for (const name of names) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await coldStart(name));
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(28)} ${fmt(percentile(times, 50))} ms  (min ${times[0].toFixed(1)}, max ${times.at(-1)!.toFixed(1)})`);
  }
}

/** `clients` loops sending `total` requests in all; per-request latencies in ms. */
async function load(clients: number, total: number, send: () => Promise<Response>): Promise<{ lat: number[]; secs: number; errors: number }> {
  const lat: number[] = [];
  let left = total;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const s = performance.now();
        const res = await send();
        await res.arrayBuffer();
        lat.push(performance.now() - s);
        if (res.status !== 200) errors++;
      }
    }),
  );
  return { lat: lat.sort((a, b) => a - b), secs: (performance.now() - t0) / 1000, errors };
}

async function benchLink() {
  // One owner, one invitation, one linked candidate: re-linking is idempotent, so every
  // request does the full work (token lookup, email check, answer) and changes nothing.
  const owner = await signUp("bench-owner");
  const { data: tenantId, error: e1 } = await clientFor(owner.token).rpc("create_tenant", { p_name: `bench ${crypto.randomUUID().slice(0, 6)}` });
  if (e1) throw new Error(`create_tenant: ${e1.message}`);
  const ownerToken = await tokenFor(owner.id);
  const candidate = await signUp("bench-candidate");
  const { data: inv, error: e2 } = await clientFor(ownerToken).rpc("create_candidate_invitation", {
    p_tenant_id: tenantId,
    p_candidate_email: candidate.email,
  });
  if (e2) throw new Error(`create_candidate_invitation: ${e2.message}`);
  const body = JSON.stringify({ invitation_token: inv.token });
  const rpcBody = JSON.stringify({ p_token: inv.token });
  const headers = {
    Authorization: `Bearer ${candidate.token}`,
    apikey: config.anonKey,
    "Content-Type": "application/json",
  };
  const viaFunction = () => fetch(`${functionsUrl}/link-candidate-account`, { method: "POST", headers, body });
  const direct = () => fetch(`${restUrl}/rpc/link_candidate_account`, { method: "POST", headers, body: rpcBody });

  const first = await viaFunction();
  if (first.status !== 200) throw new Error(`link-candidate-account answered ${first.status}: ${await first.text()}`);
  await first.body?.cancel();

  console.log("latency through the gateway :54321 (keep-alive clients in one Deno process)");
  console.log("  target                         clients  requests    p50 ms    p99 ms     req/s  non-200");
  for (const [clients, total] of [[1, 500], [50, 2000]]) {
    for (const [label, send] of [["link-candidate-account (wasm)", viaFunction], ["PostgREST rpc (direct)", direct]] as const) {
      await load(clients, Math.min(100, total), send); // warm-up
      const r = await load(clients, total, send);
      console.log(
        `  ${label.padEnd(30)} ${String(clients).padStart(7)} ${String(total).padStart(9)} ${fmt(percentile(r.lat, 50))}  ${fmt(percentile(r.lat, 99))} ${(total / r.secs).toFixed(0).padStart(9)} ${String(r.errors).padStart(8)}`,
      );
    }
  }
}

const parts = Deno.args.length ? Deno.args : ["cold", "link"];
for (const part of parts) {
  if (part === "cold") await benchCold();
  else if (part === "link") await benchLink();
  else throw new Error(`unknown part ${part}`);
}
