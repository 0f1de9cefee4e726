//! What verifying today's Supabase tokens costs a function: prints figures, asserts nothing.
//!
//!   first  process start -> first answer to a signed-in call, per token kind: the isolate
//!          boots, reads its config and verifies the token once (ES256: WebCrypto imports
//!          the JWKS key, then verifies; HS256: one HMAC). Median of RUNS starts.
//!   warm   per-request latency of the same call on a warm isolate, 300 sequential
//!          requests on one keep-alive connection, p50 and p99.
//!
//! The call is `enrich-candidate` by a signed-in user with no tenant role: the function
//! verifies the token, then answers 403 without touching the database, so the figures are
//! the token check and the request plumbing, and no stack is needed.
//!
//! Usage: deno run --allow-all bench/auth.ts   (after scripts/build.sh enrich-candidate)

import { generateEs256Jwk, publicJwks, sign, signEs256 } from "../local/jwt.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DENO = `${ROOT}node_modules/.bin/deno`;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 9);
const FN = "enrich-candidate";
const URL_BASE = "http://supabase.bench";
const SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: `${URL_BASE}/auth/v1`, sub: crypto.randomUUID(), role: "authenticated", aud: "authenticated",
  exp: now + 3600, iat: now, email: "bench@example.test", app_metadata: {},
};
const key = { ...(await generateEs256Jwk()), kid: "bench-es256" };
const tokens = {
  ES256: await signEs256(claims, key),
  HS256: await sign(claims, SECRET),
};

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function spawn(port: number) {
  return new Deno.Command(DENO, {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "--no-prompt", `supabase/functions/${FN}/index.ts`],
    cwd: ROOT,
    env: {
      SB_FUNCTION_PORT: String(port),
      SUPABASE_URL: URL_BASE,
      SUPABASE_ANON_KEY: "anon",
      SUPABASE_JWKS: JSON.stringify(publicJwks([key])),
      SUPABASE_JWT_SECRET: SECRET,
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function call(port: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/${FN}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ candidate_id: crypto.randomUUID() }),
  });
  await res.body?.cancel();
  return res.status;
}

async function firstAnswer(token: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(port);
  try {
    for (;;) {
      try {
        const status = await call(port, token);
        if (status !== 403) throw new Error(`expected 403 after the token check, got ${status}`);
        return performance.now() - t0;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith("expected")) throw err;
        if (performance.now() - t0 > 15_000) throw new Error(`${FN} did not answer within 15 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

console.log(`${FN}: process start -> first signed-in answer (median of ${RUNS}), then warm latency (300 calls)`);
for (const [kind, token] of Object.entries(tokens)) {
  const firsts: number[] = [];
  // Interleave nothing else: one kind's starts back to back, after a warm-up start.
  await firstAnswer(token);
  for (let i = 0; i < RUNS; i++) firsts.push(await firstAnswer(token));
  const port = await freePort();
  const child = spawn(port);
  try {
    while (await call(port, token).catch(() => 0) !== 403) await new Promise((r) => setTimeout(r, 5));
    const warm: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await call(port, token);
      warm.push(performance.now() - t0);
    }
    console.log(
      `  ${kind}  first ${median(firsts).toFixed(1).padStart(6)} ms   warm p50 ${pct(warm, 50).toFixed(3)} ms  p99 ${pct(warm, 99).toFixed(3)} ms`,
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}
