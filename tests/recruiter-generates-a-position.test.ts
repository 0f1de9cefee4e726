//! User story: a recruiter describes a role in a sentence and gets a draft position with
//! a description and weighted competencies.
//!
//! Through supabase-js as the frontend calls it (`functions.invoke("generate-position")`,
//! then `from(...)` to read what was saved), on a fresh machine's settings (no vendor
//! keys: the template generator) and with OpenAI switched on against its contract fake
//! (valid answer, refusal, truncation, 429 and 500 with retries). Also: regeneration of a
//! draft and not of a published position, idempotent retries, and the bad-input suite.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  anonClient,
  assertApiError,
  assertOk,
  type Called,
  clientFor,
  type FunctionInput,
  invoke,
  invokeRaw,
  psql,
  requireFunction,
  signUp,
  sql,
  tokenFor,
  withFunctionEnv,
} from "./lib/mod.ts";
import { chat, startOpenAiFake, vendorKeys } from "./fakes/mod.ts";

const FN = "generate-position";

// The seed's tenant A, "Acme Recruiting" (supabase/seed.sql): its admin and plain user,
// its company, its published position; and tenant B's company and position.
const SEED_ADMIN_A = "a0000000-0000-4000-8000-000000000002";
const SEED_USER_A = "a0000000-0000-4000-8000-000000000003";
const SEED_COMPANY_A = "a1000000-0000-4000-8000-000000000001";
const SEED_PUBLISHED_A = "a2000000-0000-4000-8000-000000000001";
const SEED_COMPANY_B = "b1000000-0000-4000-8000-000000000001";
const SEED_POSITION_B = "b2000000-0000-4000-8000-000000000001";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh generate-position) and start the stack (scripts/stack.sh start --test)");
}

/** Positions this file created, removed at the end of each test so the seed stays tidy. */
const created: string[] = [];
async function cleanUp() {
  if (created.length === 0) return;
  await psql(`delete from public.positions where id = any(:'ids'::uuid[]);`, { ids: `{${created.splice(0).join(",")}}` });
}

async function generate(token: string, body: FunctionInput<typeof FN>, headers?: Record<string, string>): Promise<Called<typeof FN>> {
  const got = await invoke(clientFor(token), FN, body, { headers });
  if (got.ok) created.push(got.body.position_id);
  return got;
}

function assertPosition(got: Called<typeof FN>, minCompetencies = 5) {
  assert(got.ok && (got.status === 200 || got.status === 201), `status ${got.status}: ${JSON.stringify(got.body)}`);
  const body = got.body;
  for (const key of ["position_id", "description", "responsibilities", "requirements", "nice_to_have", "competencies", "generator"]) {
    assert(key in body, `answer has ${key}`);
  }
  assertEquals(body.status, "draft");
  assert(typeof body.description === "string" && body.description.length > 20, "a description");
  assert(Array.isArray(body.responsibilities) && body.responsibilities.length >= 3, "responsibilities");
  const competencies = body.competencies;
  assert(competencies.length >= minCompetencies, `at least ${minCompetencies} competencies, got ${competencies.length}`);
  const total = competencies.reduce((sum, c) => sum + c.weight, 0);
  assert(Math.abs(total - 1) < 1e-9, `weights sum to 1, got ${total}`);
  for (const c of competencies) {
    assert(c.weight > 0, `${c.name} has a weight`);
    assert(Number.isInteger(c.required_level) && c.required_level >= 1 && c.required_level <= 5, `${c.name}: level 1-5`);
    assert(["technical", "domain", "behavioral", "leadership"].includes(c.category), `${c.name}: category ${c.category}`);
  }
  const names = competencies.map((c) => c.name.toLowerCase());
  assertEquals(new Set(names).size, names.length, "no competency twice");
}

// ---------------------------------------------------------------------------------------

