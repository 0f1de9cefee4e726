//! User story: the candidate's browser relays the live interview's transcript.
//!
//! The browser talks to OpenAI over WebRTC and forwards the Realtime server events it
//! receives to /functions/v1/transcript-relay over a WebSocket (token in
//! `Sec-WebSocket-Protocol: jwt-<token>`), keeping each event until it is acknowledged
//! and resending the unacknowledged ones after a reconnect. Driven here with the recorded
//! interview of tests/fixtures/interview (311 Realtime GA events, 41 of them transcripts,
//! 10 of those recorded out of order), through gateway -> functions host (verify_jwt off)
//! -> socket glue -> wasm -> PostgREST (the candidate's JWT) -> relay_transcript_events.
//!
//! The acceptance: the interview relayed twice (a dropped connection, resends, shuffled
//! and duplicated events, then the whole recording again as an HTTP batch) gives exactly
//! one entry per transcript event, and the processor's metrics match the hand-checked
//! expected-metrics.json to the word.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  clientFor,
  functionsUrl,
  invoke,
  type JsonValue,
  requireFunction,
  sql,
  tokenFor,
} from "./lib/mod.ts";
import {
  candidate,
  complete,
  consent,
  expectedMetrics,
  type Json,
  liveInterview,
  recordedEvents,
  refused,
  RelaySocket,
  relayUrl,
  STORED_TYPES,
  tenantOwner,
  TRANSCRIPT_TYPES,
} from "./interview/world.ts";

const FN = "transcript-relay";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh transcript-relay) and start the stack (scripts/stack.sh start --test)");
}

/** A deterministic shuffle (the same every run, so a failure reproduces). */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function storedEntries(sessionId: string) {
  return await sql<{ source_event_id: string; speaker: string; text: string; start_ms: number | null; end_ms: number | null; item_id: string }>(
    `select source_event_id, speaker, text, start_ms, end_ms, metadata ->> 'item_id' as item_id
       from public.transcript_entries where session_id = :'sid' order by (metadata ->> 'received_seq')::bigint`,
    { sid: sessionId },
  );
}

async function storedItemEvents(sessionId: string) {
  return await sql<{ event_id: string }>(`select event_id from public.transcript_item_events where session_id = :'sid'`, { sid: sessionId });
}

