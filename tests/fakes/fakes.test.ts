//! The vendor contract fakes hold the vendors' published contracts, which each fake's
//! header lists with its sources (a wrong auth header is a 401 in the vendor's shape, a
//! non-strict schema a 400, the documented flows work), can be scripted and told to fail,
//! and a test can switch one function's vendor keys on and off (`withFunctionEnv`) without
//! the gateway ever reaching the host's control endpoint.
//! Needs `scripts/stack.sh start --test` (the echo fixture, fakes.env, test mode).

import { assert, assertEquals } from "../lib/assert.ts";
import { config, functionEnv, functionsHostUrl, functionsUrl, requireFunction, requireStack, withFunctionEnv } from "../lib/mod.ts";
import { sign } from "../../local/jwt.ts";
import {
  chat,
  exampleOf,
  FAKE_FLY_APP,
  FAKE_KEYS,
  flyErrors,
  pdfco,
  pdlErrors,
  startFlyFake,
  startOpenAiFake,
  startPdfCoFake,
  startPdlFake,
  startVideoSdkFake,
  strictSchemaProblem,
  vendorKeys,
} from "./mod.ts";

const FIXTURES_HINT = "start the stack with `scripts/stack.sh start --test`";

async function post(url: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch { /* keep text */ }
  // deno-lint-ignore no-explicit-any
  return { status: res.status, headers: res.headers, body: json as any };
}

async function get(url: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await fetch(url, { method, headers });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch { /* keep text */ }
  // deno-lint-ignore no-explicit-any
  return { status: res.status, headers: res.headers, body: json as any };
}

const golden = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/openai-strict-schema.json", import.meta.url)),
);

