//! The world the live-interview stories start from, built the way the product builds it:
//! a recruiter signs up and creates a tenant (`create_tenant`), adds a position with its
//! competencies through supabase-js (RLS as that owner), invites a candidate
//! (`create_candidate_invitation`), the candidate signs up with the invited address and
//! links the account (`link_candidate_account`), records consent
//! (`record_session_consent`) and the session starts. Plus a small client of the
//! transcript relay's WebSocket protocol, as a browser would run it.

import type { TranscriptMetrics } from "../../contract/functions.ts";
import { assert, assertEquals } from "../lib/assert.ts";
import { clientFor, createUser, functionsUrl, joinTenant, signUp, tokenFor, uniqueEmail } from "../lib/mod.ts";

export interface Owner {
  id: string;
  tenantId: string;
  token: string;
}

/** A signed-up user who created a tenant, holding a token with the tenant claims. */
export async function tenantOwner(prefix = "owner"): Promise<Owner> {
  const user = await signUp(prefix);
  const { data: tenantId, error } = await clientFor(user.token).rpc("create_tenant", {
    p_name: `${prefix} ${crypto.randomUUID().slice(0, 6)}`,
  });
  assertEquals(error, null, "create_tenant");
  return { id: user.id, tenantId: tenantId!, token: await tokenFor(user.id) };
}

/** Another member of the owner's tenant, with `role`. */
export async function member(owner: Owner, role: "admin" | "user"): Promise<{ id: string; token: string }> {
  const user = await signUp(role);
  await joinTenant(owner.token, user, role);
  return { id: user.id, token: await tokenFor(user.id) };
}

export interface Position {
  id: string;
  competencies: { id: string; name: string }[];
}

export const COMPETENCIES = [
  { name: "Rust", description: "Writes and reasons about production Rust services.", weight: 40, required_level: 4 },
  { name: "System design", description: "Designs reliable, idempotent distributed systems.", weight: 35, required_level: 4 },
  { name: "Incident response", description: "Handles production failures and learns from them.", weight: 25, required_level: 3 },
];

/** A published position of the owner's tenant with the three competencies above. */
export async function position(owner: Owner): Promise<Position> {
  const db = clientFor(owner.token);
  const { data: pos, error } = await db.from("positions").insert({
    tenant_id: owner.tenantId,
    title: "Senior Backend Engineer",
    description: "Own the billing platform: Rust services on Postgres.",
    requirements: ["5+ years of backend engineering", "Production Rust"],
    responsibilities: ["Design and run the billing service"],
    seniority: "senior",
    status: "published",
  }).select("id").single();
  assertEquals(error, null, "insert position");
  const competencies = [];
  for (const c of COMPETENCIES) {
    const { data: comp, error: e1 } = await db.from("competencies").insert({
      tenant_id: owner.tenantId,
      name: `${c.name} ${crypto.randomUUID().slice(0, 4)}`,
      description: c.description,
      category: "technical",
    }).select("id, name").single();
    assertEquals(e1, null, "insert competency");
    const { error: e2 } = await db.from("position_competencies").insert({
      tenant_id: owner.tenantId,
      position_id: pos!.id,
      competency_id: comp!.id,
      weight: c.weight,
      required_level: c.required_level,
    });
    assertEquals(e2, null, "insert position competency");
    competencies.push(comp!);
  }
  return { id: pos!.id, competencies };
}

export interface Candidate {
  id: string;
  email: string;
  token: string;
  candidateId: string;
  sessionId: string;
}

/** A candidate invited to `pos`, signed up with the invited address and linked. */
export async function candidate(owner: Owner, pos: Position, prefix = "cand"): Promise<Candidate> {
  const email = uniqueEmail(prefix);
  const { data, error } = await clientFor(owner.token).rpc("create_candidate_invitation", {
    p_tenant_id: owner.tenantId,
    p_candidate_email: email,
    p_position_id: pos.id,
  });
  assertEquals(error, null, "create_candidate_invitation");
  // jsonb: the Database type says Json; its shape is the SQL function's (docs/DEVELOPING.md).
  const inv = data as { token: string; candidate_id: string; session_id: string };
  const user = await createUser(email);
  const { error: e2 } = await clientFor(await tokenFor(user.id)).rpc("link_candidate_account", { p_token: inv.token });
  assertEquals(e2, null, "link_candidate_account");
  // As after a token refresh: the hook now says is_candidate.
  return { id: user.id, email, token: await tokenFor(user.id), candidateId: inv.candidate_id, sessionId: inv.session_id };
}