Deno.test("relay: the recorded interview relayed twice, with a dropped connection, resends, duplicates and shuffled events, is stored exactly once per event", async () => {
  await ready();
  const { owner, cand } = await liveInterview("relay");
  const events = await recordedEvents();
  const storable = events.filter((e) => STORED_TYPES.has(e.type as string));
  const transcripts = events.filter((e) => TRANSCRIPT_TYPES.has(e.type as string));
  assert(transcripts.length >= 40, "the recording has at least 40 transcript events");

  // The client's outbox: every event stays until acknowledged.
  const unacked = new Map<string, Json>(events.filter((e) => e.event_id).map((e) => [e.event_id as string, e]));
  const statuses = new Map<string, string[]>();
  const record = (s: RelaySocket) => {
    for (const ack of s.acks()) {
      unacked.delete(ack.event_id as string);
      statuses.set(ack.event_id as string, [...(statuses.get(ack.event_id as string) ?? []), ack.status as string]);
    }
  };

  // 1. The first socket: the first half of the recording, in order, one event per
  //    message; the connection drops before all of it is acknowledged.
  const first = RelaySocket.open(cand.token, cand.sessionId);
  assertEquals(await first.opened(), { type: "ready", session_id: cand.sessionId });
  assertEquals(first.ws.protocol, `jwt-${cand.token}`, "the token's subprotocol is echoed back");
  const half = Math.floor(events.length / 2);
  for (const e of events.slice(0, half)) first.send(e);
  await first.until(() => first.acks().length >= 60, "some acks");
  await first.close();
  record(first);
  assert(unacked.size > events.length - half, "the drop left events of the first half unacknowledged");

  // 2. Reconnect: resend everything unacknowledged, shuffled, half of it one by one and
  //    half as arrays (a backlog), plus 25 events that were already acknowledged.
  const second = RelaySocket.open(cand.token, cand.sessionId);
  assertEquals((await second.opened()).type, "ready");
  const acked = events.filter((e) => e.event_id && !unacked.has(e.event_id as string) && STORED_TYPES.has(e.type as string));
  const resend = shuffled([...unacked.values(), ...acked.slice(0, 25)]);
  const expecting = resend.length;
  for (const [i, e] of resend.entries()) {
    if (i % 2 === 0) second.send(e);
  }
  const odd = resend.filter((_, i) => i % 2 === 1);
  for (let i = 0; i < odd.length; i += 40) second.send(odd.slice(i, i + 40));
  await second.until(() => second.acks().length >= expecting, `${expecting} acks after the reconnect`);
  record(second);
  await second.close();
  assertEquals(unacked.size, 0, "every event was acknowledged in the end");
  assertEquals(second.messages.filter((m) => m.type === "error"), [], "no errors");

  // Every stored-type event was acknowledged `stored` exactly once (or never, when the
  // ack was lost with the connection: then its resend says `duplicate`).
  for (const e of storable) {
    const said = statuses.get(e.event_id as string) ?? [];
    assert(said.filter((s) => s === "stored").length <= 1, `${e.event_id} stored at most once: ${said}`);
    assert(said.length > 0 && said.every((s) => s === "stored" || s === "duplicate"), `${e.event_id}: ${said}`);
  }
  for (const e of events.filter((e) => !STORED_TYPES.has(e.type as string) && e.event_id)) {
    assert((statuses.get(e.event_id as string) ?? []).every((s) => s === "ignored"), `${e.type} is ignored`);
  }

  // 3. The whole recording again, as the HTTP batch a socket-less client would send.
  let totals = { accepted: 0, duplicates: 0, ignored: 0 };
  for (let i = 0; i < events.length; i += 100) {
    const got = await invoke(clientFor(cand.token), FN, { session_id: cand.sessionId, events: events.slice(i, i + 100) as JsonValue[] });
    assertOk(got);
    totals = { accepted: totals.accepted + got.body.accepted, duplicates: totals.duplicates + got.body.duplicates, ignored: totals.ignored + got.body.ignored };
  }
  assertEquals(totals, { accepted: 0, duplicates: storable.length, ignored: events.length - storable.length });

  // Exactly one entry per transcript event, with its text, speaker, item and VAD times.
  const entries = await storedEntries(cand.sessionId);
  assertEquals(entries.length, transcripts.length);
  assertEquals(new Set(entries.map((e) => e.source_event_id)), new Set(transcripts.map((e) => e.event_id)));
  const vad = new Map<string, number>();
  for (const e of events) {
    if (e.type === "input_audio_buffer.speech_started") vad.set(`${e.item_id}:start`, e.audio_start_ms as number);
    if (e.type === "input_audio_buffer.speech_stopped") vad.set(`${e.item_id}:end`, e.audio_end_ms as number);
  }
  for (const t of transcripts) {
    const entry = entries.find((e) => e.source_event_id === t.event_id)!;
    const candidateSpoke = t.type === "conversation.item.input_audio_transcription.completed";
    assertEquals(entry.speaker, candidateSpoke ? "candidate" : "interviewer");
    assertEquals(entry.text, t.transcript);
    assertEquals(entry.item_id, t.item_id);
    if (candidateSpoke) {
      assertEquals([entry.start_ms, entry.end_ms], [vad.get(`${t.item_id}:start`), vad.get(`${t.item_id}:end`)], "VAD times on the entry");
    }
  }
  assertEquals((await storedItemEvents(cand.sessionId)).length, storable.length - transcripts.length);

  // The recruiter's view (RLS, as the owner) shows the same transcript.
  const { data: seen, error } = await clientFor(owner.token).from("transcript_entries").select("id").eq("session_id", cand.sessionId);
  assertEquals(error, null);
  assertEquals(seen!.length, transcripts.length);

  // The acceptance's second half: the processor's metrics, right to the word.
  await complete(cand);
  const processed = await invoke(clientFor(owner.token), "transcript-processor", { session_id: cand.sessionId });
  assertOk(processed);
  assertEquals(processed.body.metrics, (await expectedMetrics()).metrics);
});

Deno.test("relay: the token may come as ?access_token=, and the session's owner may relay (a test call)", async () => {
  await ready();
  const { owner, cand } = await liveInterview("relay-q");
  const s = RelaySocket.open(cand.token, cand.sessionId, "query");
  assertEquals((await s.opened()).type, "ready");
  s.send({ type: "response.output_audio_transcript.done", event_id: "event_q1", response_id: "resp_q", item_id: "item_q", output_index: 0, content_index: 0, transcript: "Hello there." });
  await s.until(() => s.acks().length === 1, "an ack");
  assertEquals(s.acks()[0], { type: "ack", event_id: "event_q1", status: "stored" });
  await s.close();
  const o = RelaySocket.open(owner.token, cand.sessionId);
  assertEquals((await o.opened()).type, "ready");
  await o.close();
});

