//! User story: every interview session runs on its own Fly Machine, started and stopped
//! by the recruiter (or the platform), and nothing is left running after the interview.
//!
//! /functions/v1/session-vm against the Fly Machines contract fake: start (create with the
//! session in the metadata, auto_destroy, restart policy no; wait for started; record),
//! reuse, stop (destroy with force), Fly's 409/422/429 and a machine that never starts,
//! and the reaper (service role) that destroys the machines of finished sessions.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  type Called,
  clientFor,
  type FunctionInput,
  invoke,
  invokeRaw,
  requireFunction,
  serviceClient,
  sql,
  withFunctionEnv,
} from "./lib/mod.ts";
import { flyErrors, startFlyFake, vendorKeys } from "./fakes/mod.ts";
import type { SessionMachine } from "../contract/functions.ts";
import { candidate, complete, liveInterview, member, tenantOwner } from "./interview/world.ts";

const FN = "session-vm";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh session-vm) and start the stack (scripts/stack.sh start --test)");
}

function vm(token: string, body: FunctionInput<typeof FN>) {
  return invoke(clientFor(token), FN, body);
}

/** The machine a `start` or `stop` answers (session-vm answers the reaper's count to `reap`). */
function machineOf(got: Called<typeof FN>, status = 200): SessionMachine {
  assertOk(got, status);
  assert("state" in got.body, `a machine, got ${JSON.stringify(got.body)}`);
  return got.body;
}

async function machineRow(sessionId: string) {
  const rows = await sql<{ machine_id: string | null; state: string; error: string | null }>(
    `select machine_id, state, error from public.session_machines where session_id = :'sid'`,
    { sid: sessionId },
  );
  return rows[0];
}

/** What the candidate can learn of their session's machine through the Data API. */
async function candidateSees(token: string, sessionId: string) {
  const { data: session } = await clientFor(token).from("interview_sessions").select("*").eq("id", sessionId).single();
  const { data: machines } = await clientFor(token).from("session_machines").select("machine_id");
  return { sessionFields: Object.keys(session ?? {}).filter((k) => k.includes("machine")), machines };
}

Deno.test("vm: without FLY_API_TOKEN the function answers 503 not_configured", async () => {
  await ready();
  const { owner, cand } = await liveInterview("vm-nokey");
  assertApiError(await vm(owner.token, { session_id: cand.sessionId, action: "start" }), 503, "not_configured");
});

Deno.test("vm: the owner starts the session's machine, a second start reuses it, stop destroys it", async () => {
  await ready();
  const { owner, cand } = await liveInterview("vm-start");
  await using fly = startFlyFake();
  fly.startAfterMs = 200; // created, then started a moment later: the function waits
  await withFunctionEnv(FN, vendorKeys("fly"), async () => {
    const started = await vm(owner.token, { session_id: cand.sessionId, action: "start" });
    const startedMachine = machineOf(started, 201);
    const id = startedMachine.machine_id!;
    assertEquals(startedMachine.state, "started");
    const machine = fly.machines.get(id)!;
    assertEquals(machine.state, "started");
    assertEquals(machine.config.metadata, { session_id: cand.sessionId, tenant_id: owner.tenantId, managed_by: "session-vm" });
    assertEquals([machine.config.auto_destroy, machine.config.restart], [true, { policy: "no" }]);
    assertEquals(await machineRow(cand.sessionId), { machine_id: id, state: "started", error: null });
    assertEquals(await candidateSees(cand.token, cand.sessionId), { sessionFields: [], machines: [] }, "no machine id reaches a candidate");
    assert(fly.requests.some((r) => r.path.endsWith(`/machines/${id}/wait`) && r.search.includes("state=started")), "waited for started");

    const again = await vm(owner.token, { session_id: cand.sessionId, action: "start" });
    const againMachine = machineOf(again);
    assertEquals([againMachine.machine_id, againMachine.reused], [id, true]);
    assertEquals(fly.live().length, 1, "one machine per session");

    const stopped = await vm(owner.token, { session_id: cand.sessionId, action: "stop" });
    assertEquals(stopped.body, { session_id: cand.sessionId, machine_id: id, state: "destroyed" });
    assertEquals(fly.machines.get(id)!.state, "destroyed");
    assert(fly.requests.some((r) => r.method === "DELETE" && r.search === "?force=true"), "destroyed with force");
    assertEquals((await machineRow(cand.sessionId)).state, "destroyed");
    assertEquals(machineOf(await vm(owner.token, { session_id: cand.sessionId, action: "stop" })).state, "destroyed", "stop is idempotent");
  });
});