Deno.test("generate: with no API keys, a recruiter of the seed tenant gets 'Senior Backend Engineer' with 5+ weighted competencies summing to 1", async () => {
  await ready();
  try {
    const token = await tokenFor(SEED_ADMIN_A);
    const got = await generate(token, { title: "Senior Backend Engineer" });
    assertOk(got, 201);
    assertPosition(got);
    assertEquals(got.body.generator, "template");
    assertEquals(got.body.fallback_reason, null);
    assertEquals(got.body.seniority, "senior");
    assertEquals(got.body.role_family, "backend");

    // The seed library's "System design" is reused, not duplicated.
    const competencies = got.body.competencies;
    const systemDesign = competencies.find((c) => c.name === "System design");
    assert(systemDesign?.reused, `System design reused: ${JSON.stringify(competencies.map((c) => [c.name, c.reused]))}`);
    assertEquals(systemDesign?.competency_id, "a3000000-0000-4000-8000-000000000002");

    // What the frontend reads back through REST is what was answered.
    const client = clientFor(token);
    const { data: position, error } = await client.from("positions").select("id, title, status, tenant_id").eq("id", got.body.position_id).single();
    assertEquals(error, null);
    assertEquals(position, { id: got.body.position_id, title: "Senior Backend Engineer", status: "draft", tenant_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" });
    const { data: links } = await client.from("position_competencies").select("competency_id, weight, required_level").eq("position_id", got.body.position_id);
    assertEquals(links?.length, competencies.length, "one link per competency, saved together");
    const stored = (links ?? []).reduce((sum: number, l: { weight: number }) => sum + Number(l.weight), 0);
    assert(Math.abs(stored - 100) < 1e-6, `stored as percentages summing to 100, got ${stored}`);
    const library = await sql(
      `select id from public.competencies where tenant_id = :'tenant' and lower(name) = 'system design'`,
      { tenant: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" },
    );
    assertEquals(library.length, 1, "the library has one System design");
  } finally {
    await cleanUp();
  }
});

Deno.test("generate: company, location and hints shape the position", async () => {
  await ready();
  try {
    const got = await generate(await tokenFor(SEED_ADMIN_A), {
      title: "Data Engineer",
      seniority: "staff",
      company_id: SEED_COMPANY_A,
      location: "Remote (EU)",
      employment_type: "full_time",
      competency_hints: ["dbt", "Rust"],
    });
    assertOk(got, 201);
    assertPosition(got);
    assertEquals(got.body.company_id, SEED_COMPANY_A);
    assertEquals(got.body.seniority, "staff");
    assert(got.body.description.startsWith("Acme Robotics is hiring a Data Engineer"), got.body.description);
    assert(got.body.description.includes("Remote (EU)"), got.body.description);
    const names = (got.body.competencies).map((c) => c.name);
    assert(names.includes("Dbt") || names.includes("dbt"), `the dbt hint: ${names}`);
    const rust = (got.body.competencies).find((c) => c.name === "Rust");
    assert(rust?.reused, "the Rust hint is the seed library's Rust");
  } finally {
    await cleanUp();
  }
});

Deno.test("generate: regenerating a draft replaces it in place; a published or foreign position is refused", async () => {
  await ready();
  try {
    const token = await tokenFor(SEED_ADMIN_A);
    const first = await generate(token, { title: "Backend Engineer", competency_hints: ["GraphQL"] });
    assertOk(first, 201);
    const id = first.body.position_id;

    const again = await generate(token, { position_id: id, regenerate: true, title: "Senior Frontend Engineer" });
    assertOk(again);
    assertPosition(again);
    assertEquals(again.body.position_id, id);
    assertEquals(again.body.regenerated, true);
    assertEquals(again.body.title, "Senior Frontend Engineer");
    assertEquals(again.body.role_family, "frontend");
    const names = (again.body.competencies).map((c) => c.name);
    assert(names.includes("GraphQL"), "the draft's hints are kept when none are sent");

    const { data: links } = await clientFor(token).from("position_competencies").select("competency_id").eq("position_id", id);
    assertEquals(
      new Set((links ?? []).map((l: { competency_id: string }) => l.competency_id)),
      new Set((again.body.competencies).map((c) => c.competency_id)),
      "exactly the new competency links",
    );
    const { count } = await clientFor(token).from("positions").select("id", { count: "exact", head: true }).eq("id", id);
    assertEquals(count, 1, "no second position");

    assertApiError(await generate(token, { position_id: SEED_PUBLISHED_A, regenerate: true }), 409, "position_not_draft");
    assertApiError(await generate(token, { position_id: SEED_POSITION_B, regenerate: true }), 404, "position_not_found");
    assertApiError(await generate(token, { position_id: crypto.randomUUID(), regenerate: true }), 404, "position_not_found");
    assertApiError(await generate(token, { position_id: id }), 400, "regenerate_required");
    const [published] = await sql<{ title: string }>(`select title from public.positions where id = :'id'`, { id: SEED_PUBLISHED_A });
    assertEquals(published.title, "Senior Rust Engineer", "the published position is untouched");
  } finally {
    await cleanUp();
  }
});

Deno.test("generate: a retry with the same Idempotency-Key answers the first position, never a second one", async () => {
  await ready();
  try {
    const token = await tokenFor(SEED_ADMIN_A);
    const key = `e2e-${crypto.randomUUID()}`;
    const first = await generate(token, { title: "QA Engineer" }, { "Idempotency-Key": key });
    const retry = await generate(token, { title: "QA Engineer" }, { "Idempotency-Key": key });
    assertOk(first, 201);
    assertOk(retry);
    assertEquals(retry.body.position_id, first.body.position_id);
    assertEquals([first.body.replayed, retry.body.replayed], [false, true]);
    const rows = await sql(`select id from public.positions where metadata ->> 'request_key' = :'key'`, { key });
    assertEquals(rows.length, 1);
  } finally {
    await cleanUp();
  }
});

Deno.test("generate: the bad-input suite answers 4xx in the error shape, never 5xx", async () => {
  await ready();
  const admin = await tokenFor(SEED_ADMIN_A);
  const cases: [string, string | null, unknown, number, string][] = [
    ["missing title", admin, {}, 400, "invalid_title"],
    ["blank title", admin, { title: "   " }, 400, "invalid_title"],
    ["10 kB title", admin, { title: "x".repeat(10 * 1024) }, 400, "invalid_title"],
    ["unknown company", admin, { title: "Backend Engineer", company_id: crypto.randomUUID() }, 404, "company_not_found"],
    ["company of another tenant", admin, { title: "Backend Engineer", company_id: SEED_COMPANY_B }, 404, "company_not_found"],
    ["malformed company id", admin, { title: "Backend Engineer", company_id: "acme" }, 400, "invalid_company_id"],
    ["unknown seniority", admin, { title: "Backend Engineer", seniority: "wizard" }, 400, "invalid_seniority"],
    ["too many hints", admin, { title: "Backend Engineer", competency_hints: Array(11).fill("x") }, 400, "invalid_competency_hints"],
    ["not an object", admin, ["Backend Engineer"], 400, "invalid_body"],
    ["plain user role", await tokenFor(SEED_USER_A), { title: "Backend Engineer" }, 403, "insufficient_role"],
    ["signed-in user without a tenant", (await signUp("nobody")).token, { title: "Backend Engineer" }, 403, "insufficient_role"],
  ];
  for (const [what, token, body, status, code] of cases) {
    const got = await invokeRaw(clientFor(token!), FN, { body: body as Record<string, unknown> });
    assert(got.status < 500, `${what}: ${got.status}`);
    assertApiError(got, status, code);
  }
  const anon = await invoke(anonClient(), FN, { title: "Backend Engineer" });
  assertApiError(anon, 401);
  const count = await sql(`select id from public.positions where title = 'x' or length(title) > 200`);
  assertEquals(count.length, 0, "nothing was written by a refused request");
});

// ---- with OpenAI (its contract fake) ---------------------------------------------------

function aiPosition() {
  return {
    description: "Own the services that run the robot fleet, from design to production.",
    responsibilities: ["Design fleet services", "Operate them in production", "Mentor engineers"],
    requirements: ["Production experience with Rust or Go", "Distributed systems"],
    nice_to_have: ["Robotics"],
    competencies: [
      { name: "rust", description: "Idiomatic, safe Rust.", category: "technical", weight: 9, required_level: 4 },
      { name: "Distributed systems", description: "Designs for failure.", category: "technical", weight: 7, required_level: 4 },
      { name: "system design", description: "Trade-offs.", category: "technical", weight: 6, required_level: 4 },
      { name: "Mentoring", description: "Grows others.", category: "leadership", weight: 4, required_level: 3 },
      { name: "Communication", description: "Clear and kind.", category: "behavioral", weight: 4, required_level: 4 },
    ],
  };
}

Deno.test("generate with OpenAI: a valid structured answer is normalised, matched to the library and saved", async () => {
  await ready();
  await using openai = startOpenAiFake();
  try {
    await withFunctionEnv(FN, vendorKeys("openai"), async () => {
      openai.queue(chat.json(aiPosition()));
      const got = await generate(await tokenFor(SEED_ADMIN_A), { title: "Senior Backend Engineer", competency_hints: ["Kafka"] });
      assertOk(got, 201);
      assertPosition(got);
      assertEquals(got.body.generator, "openai");
      assert(typeof got.body.model === "string" && got.body.model.length > 0, "the model is reported");
      const competencies = got.body.competencies;
      assertEquals(competencies.find((c) => c.name === "Rust")?.reused, true, "'rust' is the library's Rust");
      assertEquals(competencies.find((c) => c.name === "System design")?.reused, true);
      assert(competencies.some((c) => c.name === "Kafka"), "a requested competency the model left out is added");
      const calls = openai.chatCalls();
      assertEquals(calls.length, 1);
      assertEquals(calls[0].schemaName, "job_position");
      const brief = JSON.parse(calls[0].messages[1].content);
      assertEquals(brief.title, "Senior Backend Engineer");
      assert(brief.organisation_competency_library.includes("System design"), "the library is offered to the model");
    });
  } finally {
    await cleanUp();
  }
});

Deno.test("generate with OpenAI: a refusal is 422 and saves nothing", async () => {
  await ready();
  await using openai = startOpenAiFake();
  const title = `Refused role ${crypto.randomUUID().slice(0, 8)}`;
  await withFunctionEnv(FN, vendorKeys("openai"), async () => {
    openai.queue(chat.refusal());
    const got = await generate(await tokenFor(SEED_ADMIN_A), { title });
    assertApiError(got, 422, "ai_refused");
    assertEquals(openai.chatCalls().length, 1, "a refusal is not retried");
  });
  assertEquals((await sql(`select id from public.positions where title = :'title'`, { title })).length, 0);
});

Deno.test("generate with OpenAI: truncated output falls back to the template, and says so", async () => {
  await ready();
  await using openai = startOpenAiFake();
  try {
    await withFunctionEnv(FN, vendorKeys("openai"), async () => {
      openai.queue(chat.truncated(aiPosition()));
      const got = await generate(await tokenFor(SEED_ADMIN_A), { title: "Senior Backend Engineer" });
      assertOk(got, 201);
      assertPosition(got);
      assertEquals([got.body.generator, got.body.fallback_reason], ["template", "openai_truncated"]);
      assertEquals(openai.chatCalls().length, 1);
    });
  } finally {
    await cleanUp();
  }
});

Deno.test("generate with OpenAI: a 429 is retried (Retry-After) and the retry's answer is used", async () => {
  await ready();
  await using openai = startOpenAiFake();
  try {
    await withFunctionEnv(FN, vendorKeys("openai"), async () => {
      openai.queue(chat.rateLimited(1), chat.json(aiPosition()));
      const got = await generate(await tokenFor(SEED_ADMIN_A), { title: "Senior Backend Engineer" });
      assertOk(got, 201);
      assertEquals(got.body.generator, "openai");
      assertEquals(openai.chatCalls().length, 2);
    });
  } finally {
    await cleanUp();
  }
});

Deno.test("generate with OpenAI: 500s through every retry fall back to the template (never a 5xx)", async () => {
  await ready();
  await using openai = startOpenAiFake();
  try {
    await withFunctionEnv(FN, vendorKeys("openai"), async () => {
      openai.failNext(3, 500, { error: { message: "The server had an error", type: "server_error", param: null, code: null } });
      const got = await generate(await tokenFor(SEED_ADMIN_A), { title: "Senior Backend Engineer" });
      assertOk(got, 201);
      assertPosition(got);
      assertEquals([got.body.generator, got.body.fallback_reason], ["template", "openai_unavailable"]);
      assertEquals(openai.requests.filter((r) => r.path === "/v1/chat/completions").length, 3, "three attempts");
    });
  } finally {
    await cleanUp();
  }
});
