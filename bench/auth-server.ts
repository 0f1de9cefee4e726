//! What the local Auth stand-in (local/auth) takes to sign up, sign in and refresh,
//! through the gateway as supabase-js calls it: prints figures, asserts nothing.
//!
//! For each concurrency (1 and 20 clients) it runs N sign-ups, then N password sign-ins
//! of those users, then N refreshes of their sessions, each step with that many requests
//! in flight; per step: p50 and p95 latency and requests per second. Sign-up and sign-in
//! hash or check a bcrypt password (cost 10) and run the custom access token hook; refresh
//! runs the hook. The users are removed afterwards.
//!
//! Usage: deno run --allow-all bench/auth-server.ts   (a running stack: scripts/stack.sh
//! start; STACK_SLOT as for the tests; BENCH_USERS, default 40, users per concurrency)

import { clientKey, config, psql } from "../tests/lib/mod.ts";

const AUTH = `${config.apiUrl}/auth/v1`;
const USERS = Number(Deno.env.get("BENCH_USERS") ?? 40);
const PASSWORD = "bench password 1";
const TAG = `bench${crypto.randomUUID().slice(0, 6)}`;

async function post(path: string, body: unknown): Promise<Record<string, any>> {
  const r = await fetch(`${AUTH}${path}`, {
    method: "POST",
    headers: { apikey: clientKey, authorization: `Bearer ${clientKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Runs `op(i)` for i in 0..n with `clients` in flight; latencies and wall time. */
async function step(clients: number, n: number, op: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  return { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), perSecond: n / wall };
}

const rows: string[] = [];
try {
  for (const clients of [1, 20]) {
    const emails = Array.from({ length: USERS }, (_, i) => `${TAG}.c${clients}.${i}@e2e.test`);
    const refreshTokens: string[] = [];
    const results = {
      "sign-up": await step(clients, USERS, async (i) => void await post("/signup", { email: emails[i], password: PASSWORD })),
      "sign-in": await step(clients, USERS, async (i) => {
        refreshTokens[i] = (await post("/token?grant_type=password", { email: emails[i], password: PASSWORD })).refresh_token;
      }),
      "refresh": await step(clients, USERS, async (i) => void await post("/token?grant_type=refresh_token", { refresh_token: refreshTokens[i] })),
    };
    for (const [what, r] of Object.entries(results)) {
      rows.push(`${String(clients).padStart(2)} clients  ${what.padEnd(8)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  ${r.perSecond.toFixed(0).padStart(4)}/s`);
    }
  }
} finally {
  await psql(`delete from auth.users where email like :'pattern'`, { pattern: `${TAG}.%@e2e.test` });
}
console.log(`Auth stand-in at ${AUTH}, ${USERS} users per concurrency (bcrypt cost 10, custom access token hook)`);
for (const row of rows) console.log(row);