Deno.test("vm: Fly's 409 is retried once, a second 409 and a 422 are recorded 503s, 429 passes on, a machine that never starts is destroyed", async () => {
  await ready();
  const { owner, pos } = await liveInterview("vm-errors");
  const session = async (prefix: string) => {
    const c = await candidate(owner, pos, prefix);
    return c.sessionId;
  };
  await using fly = startFlyFake();
  await withFunctionEnv(FN, vendorKeys("fly"), async () => {
    const s1 = await session("vm-409");
    fly.failNext(1, ...flyErrors.capacity());
    assertEquals((await vm(owner.token, { session_id: s1, action: "start" })).status, 201, "one 409, then created");

    const s2 = await session("vm-409x2");
    fly.failNext(2, ...flyErrors.capacity());
    const busy = await vm(owner.token, { session_id: s2, action: "start" });
    assertApiError(busy, 503, "fly_unavailable");
    assertEquals(busy.headers.get("retry-after"), "30");
    assertEquals(await machineRow(s2), { machine_id: null, state: "failed", error: "fly_conflict" });

    const s3 = await session("vm-422");
    fly.failNext(1, ...flyErrors.machineLimit());
    assertApiError(await vm(owner.token, { session_id: s3, action: "start" }), 503, "fly_machine_limit");
    assertEquals((await machineRow(s3)).error, "fly_machine_limit");

    const s4 = await session("vm-429");
    fly.failNext(3, ...flyErrors.rateLimited(1));
    const limited = await vm(owner.token, { session_id: s4, action: "start" });
    assertApiError(limited, 429);
    assertEquals((await machineRow(s4)).error, "fly_rate_limited");
    // A failed start can be started again.
    assertEquals((await vm(owner.token, { session_id: s4, action: "start" })).status, 201);

    const s5 = await session("vm-never");
    fly.neverStart = true;
    assertApiError(await vm(owner.token, { session_id: s5, action: "start" }), 502, "upstream_error");
    fly.neverStart = false;
    const row = await machineRow(s5);
    assertEquals([row.state, row.error], ["failed", "fly_start_timeout"]);
    assertEquals(fly.machines.get(row.machine_id!)!.state, "destroyed", "the machine that never started is destroyed");
  });
});

Deno.test("vm: the reaper destroys the machines of finished sessions and strays, and leaves running interviews alone", async () => {
  await ready();
  const a = await liveInterview("vm-reap-a");
  const b = await liveInterview("vm-reap-b");
  await using fly = startFlyFake();
  await withFunctionEnv(FN, vendorKeys("fly"), async () => {
    const ma = machineOf(await vm(a.owner.token, { session_id: a.cand.sessionId, action: "start" }), 201).machine_id!;
    const mb = machineOf(await vm(b.owner.token, { session_id: b.cand.sessionId, action: "start" }), 201).machine_id!;
    await complete(a.cand);
    // A stray of ours whose session no longer exists (a crashed start for a deleted session).
    fly.machines.set("stray0000000001", { ...fly.machines.get(mb)!, id: "stray0000000001", config: { ...fly.machines.get(mb)!.config, metadata: { session_id: crypto.randomUUID(), managed_by: "session-vm" } } });

    assertApiError(await vm(a.owner.token, { action: "reap" }), 403, "insufficient_role");
    const reaped = await invoke(serviceClient(), FN, { action: "reap" });
    assertOk(reaped);
    assert("examined" in reaped.body, `the reaper's count, got ${JSON.stringify(reaped.body)}`);
    const destroyed = Object.fromEntries(reaped.body.destroyed.map((d) => [d.machine_id, d.reason]));
    assertEquals(destroyed[ma], "session_finished");
    assertEquals(destroyed["stray0000000001"], "session_gone");
    assert(!(mb in destroyed), "the running interview keeps its machine");
    assertEquals(fly.machines.get(ma)!.state, "destroyed");
    assertEquals(fly.machines.get(mb)!.state, "started");
    assertEquals((await machineRow(a.cand.sessionId)).state, "destroyed");
    assertEquals(reaped.body.failed, []);
  });
});

Deno.test("vm: candidates, members and other tenants are refused; bad input is 4xx", async () => {
  await ready();
  const { owner, cand } = await liveInterview("vm-who");
  await using fly = startFlyFake();
  await withFunctionEnv(FN, vendorKeys("fly"), async () => {
    const body = { session_id: cand.sessionId, action: "start" } as const;
    assertApiError(await vm(cand.token, body), 403, "insufficient_role");
    assertApiError(await vm((await member(owner, "user")).token, body), 403, "insufficient_role");
    assertApiError(await vm((await tenantOwner("vm-stranger")).token, body), 404, "session_not_found");
    for (const bad of [{}, { action: "start" }, { session_id: cand.sessionId, action: "reboot" }, { session_id: "x", action: "stop" }, { session_id: cand.sessionId, action: "stop", force: true }]) {
      assertApiError(await invokeRaw(clientFor(owner.token), FN, { body: bad }), 400, "invalid_body");
    }
    assertApiError(await invokeRaw(clientFor(owner.token), FN, { method: "GET" }), 405);
    await complete(cand);
    assertApiError(await vm(owner.token, body), 409, "session_not_joinable");
  });
  assertEquals(fly.requests.length, 0, "nothing reached Fly");
});

Deno.test("vm: an admin cannot point the session's machine row at a machine of their choosing; only session-vm writes it", async () => {
  await ready();
  const { owner, cand } = await liveInterview("vm-aim");
  const admin = await member(owner, "admin");
  const client = clientFor(admin.token);
  const inserted = await client.from("session_machines").insert({ session_id: cand.sessionId, tenant_id: owner.tenantId, machine_id: "e286d3f1c24e68", state: "started" });
  assertEquals(inserted.error?.code, "42501", "no insert");
  const updated = await client.from("session_machines").update({ machine_id: "e286d3f1c24e68" }).eq("session_id", cand.sessionId);
  assertEquals(updated.error?.code, "42501", "no update");
  assertEquals(await machineRow(cand.sessionId), undefined, "nothing recorded");
});
