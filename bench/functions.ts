//! Edge-function latency against a running local stack; prints figures, asserts nothing.
//! (Cold start and module sizes: bench/cold.ts.)
//!
//!   link   request latency through the gateway: link-candidate-account (gateway -> host
//!          -> wasm -> PostgREST -> SQL) against the same SQL function called directly
//!          through PostgREST (gateway -> PostgREST -> SQL), at 1 and 50 concurrent clients
//!
//! Usage: deno run --allow-all bench/functions.ts [link]

import { clientFor, config, functionsUrl, restUrl, signUp, tokenFor } from "../tests/lib/mod.ts";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(2).padStart(8);

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

const parts = Deno.args.length ? Deno.args : ["link"];
for (const part of parts) {
  if (part === "link") await benchLink();
  else throw new Error(`unknown part ${part}`);
}