function completionBody(jsonSchema: unknown, extra: Record<string, unknown> = {}) {
  return {
    model: "gpt-4.1-mini",
    messages: [{ role: "system", content: "Extract the resume." }, { role: "user", content: "Ada Lovelace, engineer" }],
    response_format: { type: "json_schema", json_schema: jsonSchema },
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------
// OpenAI

Deno.test("openai fake: the auth header must be exactly Bearer <test key>", async () => {
  await using fake = startOpenAiFake();
  const url = `${fake.url}/v1/chat/completions`;
  const none = await post(url, {}, completionBody(golden));
  assertEquals(none.status, 401);
  assertEquals(none.body.error.type, "invalid_request_error");
  const wrong = await post(url, { authorization: "Bearer sk-live-not-this-one" }, completionBody(golden));
  assertEquals([wrong.status, wrong.body.error.code], [401, "invalid_api_key"]);
  assert(!JSON.stringify(wrong.body).includes("sk-live-not-this-one"), "the key is masked in the message");
  const noScheme = await post(url, { authorization: FAKE_KEYS.openai }, completionBody(golden));
  assertEquals(noScheme.status, 401);
  const ok = await post(url, { authorization: `Bearer ${FAKE_KEYS.openai}` }, completionBody(golden));
  assertEquals(ok.status, 200, JSON.stringify(ok.body));
  assertEquals(fake.chatCalls().length, 1, "only the authorised call reached the handler");
});

Deno.test("openai fake: accepts the Rust client's strict schema and answers a canned valid instance", async () => {
  await using fake = startOpenAiFake();
  assertEquals(strictSchemaProblem(golden.schema), null);
  const res = await post(`${fake.url}/v1/chat/completions`, { authorization: `Bearer ${FAKE_KEYS.openai}` }, completionBody(golden));
  assertEquals(res.status, 200);
  assertEquals(res.body.object, "chat.completion");
  const choice = res.body.choices[0];
  assertEquals([choice.finish_reason, choice.message.refusal], ["stop", null]);
  const value = JSON.parse(choice.message.content);
  assertEquals(Object.keys(value).sort(), [...golden.schema.required].sort());
  assertEquals(value, exampleOf(golden.schema, golden.schema));
  assert(res.body.usage.total_tokens > 0, "usage reported");
  assertEquals(fake.chatCalls()[0].schemaName, "resume");
});

Deno.test("openai fake: a schema strict mode would refuse is a 400 invalid_request_error", async () => {
  await using fake = startOpenAiFake();
  const auth = { authorization: `Bearer ${FAKE_KEYS.openai}` };
  const schema = structuredClone(golden.schema);
  const cases: [string, unknown, Record<string, unknown>?][] = [
    ["strict false", { ...golden, strict: false }],
    ["no additionalProperties:false", { ...golden, schema: { ...schema, additionalProperties: true } }],
    ["a property not required", { ...golden, schema: { ...schema, required: schema.required.slice(1) } }],
    ["root anyOf", { ...golden, schema: { anyOf: [schema] } }],
    ["allOf", { ...golden, schema: { ...schema, properties: { ...schema.properties, x: { allOf: [{ type: "string" }] } }, required: [...schema.required, "x"] } }],
    ["format uint32", { ...golden, schema: { ...schema, properties: { ...schema.properties, years: { type: "integer", format: "uint32" } } } }],
    ["$ref outside $defs", { ...golden, schema: { ...schema, properties: { ...schema.properties, years: { $ref: "#/definitions/x" } } } }],
    ["a bad name", { ...golden, name: "has spaces" }],
    ["json_object", golden, { response_format: { type: "json_object" } }],
  ];
  for (const [what, jsonSchema, extra] of cases) {
    const res = await post(`${fake.url}/v1/chat/completions`, auth, completionBody(jsonSchema, extra));
    assertEquals(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assertEquals(res.body.error.type, "invalid_request_error", what);
  }
  assertEquals(fake.chatCalls().length, 0, "no refused request counts as a call");
});

Deno.test("openai fake: scripted refusal, truncation, rate limit with Retry-After, quota, 5xx, computed answers", async () => {
  await using fake = startOpenAiFake();
  const auth = { authorization: `Bearer ${FAKE_KEYS.openai}` };
  const url = `${fake.url}/v1/chat/completions`;
  fake.queue(chat.refusal("No."), chat.truncated({ full_name: "Ada Lovelace", skills: ["rust"] }), chat.rateLimited(2), chat.quota(), chat.serverError(503));
  const refusal = await post(url, auth, completionBody(golden));
  assertEquals([refusal.status, refusal.body.choices[0].message.refusal, refusal.body.choices[0].message.content], [200, "No.", null]);
  const cut = await post(url, auth, completionBody(golden));
  assertEquals(cut.body.choices[0].finish_reason, "length");
  let parsed = true;
  try {
    JSON.parse(cut.body.choices[0].message.content);
  } catch {
    parsed = false;
  }
  assertEquals(parsed, false, "truncated output is not valid JSON");
  const limited = await post(url, auth, completionBody(golden));
  assertEquals([limited.status, limited.body.error.code, limited.headers.get("retry-after")], [429, "rate_limit_exceeded", "2"]);
  const quota = await post(url, auth, completionBody(golden));
  assertEquals([quota.status, quota.body.error.code, quota.headers.get("retry-after")], [429, "insufficient_quota", null]);
  const down = await post(url, auth, completionBody(golden));
  assertEquals([down.status, down.body.error.type], [503, "server_error"]);

  fake.onChat((call) => chat.json({ ...exampleOf(call.schema, call.schema) as object, full_name: call.messages[1].content.split(",")[0] }));
  const computed = await post(url, auth, completionBody(golden));
  assertEquals(JSON.parse(computed.body.choices[0].message.content).full_name, "Ada Lovelace");
});

Deno.test("openai fake: GA client_secrets shape, and the beta sessions path is refused", async () => {
  await using fake = startOpenAiFake();
  const auth = { authorization: `Bearer ${FAKE_KEYS.openai}` };
  const ga = {
    expires_after: { anchor: "created_at", seconds: 120 },
    session: {
      type: "realtime",
      model: "gpt-realtime",
      instructions: "Interview the candidate.",
      audio: { input: { transcription: { model: "gpt-4o-mini-transcribe" }, turn_detection: { type: "server_vad" } }, output: { voice: "marin" } },
    },
  };
  const ok = await post(`${fake.url}/v1/realtime/client_secrets`, auth, ga);
  assertEquals(ok.status, 200, JSON.stringify(ok.body));
  assert(String(ok.body.value).startsWith("ek_"));
  assert(ok.body.expires_at >= Math.floor(Date.now() / 1000) + 119);
  assertEquals(ok.body.session.model, "gpt-realtime");
  assertEquals(fake.clientSecrets.length, 1);

  const tooLong = await post(`${fake.url}/v1/realtime/client_secrets`, auth, { ...ga, expires_after: { anchor: "created_at", seconds: 9000 } });
  assertEquals(tooLong.status, 400);
  const betaShape = await post(`${fake.url}/v1/realtime/client_secrets`, auth, { model: "gpt-realtime", voice: "alloy", modalities: ["audio"] });
  assertEquals([betaShape.status, betaShape.body.error.code], [400, "unknown_parameter"]);
  const beta = await post(`${fake.url}/v1/realtime/sessions`, { ...auth, "openai-beta": "realtime=v1" }, { model: "gpt-realtime" });
  assertEquals([beta.status, beta.body.error.code, beta.body.error.type], [400, "beta_api_shape_disabled", "invalid_request_error"]);
  const noKey = await post(`${fake.url}/v1/realtime/client_secrets`, {}, ga);
  assertEquals(noKey.status, 401);
});

Deno.test("fakes: failNext fails exactly the next n calls, whatever they are, then reset clears", async () => {
  await using fake = startOpenAiFake();
  const auth = { authorization: `Bearer ${FAKE_KEYS.openai}` };
  const url = `${fake.url}/v1/chat/completions`;
  fake.failNext(2, 503, { error: { message: "overloaded", type: "server_error", param: null, code: null } }, { "retry-after": "1" });
  assertEquals(fake.pendingFailures(), 2);
  const first = await post(url, {}, completionBody(golden)); // even without auth: an outage
  const second = await post(url, auth, completionBody(golden));
  const third = await post(url, auth, completionBody(golden));
  assertEquals([first.status, second.status, third.status], [503, 503, 200]);
  assertEquals(second.headers.get("retry-after"), "1");
  assertEquals(second.body.error.message, "overloaded");
  assertEquals(fake.requests.length, 3, "every call recorded");
  assertEquals(fake.requests[1].headers.authorization, `Bearer ${FAKE_KEYS.openai}`);
  fake.failNext(1, 500);
  fake.queue(chat.refusal());
  fake.reset();
  assertEquals([fake.requests.length, fake.pendingFailures(), fake.chatCalls().length], [0, 0, 0]);
  const after = await post(url, auth, completionBody(golden));
  assertEquals([after.status, after.body.choices[0].message.refusal], [200, null], "failures and scripts cleared");
});

// ---------------------------------------------------------------------------------------
// PDF.co

Deno.test("pdfco fake: x-api-key, presigned upload it serves itself, convert/to/text and its error codes", async () => {
  await using fake = startPdfCoFake();
  const key = { "x-api-key": FAKE_KEYS.pdfco };
  const presign = `${fake.url}/v1/file/upload/get-presigned-url?name=resume.pdf&contenttype=application/pdf`;
  const denied = await get(presign, { "x-api-key": "wrong" });
  assertEquals([denied.status, denied.body.error, denied.body.status], [401, true, 401]);
  const bearer = await get(presign, { authorization: `Bearer ${FAKE_KEYS.pdfco}` });
  assertEquals(bearer.status, 401, "the key goes in x-api-key, not Authorization");

  const p = await get(presign, key);
  assertEquals([p.status, p.body.error], [200, false]);
  const pdf = new TextEncoder().encode("%PDF-1.7 fake bytes");
  const wrongType = await fetch(p.body.presignedUrl, { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: pdf });
  await wrongType.body?.cancel();
  assertEquals(wrongType.status, 403, "Content-Type must match the presigned contenttype");
  const put = await fetch(p.body.presignedUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body: pdf });
  await put.body?.cancel();
  assertEquals(put.status, 200);
  assertEquals([...fake.uploads.values()][0].bytes, pdf);

  fake.setText("Ada Lovelace\nAnalytical Engine");
  const convert = `${fake.url}/v1/pdf/convert/to/text`;
  const text = await post(convert, key, { url: p.body.url, inline: true, async: false });
  assertEquals([text.status, text.body.error, text.body.body, text.body.pageCount], [200, false, "Ada Lovelace\nAnalytical Engine", 1]);
  const unknown = await post(convert, key, { url: "https://elsewhere.example/x.pdf", inline: true, async: false });
  assertEquals([unknown.status, unknown.body.error], [400, true]);

  fake.queue(pdfco.error(441), pdfco.error(442, undefined, { inBody: true }), pdfco.error(445), pdfco.error(402));
  const codes = [];
  for (let i = 0; i < 4; i++) {
    const r = await post(convert, key, { url: p.body.url, inline: true, async: false });
    codes.push([r.status, r.body.error, r.body.status]);
  }
  assertEquals(codes, [[441, true, 441], [200, true, 442], [445, true, 445], [402, true, 402]]);
  fake.failNext(1, 429, { error: true, status: 429, message: "Too many requests" }, { "retry-after": "1" });
  const limited = await post(convert, key, { url: p.body.url, inline: true, async: false });
  assertEquals([limited.status, limited.headers.get("retry-after")], [429, "1"]);
});

// ---------------------------------------------------------------------------------------
// People Data Labs

Deno.test("pdl fake: X-Api-Key, 200 with likelihood, 404 not_found, minimum inputs, 402 and 429 with rate-limit headers", async () => {
  await using fake = startPdlFake();
  fake.addPerson({ email: "ada@example.com", likelihood: 8, data: { id: "pdl-ada", full_name: "ada lovelace", skills: ["rust"] } });
  const enrich = (q: string, headers: Record<string, string> = { "X-Api-Key": FAKE_KEYS.pdl }) => get(`${fake.url}/v5/person/enrich?${q}`, headers);
  const denied = await enrich("email=ada%40example.com", { "X-Api-Key": "nope" });
  assertEquals([denied.status, denied.body.error.type], [401, "authentication_error"]);

  const hit = await enrich("email=ada%40example.com&min_likelihood=6&include_if_matched=true");
  assertEquals([hit.status, hit.body.status, hit.body.likelihood, hit.body.data.id, hit.body.matched], [200, 200, 8, "pdl-ada", ["email"]]);
  assertEquals(hit.body.data.github_url, null, "absent fields are null");
  assertEquals(hit.headers.get("x-call-credits-spent"), "1");
  assert(hit.headers.get("x-ratelimit-remaining"), "rate-limit headers");

  const below = await enrich("email=ada%40example.com&min_likelihood=9");
  assertEquals([below.status, below.body.error.type], [404, "not_found"]);
  const nobody = await enrich("email=nobody%40example.com");
  assertEquals([nobody.status, nobody.body.error.message, nobody.headers.get("x-call-credits-spent")], [404, "No records were found matching your request", "0"]);
  const weak = await enrich("name=Ada%20Lovelace");
  assertEquals([weak.status, weak.body.error.type], [400, "invalid_request_error"]);
  const anchored = await enrich("name=Ada%20Lovelace&company=Acme");
  assertEquals(anchored.status, 404, "name + company is enough to ask");

  fake.failNext(1, ...pdlErrors.paymentRequired());
  fake.failNext(1, ...pdlErrors.rateLimited(3));
  const paid = await enrich("email=ada%40example.com");
  assertEquals([paid.status, paid.body.error.type], [402, "payment_required"]);
  const limited = await enrich("email=ada%40example.com");
  assertEquals([limited.status, limited.body.error.type, limited.headers.get("retry-after")], [429, "rate_limit_error", "3"]);
  assert(Number(limited.headers.get("x-ratelimit-reset")) > Date.now() / 1000, "x-ratelimit-reset is a future Unix time");
  assertEquals(fake.enrichCalls().length, 4, "refused and failNext calls are not enrich calls");
});

// ---------------------------------------------------------------------------------------
// VideoSDK

Deno.test("videosdk fake: raw HS256 JWT with the apikey, no Bearer; customRoomId is idempotent", async () => {
  await using fake = startVideoSdkFake();
  const now = Math.floor(Date.now() / 1000);
  const claims = { apikey: FAKE_KEYS.videosdk.key, permissions: ["allow_join"], version: 2, roles: ["crawler"], iat: now, exp: now + 600 };
  const token = await sign(claims, FAKE_KEYS.videosdk.secret);
  const rooms = `${fake.url}/v2/rooms`;
  const bearer = await post(rooms, { authorization: `Bearer ${token}` }, { customRoomId: "s1" });
  assertEquals(bearer.status, 401, "Bearer prefix refused");
  const forged = await post(rooms, { authorization: await sign(claims, "another-secret-entirely") }, { customRoomId: "s1" });
  assertEquals(forged.status, 401, "signature checked");
  const otherKey = await post(rooms, { authorization: await sign({ ...claims, apikey: "someone-else" }, FAKE_KEYS.videosdk.secret) }, {});
  assertEquals(otherKey.status, 401, "apikey claim checked");
  const expired = await post(rooms, { authorization: await sign({ ...claims, exp: now - 1 }, FAKE_KEYS.videosdk.secret) }, {});
  assertEquals(expired.status, 401, "expiry checked");

  const a = await post(rooms, { authorization: token }, { customRoomId: "session-1" });
  const b = await post(rooms, { authorization: token }, { customRoomId: "session-1" });
  const c = await post(rooms, { authorization: token }, { customRoomId: "session-2" });
  assertEquals(a.status, 200);
  assert(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/.test(a.body.roomId), a.body.roomId);
  assertEquals([b.body.roomId, b.body.customRoomId], [a.body.roomId, "session-1"]);
  assert(c.body.roomId !== a.body.roomId);
  assertEquals(fake.rooms.size, 2);
  const participant = await sign({ apikey: FAKE_KEYS.videosdk.key, permissions: ["allow_join"], version: 2, roomId: a.body.roomId, participantId: "p1", exp: now + 60 }, FAKE_KEYS.videosdk.secret);
  const checked = await fake.verifyToken(participant);
  assert(checked.ok && checked.claims.roomId === a.body.roomId);
  assertEquals((await fake.verifyToken(participant.slice(0, -2) + "xx")).ok, false);
});

// ---------------------------------------------------------------------------------------
// Fly Machines

Deno.test("fly fake: Bearer token, create/wait/list/destroy with machine state, 409/412/422/429", async () => {
  await using fake = startFlyFake();
  const auth = { authorization: `Bearer ${FAKE_KEYS.fly}` };
  const base = `${fake.url}/v1/apps/${FAKE_FLY_APP}/machines`;
  const spec = { name: "session-1", config: { image: "registry.fly.io/x:1", guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 }, auto_destroy: true, restart: { policy: "no" }, metadata: { session_id: "s1" } } };
  assertEquals((await post(base, { authorization: FAKE_KEYS.fly }, spec)).status, 401, "no Bearer, no entry");
  assertEquals((await post(`${fake.url}/v1/apps/other-app/machines`, auth, spec)).status, 404);
  assertEquals((await post(base, auth, { config: {} })).status, 400, "config.image is required");

  const created = await post(base, auth, spec);
  assertEquals([created.status, created.body.state, created.body.config.metadata.session_id], [200, "created", "s1"]);
  const id = created.body.id;
  const waited = await get(`${base}/${id}/wait?state=started&timeout=5`, auth);
  assertEquals([waited.status, waited.body.ok], [200, true]);
  const list = await get(base, auth);
  assertEquals(list.body.map((m: { id: string; state: string }) => [m.id, m.state]), [[id, "started"]]);
  assertEquals((await get(`${base}/${id}`, auth, "DELETE")).status, 412, "a started machine needs force=true");
  const destroyed = await get(`${base}/${id}?force=true`, auth, "DELETE");
  assertEquals([destroyed.status, destroyed.body.ok], [200, true]);
  assertEquals((await get(base, auth)).body, [], "destroyed machines are not listed");
  assertEquals((await get(`${base}/nope/wait?state=started`, auth)).status, 404);

  fake.neverStart = true;
  const stuck = await post(base, auth, spec);
  assertEquals((await get(`${base}/${stuck.body.id}/wait?state=started&timeout=1`, auth)).status, 408);
  fake.failNext(1, ...flyErrors.capacity());
  fake.failNext(1, ...flyErrors.rateLimited(2));
  const capacity = await post(base, auth, spec);
  const limited = await post(base, auth, spec);
  assertEquals([capacity.status, limited.status, limited.headers.get("retry-after")], [409, 429, "2"]);
  fake.machineLimit = 1;
  assertEquals((await post(base, auth, spec)).status, 422, "over the machine limit");
});

// ---------------------------------------------------------------------------------------
// The Rust clients' own requests (recorded by shared/src/clients/mod.rs's
// golden_requests_for_the_fakes) are accepted by the fakes.

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

const clientRequests: Recorded[] = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/client-requests.json", import.meta.url)),
);