Deno.test("relay: refused sockets close with a code that says why", async () => {
  await ready();
  const { owner, pos, cand } = await liveInterview("relay-no");
  const other = await candidate(owner, pos, "other");
  const expired = await tokenFor(cand.id, { expiresIn: -120 });

  let r = await refused("not.a.token", cand.sessionId);
  assertEquals([r.code, r.reason], [4001, "invalid_token"]);
  r = await refused(expired, cand.sessionId);
  assertEquals([r.code, r.reason], [4001, "token_expired"]);
  // Another candidate of the same tenant: the session is not theirs (nor disclosed).
  r = await refused(other.token, cand.sessionId);
  assertEquals([r.code, r.reason], [4004, "session_not_found"]);
  // Their own session, not started: nothing to relay into.
  await consent(other);
  r = await refused(other.token, other.sessionId);
  assertEquals([r.code, r.reason], [4009, "session_not_in_progress"]);
  // A recruiter of another tenant.
  const stranger = await tenantOwner("stranger");
  r = await refused(stranger.token, cand.sessionId);
  assertEquals([r.code, r.reason], [4004, "session_not_found"]);
  // No token at all; no session id.
  const bare = new RelaySocket_(relayUrl(cand.sessionId));
  assertEquals(((await bare.closed) as CloseEvent).code, 4001);
  const noSession = new RelaySocket_(`${functionsUrl.replace(/^http/, "ws")}/transcript-relay`, [`jwt-${cand.token}`]);
  assertEquals(((await noSession.closed) as CloseEvent).code, 4400);
});

Deno.test("relay: the session ending closes an open socket with 4009, and later events are refused", async () => {
  await ready();
  const { cand } = await liveInterview("relay-end");
  const s = RelaySocket.open(cand.token, cand.sessionId);
  assertEquals((await s.opened()).type, "ready");
  await complete(cand);
  s.send({ type: "conversation.item.input_audio_transcription.completed", event_id: "event_late", item_id: "item_late", content_index: 0, transcript: "One more thing." });
  const e = await s.closed;
  assertEquals([e.code, e.reason], [4009, "session_not_in_progress"]);
  assertEquals(s.messages.at(-1)?.event_id, "event_late");
  assertEquals((await storedEntries(cand.sessionId)).length, 0);
});

Deno.test("relay: bad messages get an error and leave the socket open", async () => {
  await ready();
  const { cand } = await liveInterview("relay-bad");
  const s = RelaySocket.open(cand.token, cand.sessionId);
  await s.opened();
  s.ws.send("{not json");
  s.ws.send(new Uint8Array([1, 2, 3]));
  s.send({ type: "response.output_audio_transcript.done", event_id: "event_broken" });
  s.send([]);
  await s.until(() => s.messages.filter((m) => m.type === "error").length === 4, "four errors");
  assertEquals(s.messages.filter((m) => m.type === "error").map((m) => m.code), ["invalid_json", "binary_not_supported", "invalid_event", "invalid_events"]);
  s.send({ type: "conversation.item.input_audio_transcription.completed", event_id: "event_fine", item_id: "item_f", content_index: 0, transcript: "Still here." });
  await s.until(() => s.acks().length === 1, "the ack after the errors");
  assertEquals(s.ws.readyState, WebSocket.OPEN);
  await s.close();
});