/** The candidate records consent (and, with `aiOptOut`, opts out of the AI interviewer). */
export async function consent(c: Candidate, aiOptOut = false): Promise<void> {
  const { error } = await clientFor(c.token).rpc("record_session_consent", {
    p_session_id: c.sessionId,
    p_consent: true,
    p_ai_opt_out: aiOptOut,
  });
  assertEquals(error, null, "record_session_consent");
}

/** The candidate starts their (consented) interview, as the frontend does after joining. */
export async function start(c: Candidate): Promise<void> {
  const { error } = await clientFor(c.token).from("interview_sessions").update({ status: "in_progress" }).eq("id", c.sessionId);
  assertEquals(error, null, "start the session");
}

/** The candidate completes it. */
export async function complete(c: Candidate): Promise<void> {
  const { error } = await clientFor(c.token).from("interview_sessions").update({ status: "completed" }).eq("id", c.sessionId);
  assertEquals(error, null, "complete the session");
}

/** A whole world: owner, position, a consented candidate whose session is in progress. */
export async function liveInterview(prefix = "live") {
  const owner = await tenantOwner(`owner-${prefix}`);
  const pos = await position(owner);
  const cand = await candidate(owner, pos, prefix);
  await consent(cand);
  await start(cand);
  return { owner, pos, cand };
}

// ---------------------------------------------------------------------------------------
// The relay's WebSocket, as a browser runs it

export type Json = Record<string, unknown>;

/** The recorded interview: Realtime GA server events, one per line, as a browser received them. */
export async function recordedEvents(): Promise<Json[]> {
  const text = await Deno.readTextFile(new URL("../fixtures/interview/recorded-events.jsonl", import.meta.url));
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

export async function expectedMetrics(): Promise<{ metrics: TranscriptMetrics }> {
  return JSON.parse(await Deno.readTextFile(new URL("../fixtures/interview/expected-metrics.json", import.meta.url)));
}

export const STORED_TYPES = new Set([
  "conversation.item.input_audio_transcription.completed",
  "response.output_audio_transcript.done",
  "input_audio_buffer.speech_started",
  "input_audio_buffer.speech_stopped",
  "input_audio_buffer.committed",
  "conversation.item.added",
  "conversation.item.done",
]);
export const TRANSCRIPT_TYPES = new Set([
  "conversation.item.input_audio_transcription.completed",
  "response.output_audio_transcript.done",
]);

export const relayUrl = (sessionId: string, query = "") =>
  `${functionsUrl.replace(/^http/, "ws")}/transcript-relay?session_id=${sessionId}${query}`;

/** One socket of the relay: what it said, in order, and how it ended. */
export class RelaySocket {
  readonly messages: Json[] = [];
  readonly closed: Promise<CloseEvent>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => (ws.onclose = (e) => {
      resolve(e);
      this.wake();
    }));
    ws.onmessage = (e) => {
      this.messages.push(JSON.parse(String(e.data)));
      this.wake();
    };
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Open a socket with the token as `jwt-<token>` (or, `via: "query"`, as ?access_token=). */
  static open(token: string, sessionId: string, via: "protocol" | "query" = "protocol"): RelaySocket {
    const ws = via === "protocol"
      ? new WebSocket(relayUrl(sessionId), [`jwt-${token}`])
      : new WebSocket(relayUrl(sessionId, `&access_token=${encodeURIComponent(token)}`));
    return new RelaySocket(ws);
  }

  /** Resolves when `done()` holds, or fails after `ms`. */
  async until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for the server's first word: `ready`, or an error and a close. */
  async opened(): Promise<Json> {
    await this.until(() => this.messages.length > 0, "the socket's first message");
    return this.messages[0];
  }

  send(data: Json | Json[]): void {
    this.ws.send(JSON.stringify(data));
  }

  acks(): Json[] {
    return this.messages.filter((m) => m.type === "ack");
  }

  close(): Promise<CloseEvent> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

/** A socket that must be refused: its close code and reason, and the error it said. */
export async function refused(token: string, sessionId: string): Promise<{ code: number; reason: string; said: Json }> {
  const s = RelaySocket.open(token, sessionId);
  const said = await s.opened();
  const e = await s.closed;
  assert(said.type === "error", `expected an error, got ${JSON.stringify(said)}`);
  return { code: e.code, reason: e.reason, said };
}