async function replay(r: Recorded, base: string, fakeUrl: string, patch: (url: string) => string = (u) => u) {
  const res = await fetch(patch(r.url.replace(base, fakeUrl)), { method: r.method, headers: r.headers, body: r.body ?? undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text.startsWith("<") ? "null" : text) : null };
}

Deno.test("the Rust clients' recorded requests pass every fake's contract checks", async () => {
  const of = (host: string) => clientRequests.filter((r) => r.url.startsWith(`http://fake.${host}`));
  assertEquals(clientRequests.length, 11, "the fixture covers every client call");

  {
    await using fake = startOpenAiFake();
    for (const r of of("openai")) {
      const res = await replay(r, "http://fake.openai", fake.url);
      assertEquals(res.status, 200, `${r.url}: ${JSON.stringify(res.body)}`);
    }
    assertEquals([fake.chatCalls().length, fake.clientSecrets.length], [1, 1]);
  }
  {
    await using fake = startPdfCoFake();
    const [presign, put, convert] = of("pdfco");
    const p = await replay(presign, "http://fake.pdfco", fake.url);
    assertEquals(p.status, 200);
    const stored = await fetch(p.body.presignedUrl, { method: put.method, headers: put.headers, body: put.body });
    await stored.body?.cancel();
    assertEquals(stored.status, 200, "the client's PUT (its Content-Type, no key) is accepted");
    const body = JSON.parse(convert.body!);
    const c = await fetch(convert.url.replace("http://fake.pdfco", fake.url), {
      method: "POST",
      headers: convert.headers,
      body: JSON.stringify({ ...body, url: p.body.url }),
    });
    assertEquals([c.status, (await c.json()).error], [200, false]);
  }
  {
    await using fake = startPdlFake();
    fake.addPerson({ email: "ada@example.com", likelihood: 8, data: { id: "pdl-ada" } });
    const res = await replay(of("pdl")[0], "http://fake.pdl", fake.url);
    assertEquals([res.status, res.body.data.id], [200, "pdl-ada"]);
  }
  {
    await using fake = startVideoSdkFake();
    const r = of("videosdk")[0];
    assert(!r.headers.authorization.startsWith("Bearer"), "raw JWT");
    // The recorded token was signed at the unit tests' fixed clock: same claims, now.
    const claims = JSON.parse(atob(r.headers.authorization.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ ...claims, iat: now, exp: now + (claims.exp - claims.iat) }, FAKE_KEYS.videosdk.secret);
    const res = await replay({ ...r, headers: { ...r.headers, authorization: token } }, "http://fake.videosdk", fake.url);
    assertEquals([res.status, res.body.customRoomId], [200, "session-1"]);
  }
  {
    await using fake = startFlyFake();
    const [create, wait, list, destroy] = of("fly");
    const created = await replay(create, "http://fake.fly", fake.url);
    assertEquals(created.status, 200, JSON.stringify(created.body));
    const id = created.body.id;
    const withId = (u: string) => u.replace("/MACHINE", `/${id}`);
    assertEquals((await replay(wait, "http://fake.fly", fake.url, withId)).status, 200);
    assertEquals((await replay(list, "http://fake.fly", fake.url)).body.length, 1);
    assertEquals((await replay(destroy, "http://fake.fly", fake.url, withId)).status, 200);
    assertEquals(fake.live().length, 0);
  }
});