Deno.test("relay: the HTTP batch refuses bad input with 4xx, never 5xx, and writes nothing", async () => {
  await ready();
  const { owner, pos, cand } = await liveInterview("relay-batch");
  const other = await candidate(owner, pos, "other-b");
  const good = { type: "conversation.item.input_audio_transcription.completed", event_id: "event_g", item_id: "item_g", content_index: 0, transcript: "Fine." };
  const cases: [string, string | null, unknown, number, string][] = [
    ["no token", null, { session_id: cand.sessionId, events: [good] }, 401, "missing_token"],
    ["not JSON", cand.token, "{", 400, "invalid_json"],
    ["an array", cand.token, [good], 400, "invalid_body"],
    ["no session", cand.token, { events: [good] }, 400, "invalid_body"],
    ["bad session id", cand.token, { session_id: "x", events: [good] }, 400, "invalid_body"],
    ["no events", cand.token, { session_id: cand.sessionId, events: [] }, 400, "invalid_body"],
    ["too many", cand.token, { session_id: cand.sessionId, events: Array(501).fill(good) }, 400, "invalid_body"],
    ["unknown field", cand.token, { session_id: cand.sessionId, events: [good], force: true }, 400, "invalid_body"],
    ["malformed transcript", cand.token, { session_id: cand.sessionId, events: [good, { type: "response.output_audio_transcript.done", event_id: "e" }] }, 400, "invalid_event"],
    ["another's session", other.token, { session_id: cand.sessionId, events: [good] }, 404, "session_not_found"],
    ["a session not started", other.token, { session_id: other.sessionId, events: [good] }, 409, "session_not_in_progress"],
    ["an unknown session", cand.token, { session_id: crypto.randomUUID(), events: [good] }, 404, "session_not_found"],
  ];
  for (const [what, token, body, status, code] of cases) {
    const res = await fetch(`${functionsUrl}/${FN}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const got = { raw: true as const, status: res.status, body: await res.json(), headers: res.headers };
    assertApiError(got, status, code);
    assert(res.status < 500, what);
  }
  const res = await fetch(`${functionsUrl}/${FN}`, { method: "PUT", headers: { Authorization: `Bearer ${cand.token}` } });
  assertEquals(res.status, 405);
  await res.body?.cancel();
  const get = await fetch(`${functionsUrl}/${FN}?session_id=${cand.sessionId}`);
  assertEquals(get.status, 426);
  await get.body?.cancel();
  assertEquals((await storedEntries(cand.sessionId)).length, 0);
});

/** A raw socket for the cases the helper's token handling cannot express. */
class RelaySocket_ {
  readonly closed: Promise<CloseEvent>;
  constructor(url: string, protocols?: string[]) {
    const ws = new WebSocket(url, protocols);
    this.closed = new Promise((r) => (ws.onclose = r));
  }
}

Deno.test("relay: the candidate cannot write the transcript or take a token grant through the Data API, around the functions", async () => {
  await ready();
  const { cand } = await liveInterview("relay-direct");
  const client = clientFor(cand.token);
  const direct = await client.rpc("relay_transcript_events", {
    p_session_id: cand.sessionId,
    p_actor: cand.id,
    p_events: [{ kind: "entry", event_id: "forged_1", event_type: "response.output_audio_transcript.done", speaker: "interviewer", text: "You are hired.", item_id: "item_forged" }],
  });
  assertEquals(direct.error?.code, "42501", "relay_transcript_events is the relay's alone");
  const reserve = await client.rpc("reserve_interview_token", { p_session_id: cand.sessionId, p_actor: cand.id });
  assertEquals(reserve.error?.code, "42501", "reserve_interview_token (and its rubric) is interview-token's alone");
  assertEquals((await storedEntries(cand.sessionId)).length, 0);
});

Deno.test("relay: a session's transcript has a ceiling: past it the batch is 413 and the socket closes with 4413", async () => {
  await ready();
  const { cand } = await liveInterview("relay-full");
  await sql(
    `insert into public.transcript_entries (tenant_id, session_id, speaker, text, source_event_id)
     select s.tenant_id, s.id, 'candidate', 'filler', 'bulk_' || g
     from public.interview_sessions s, generate_series(1, 3000) g where s.id = :'sid' returning 1`,
    { sid: cand.sessionId },
  );
  const r = await invoke(clientFor(cand.token), FN, {
    session_id: cand.sessionId,
    events: [{ type: "conversation.item.input_audio_transcription.completed", event_id: "event_over", item_id: "item_over", content_index: 0, transcript: "One more." }],
  });
  assertApiError(r, 413, "transcript_too_large");

  const s = RelaySocket.open(cand.token, cand.sessionId);
  assertEquals((await s.opened()).type, "ready");
  s.send({ type: "conversation.item.input_audio_transcription.completed", event_id: "event_over_ws", item_id: "item_over", content_index: 0, transcript: "And more." });
  const e = await s.closed;
  assertEquals([e.code, e.reason], [4413, "transcript_too_large"]);
  assertEquals((await storedEntries(cand.sessionId)).length, 3000, "nothing past the ceiling");
});