// ---------------------------------------------------------------------------------------
// Keys vs no keys: the host's env overlay

async function echoEnv(): Promise<{ env_keys: string[]; env: Record<string, string | null>; pid: number }> {
  const res = await fetch(`${functionsUrl}/echo`, { method: "POST", headers: { Authorization: `Bearer ${config.anonKey}` } });
  assertEquals(res.status, 200);
  return await res.json();
}

Deno.test("withFunctionEnv: one function gets vendor keys (pointed at the fakes), then loses them; others are untouched", async () => {
  await requireStack();
  await requireFunction("echo", FIXTURES_HINT);
  const before = await echoEnv();
  for (const k of ["OPENAI_API_KEY", "PDFCO_API_KEY", "PDL_API_KEY", "VIDEOSDK_API_KEY", "FLY_API_TOKEN"]) {
    assert(!before.env_keys.includes(k), `--test default has no vendor key (${k})`);
  }
  assert(before.env_keys.includes("OPENAI_BASE_URL"), "base URLs are always the fakes'");
  const otherBefore = await functionEnv("link-candidate-account");

  const inside = await withFunctionEnv("echo", vendorKeys("openai", "pdl"), async () => {
    const seen = await echoEnv();
    const report = await functionEnv("echo");
    assertEquals(report.overlay_keys, { OPENAI_API_KEY: "set", PDL_API_KEY: "set" });
    assert(!JSON.stringify(report).includes(FAKE_KEYS.openai), "the control endpoint never returns values");
    return seen;
  });
  assert(inside.env_keys.includes("OPENAI_API_KEY") && inside.env_keys.includes("PDL_API_KEY"), `${inside.env_keys}`);
  assert(!inside.env_keys.includes("FLY_API_TOKEN"));
  assert(inside.pid !== before.pid, "a fresh isolate");
  assertEquals(inside.env.SUPABASE_URL, config.apiUrl, "the base env is kept");
  assertEquals((await functionEnv("link-candidate-account")).env_keys, otherBefore.env_keys, "other functions untouched");

  const after = await echoEnv();
  assert(!after.env_keys.includes("OPENAI_API_KEY"), "restored");

  // null removes a key the base env has; a throwing body still restores.
  let thrown = false;
  try {
    await withFunctionEnv("echo", { E2E_ENV_FILE_MARKER: null }, async () => {
      assertEquals((await echoEnv()).env.E2E_ENV_FILE_MARKER, null);
      throw new Error("body failed");
    });
  } catch (e) {
    thrown = (e as Error).message === "body failed";
  }
  assert(thrown, "the body's error propagates");
  assertEquals((await echoEnv()).env.E2E_ENV_FILE_MARKER, "from-tests-fakes-env");
  assertEquals((await functionEnv("echo")).overlay_keys, {});
});

/** One raw HTTP/1.1 request, so the path reaches nginx exactly as written: [status, raw answer]. */
async function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<[number, string]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const body = method === "PUT" ? JSON.stringify({ overlay: { OPENAI_API_KEY: "sk-from-the-gateway" } }) : "";
  const head = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", "Content-Type: application/json", `Content-Length: ${body.length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  await conn.write(new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n" + body));
  let text = "";
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  conn.close();
  return [Number(text.split(" ")[1]), text];
}

Deno.test("the env control endpoint is not reachable through the gateway, however the path is spelled", async () => {
  await requireStack();
  await requireFunction("echo", FIXTURES_HINT);
  const apiPort = Number(new URL(config.apiUrl).port);
  for (const path of [
    "/functions/v1/_internal/test/env/echo",
    "/functions/v1/%5Finternal/test/env/echo",
    "/functions/v1//_internal/test/env/echo",
    "/functions/v1/echo/../_internal/test/env/echo",
    "/functions/v1/_internal/test/env/%65cho",
    "/functions/v1/_internal%2Ftest%2Fenv%2Fecho",
  ]) {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const [status, answer] = await raw(apiPort, method, path);
      // nginx's own 404: the request never left the gateway.
      assertEquals(status, 404, `${method} ${path} through the gateway`);
      assert(answer.includes("no route matched with those values"), `${method} ${path}: ${answer}`);
    }
  }
  // Health still passes (the harness reads it), and the overlay is unchanged.
  assertEquals((await get(`${config.apiUrl}/functions/v1/_internal/health`)).status, 200);
  assertEquals((await functionEnv("echo")).overlay_keys, {});
  assert(!(await echoEnv()).env_keys.includes("OPENAI_API_KEY"));
  // The host itself refuses a relayed request (defence in depth behind nginx).
  const hostPort = Number(new URL(functionsHostUrl).port);
  const [relayed] = await raw(hostPort, "PUT", "/_internal/test/env/echo", { "X-Forwarded-For": "10.0.0.1" });
  assertEquals(relayed, 404);
  assertEquals((await functionEnv("echo")).overlay_keys, {});
});
