//! The local stack itself, independent of any business function: the gateway routes REST
//! and functions, takes the publishable and secret API keys, serves the JWKS; postrust
//! checks JWTs and applies RLS, the functions host checks verify_jwt, passes preflights,
//! carries WebSockets, injects env, streams bodies, isolates and restarts functions. Uses
//! the test-only functions in local/tests/fixtures/functions (served when the stack starts with
//! `--test`). Runs in either key mode (STACK_KEYS; docs/LOCAL-STACK.md "Keys"): tokens are
//! minted with the stack's own key (`signToken`), forged ones with another (`forgedToken`).

import { assert, assertEquals, assertNotEquals } from "../../tests/lib/assert.ts";
import {
  anonClient,
  clientFor,
  clientKey,
  config,
  createUser,
  deleteUsers,
  logDir,
  forgedToken,
  functionsUrl,
  psql,
  requireFunction,
  KeptAlive,
  killPart,
  restAnswersWithin,
  LARGE_BODY,
  requireStack,
  restUrl,
  serviceClient,
  signToken,
  tokenFor,
  uniqueEmail,
  untyped,
} from "../../tests/lib/mod.ts";
import { generateEs256Jwk, publicJwk, sign, signEs256 } from "../jwt.ts";

const FIXTURES_HINT =
  "start the stack with `scripts/stack.sh start --test` (serves local/tests/fixtures/functions, secrets from tests/fakes/fakes.env)";

async function fixtures() {
  await requireStack();
  await requireFunction("echo", FIXTURES_HINT);
  await requireFunction("echo-ws", FIXTURES_HINT);
}

async function userToken(): Promise<{ id: string; token: string }> {
  // The stack test does not depend on the product's hook: GoTrue's standard claims.
  const user = await createUser(uniqueEmail("stack"));
  return { id: user.id, token: await tokenFor(user.id, { withoutHook: true }) };
}

// ---------------------------------------------------------------------------------------
// Gateway

Deno.test("gateway: / answers a JSON health", async () => {
  await requireStack();
  const res = await fetch(`${config.apiUrl}/`);
  assertEquals(res.status, 200);
  assertEquals((await res.json()).status, "ok");
});

Deno.test("gateway: an unrouted path is 404", async () => {
  await requireStack();
  const res = await fetch(`${config.apiUrl}/nope/v1/x`);
  assertEquals(res.status, 404);
  await res.body?.cancel();
});

// ---------------------------------------------------------------------------------------
// REST through /rest/v1/: JWT -> role -> RLS, and schema reload after DDL

Deno.test("rest: postrust behind /rest/v1/ applies the JWT's role and RLS, and reloads its schema on NOTIFY", async () => {
  await requireStack();
  const a = await userToken();
  const b = await userToken();
  const table = `e2e_stack_probe_${crypto.randomUUID().slice(0, 8)}`;
  await psql(
    `create table public.${table} (id int primary key, owner uuid not null, note text);
     alter table public.${table} enable row level security;
     create policy "Users read their own probe rows" on public.${table}
       for select to authenticated using (owner = (select auth.uid()));
     grant select on public.${table} to anon, authenticated, service_role;
     insert into public.${table} values (1, :'a', 'row of a'), (2, :'b', 'row of b');
     notify pgrst, 'reload schema';`,
    { a: a.id, b: b.id },
  );
  try {
    // The new table appears once postrust has reloaded its schema cache.
    const service = untyped(serviceClient());
    let seen: unknown[] | null = null;
    for (let i = 0; i < 50 && seen === null; i++) {
      const { data } = await service.from(table).select("id").order("id");
      if (data) seen = data;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assertEquals(seen, [{ id: 1 }, { id: 2 }], "service role sees every row (bypasses RLS)");

    const anon = await untyped(anonClient()).from(table).select("*");
    assertEquals(anon.error, null);
    assertEquals(anon.data, [], "anon: no policy, no rows");

    const asA = await untyped(clientFor(a.token)).from(table).select("id, note");
    assertEquals(asA.error, null);
    assertEquals(asA.data, [{ id: 1, note: "row of a" }], "user a sees only their row");

    const asB = await untyped(clientFor(b.token)).from(table).select("id").eq("id", 1);
    assertEquals(asB.data, [], "user b cannot read a's row even by id");

    // A token signed with a key the stack does not have is refused by postrust, not read as anon.
    const forged = await forgedToken({ sub: a.id, role: "authenticated", exp: Math.floor(Date.now() / 1000) + 60 });
    const res = await fetch(`${restUrl}/${table}`, {
      headers: { apikey: clientKey, Authorization: `Bearer ${forged}` },
    });
    assertEquals(res.status, 401);
    await res.body?.cancel();
  } finally {
    await psql(`drop table if exists public.${table}; notify pgrst, 'reload schema';`);
    await deleteUsers(a.id, b.id);
  }
});

Deno.test("rest: CORS preflight is answered for a browser origin", async () => {
  await requireStack();
  const res = await fetch(`${restUrl}/anything`, {
    method: "OPTIONS",
    headers: {
      Origin: "http://localhost:3000",
      "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "authorization, apikey, x-client-info",
    },
  });
  await res.body?.cancel();
  assert(res.status < 300, `preflight status ${res.status}`);
  assert(res.headers.get("access-control-allow-origin"), "access-control-allow-origin present");
});

// ---------------------------------------------------------------------------------------
// Functions through /functions/v1/

Deno.test("functions: supabase-js invoke reaches the function, which sees /<name>/... and the body", async () => {
  await fixtures();
  const { id, token } = await userToken();
  try {
    const { data, error } = await clientFor(token).functions.invoke("echo/a/b?q=1", {
      body: { hello: "world" },
    });
    assertEquals(error, null);
    assertEquals(data.method, "POST");
    assertEquals(data.path, "/echo/a/b");
    assertEquals(data.search, "?q=1");
    assertEquals(data.body_bytes, JSON.stringify({ hello: "world" }).length);
    assertEquals(data.headers.authorization, `Bearer ${token}`);
    assertEquals(data.headers.apikey, clientKey);
  } finally {
    await deleteUsers(id);
  }
});

Deno.test("functions: an unknown function is 404", async () => {
  await requireStack();
  const res = await fetch(`${functionsUrl}/no-such-function`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.anonKey}` },
  });
  assertEquals(res.status, 404);
  assertEquals(await res.text(), "Function not found");
});

Deno.test("functions: verify_jwt refuses a missing, malformed, forged, expired or unsigned token with 401", async () => {
  await fixtures();
  const now = Math.floor(Date.now() / 1000);
  const forged = await forgedToken({ sub: "x", role: "authenticated", exp: now + 60 });
  const expired = await signToken({ sub: "x", role: "authenticated", exp: now - 10 });
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "");
  const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "x", role: "service_role" })}.`;
  const cases: [string, Record<string, string>, string][] = [
    ["no header", {}, "Error: Missing authorization header"],
    ["not Bearer", { Authorization: `Basic ${config.anonKey}` }, "Error: Auth header is not 'Bearer {token}'"],
    ["garbage", { Authorization: "Bearer not.a.jwt" }, "Invalid JWT"],
    ["forged", { Authorization: `Bearer ${forged}` }, "Invalid JWT"],
    ["expired", { Authorization: `Bearer ${expired}` }, "Invalid JWT"],
    ["alg none", { Authorization: `Bearer ${unsigned}` }, "Invalid JWT"],
  ];
  for (const [what, headers, msg] of cases) {
    const res = await fetch(`${functionsUrl}/echo`, { method: "POST", headers, body: "{}" });
    assertEquals(res.status, 401, what);
    assertEquals(await res.json(), { msg }, what);
  }
  // The anon key is a valid JWT: it passes, as on Supabase.
  const ok = await fetch(`${functionsUrl}/echo`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.anonKey}` },
  });
  assertEquals(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("functions: verify_jwt = false lets a request without a token reach the function", async () => {
  await fixtures();
  const res = await fetch(`${functionsUrl}/echo-ws`);
  // 426 is the function's own answer to a plain GET: the host did not stop it.
  assertEquals(res.status, 426);
  assertEquals((await res.json()).error.code, "upgrade_required");
});

Deno.test("functions: CORS preflight reaches the function without a token", async () => {
  await fixtures();
  const res = await fetch(`${functionsUrl}/echo`, {
    method: "OPTIONS",
    headers: {
      Origin: "http://localhost:3000",
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, x-client-info, apikey, content-type",
    },
  });
  await res.body?.cancel();
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("x-echo-preflight"), "1", "answered by the function");
  assertEquals(res.headers.get("access-control-allow-origin"), "*");
  assert(res.headers.get("access-control-allow-headers")?.includes("x-client-info"));
});

Deno.test("functions: the host injects Supabase's env and the env file's secrets, and nothing of its own", async () => {
  await fixtures();
  const res = await fetch(`${functionsUrl}/echo`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.anonKey}` },
  });
  const { env, env_keys } = await res.json();
  assertEquals(env.SUPABASE_URL, config.apiUrl);
  assertEquals(env.SUPABASE_ANON_KEY, config.anonKey);
  assertEquals(env.SUPABASE_SERVICE_ROLE_KEY, config.serviceRoleKey);
  assertEquals(env.SUPABASE_DB_URL, config.dbUrl);
  // The JWT secret only in legacy mode: a project with signing keys has none to give.
  assertEquals(env.SUPABASE_JWT_SECRET, config.jwtSecret);
  assertEquals(JSON.parse(env.SUPABASE_JWKS), config.jwks);
  assertEquals(JSON.parse(env.SUPABASE_PUBLISHABLE_KEYS), { default: config.publishableKey });
  assertEquals(JSON.parse(env.SUPABASE_SECRET_KEYS), { default: config.secretKey });
  assertEquals(env.E2E_ENV_FILE_MARKER, "from-tests-fakes-env", "secret from the env file");
  assert(env.SB_FUNCTION_PORT, "SB_FUNCTION_PORT set for the adapter");
  assertEquals(env.HOME, null, "the host's own environment does not leak in");
  const hostOnly = ["JWT_SECRET", "JWKS", "STACK_KEYS", "ANON_KEY", "SERVICE_ROLE_KEY", "PUBLISHABLE_KEY", "SECRET_KEY"];
  assert(!env_keys.some((k: string) => k.startsWith("PGRST_") || hostOnly.includes(k)), `leaked: ${env_keys}`);
});

Deno.test("functions: a throw in the handler becomes the JSON 500 with CORS headers", async () => {
  await fixtures();
  const res = await fetch(`${functionsUrl}/echo/throw`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.anonKey}` },
  });
  assertEquals(res.status, 500);
  assertEquals(res.headers.get("access-control-allow-origin"), "*");
  assertEquals(await res.json(), {
    error: { code: "internal", message: "Internal error", details: null },
  });
});

Deno.test("functions: each function runs in its own process, restarted when it dies", async () => {
  await fixtures();
  const auth = { Authorization: `Bearer ${config.anonKey}` };
  const before = (await (await fetch(`${functionsUrl}/echo`, { headers: auth })).json()).pid;
  const exit = await fetch(`${functionsUrl}/echo/exit`, { headers: auth });
  assertEquals((await exit.json()).exiting, before);
  // The next request waits for the restarted isolate instead of failing.
  await new Promise((r) => setTimeout(r, 200));
  const after = await fetch(`${functionsUrl}/echo`, { headers: auth });
  assertEquals(after.status, 200);
  const pid = (await after.json()).pid;
  assertNotEquals(pid, before, "a new process");

  const ws = new WebSocket(`${functionsUrl.replace(/^http/, "ws")}/echo-ws`);
  const other = await new Promise<number>((resolve, reject) => {
    ws.onopen = () => ws.send("whoami");
    ws.onmessage = (e) => {
      resolve(JSON.parse(e.data).pid);
      ws.close();
    };
    ws.onerror = () => reject(new Error("websocket error"));
  });
  await new Promise((r) => (ws.readyState === WebSocket.CLOSED ? r(null) : (ws.onclose = r)));
  assertNotEquals(other, pid, "echo-ws is another isolate");
});

Deno.test("functions: response bodies stream through gateway and host", async () => {
  await fixtures();
  const t0 = performance.now();
  const res = await fetch(`${functionsUrl}/echo/stream?n=4`, {
    headers: { Authorization: `Bearer ${config.anonKey}` },
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  const tFirst = performance.now() - t0;
  let text = first.value ?? "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
  const tAll = performance.now() - t0;
  assertEquals(text.trim().split("\n").length, 4);
  // Four chunks 100 ms apart: buffered, the first would arrive with the last.
  assert(tAll - tFirst > 200, `first chunk at ${tFirst} ms, all at ${tAll} ms`);
});

Deno.test("functions: a 5 MB body passes the gateway to the function", async () => {
  await fixtures();
  const body = new Uint8Array(5 * 1024 * 1024).fill(97);
  const res = await fetch(`${functionsUrl}/echo`, {
    method: "POST",
    headers: { Authorization: `Bearer ${config.anonKey}`, "Content-Type": "application/octet-stream" },
    body,
  });
  assertEquals(res.status, 200);
  const data = await res.json();
  assertEquals(data.body_bytes, body.length);
  assertEquals(data.headers["content-length"], String(body.length), "the function sees the length");
});

Deno.test("gateway: a refusal given before the body is read (the host's 401 and 404, the Storage API's 400) leaves a kept-alive connection usable", async () => {
  await fixtures();
  const auth = { Authorization: `Bearer ${config.anonKey}`, "Content-Type": "application/json" };
  const conn = await KeptAlive.open();
  try {
    for (const c of [
      { what: "the host's 401", path: "/functions/v1/echo", headers: { Authorization: "Bearer not-a-jwt" }, status: 401 },
      { what: "the host's 404", path: "/functions/v1/no-such-function", headers: auth, status: 404 },
      { what: "the host's 401 (chunked)", path: "/functions/v1/echo", headers: { Authorization: "Bearer not-a-jwt" }, chunked: true, status: 401 },
      { what: "the Storage API's 400 (a bad token)", path: "/storage/v1/object/resumes/kept-alive.pdf", headers: { Authorization: "Bearer not-a-jwt", "Content-Type": "application/pdf" }, status: 400 },
    ]) {
      const got = await conn.request(c.path, c.headers, LARGE_BODY, c.chunked, c.what);
      assertEquals(got.status, c.status, `${c.what}: ${got.text}`);
      assertEquals(got.headers.get("connection"), "keep-alive", c.what);
      // The gateway said keep-alive: the next request on the same connection is answered.
      const next = await conn.request("/functions/v1/echo", auth, new TextEncoder().encode("{}"), false, `after ${c.what}`);
      assertEquals([next.status, JSON.parse(next.text).body_bytes], [200, 2], `after ${c.what}`);
    }
  } finally {
    conn.close();
  }
});

Deno.test("functions: a WebSocket round-trips through gateway and host: subprotocol, text, binary, path, close code", async () => {
  await fixtures();
  // Headers through Deno's extension of the WebSocket constructor (a browser cannot set
  // them; a server-side client can, and the function must see them).
  const ws = new WebSocket(`${functionsUrl.replace(/^http/, "ws")}/echo-ws/room?x=1`, {
    protocols: ["other", "echo.v1"],
    headers: { Authorization: `Bearer ${config.anonKey}`, "X-E2E": "ws" },
  } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  const received: (string | number)[] = [];
  const closed = new Promise<CloseEvent>((resolve, reject) => {
    ws.onclose = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  ws.onopen = () => {
    ws.send("hello");
    ws.send(new Uint8Array(70_000).fill(7)); // over 64 KiB: the 64-bit length frame
    ws.send("whoami");
    ws.send("close:4001:done");
  };
  ws.onmessage = (e) => received.push(typeof e.data === "string" ? e.data : e.data.byteLength);
  const close = await closed;
  assertEquals(ws.protocol, "echo.v1", "the subprotocol the function chose");
  assertEquals(received[0], "hello");
  assertEquals(received[1], 70_000);
  const who = JSON.parse(received[2] as string);
  assertEquals(who.path, "/echo-ws/room");
  assertEquals(who.search, "?x=1");
  assertEquals(who.protocol, "echo.v1");
  assertEquals(who.authorization, `Bearer ${config.anonKey}`, "the client's headers reach the function");
  assertEquals(who.x_e2e, "ws");
  assertEquals(close.code, 4001, "the function's close code reaches the client");
  assertEquals(close.reason, "done");
});

// ---------------------------------------------------------------------------------------
// Keys: the JWKS, the publishable and secret API keys, tokens the stack did not sign

Deno.test("keys: the JWKS is served at /auth/v1/.well-known/jwks.json: the signing key's public half (none in legacy mode)", async () => {
  await requireStack();
  const res = await fetch(`${config.apiUrl}/auth/v1/.well-known/jwks.json`);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/json");
  const jwks = await res.json();
  assertEquals(jwks, config.jwks, "the keys the stack verifies with");
  if (config.keyMode === "legacy") {
    assertEquals(jwks, { keys: [] }, "an HS256 secret is never published");
    return;
  }
  assertEquals(jwks.keys.length, 1);
  const [key] = jwks.keys;
  assertEquals(key, publicJwk(config.signingKey!));
  assertEquals([key.kty, key.crv, key.alg, key.use, key.kid], ["EC", "P-256", "ES256", "sig", config.signingKey!.kid]);
  assertEquals(key.key_ops, ["verify"]);
  assertEquals(key.d, undefined, "no private member");
});

/** A probe RPC answering the role and claims postrust ran the request with. */
async function withWhoami(body: (path: string) => Promise<void>): Promise<void> {
  const fn = `e2e_whoami_${crypto.randomUUID().slice(0, 8)}`;
  await psql(
    `create function public.${fn}() returns jsonb language sql stable as $$
       select jsonb_build_object('role', current_user,
                                 'claims', coalesce(current_setting('request.jwt.claims', true), '')::text)
     $$;
     grant execute on function public.${fn}() to anon, authenticated, service_role;
     notify pgrst, 'reload schema';`,
  );
  try {
    const path = `${restUrl}/rpc/${fn}`;
    for (let i = 0; i < 50; i++) {
      const res = await fetch(path, { method: "POST", headers: { apikey: config.secretKey } });
      await res.body?.cancel();
      if (res.status !== 404) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await body(path);
  } finally {
    await psql(`drop function if exists public.${fn}(); notify pgrst, 'reload schema';`);
  }
}

Deno.test("keys: the gateway takes the publishable key as anon and the secret key as the service role; a user's token passes; another sb_ key is 401", async () => {
  await requireStack();
  const user = await createUser(uniqueEmail("keys"));
  const token = await tokenFor(user.id, { withoutHook: true });
  try {
    await withWhoami(async (path) => {
      const call = async (headers: Record<string, string>) => {
        const res = await fetch(path, { method: "POST", headers });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      };
      const pub = config.publishableKey;
      const sec = config.secretKey;
      for (const [what, headers, role] of [
        ["publishable key, no Authorization (functions.invoke)", { apikey: pub }, "anon"],
        ["publishable key as its own bearer (supabase-js REST)", { apikey: pub, Authorization: `Bearer ${pub}` }, "anon"],
        ["secret key, no Authorization", { apikey: sec }, "service_role"],
        ["secret key as its own bearer", { apikey: sec, Authorization: `Bearer ${sec}` }, "service_role"],
        ["publishable key with a user's token", { apikey: pub, Authorization: `Bearer ${token}` }, "authenticated"],
        ["secret key with a user's token: the user's, not elevated", { apikey: sec, Authorization: `Bearer ${token}` }, "authenticated"],
        ["the mode's anon JWT as apikey and bearer (legacy clients)", { apikey: config.anonKey, Authorization: `Bearer ${config.anonKey}` }, "anon"],
      ] as [string, Record<string, string>, string][]) {
        const got = await call(headers);
        assertEquals(got.status, 200, `${what}: ${JSON.stringify(got.body)}`);
        assertEquals(got.body.role, role, what);
        const claims = JSON.parse(got.body.claims);
        assertEquals(claims.role, role, `${what}: the JWT postrust verified`);
        if (role === "authenticated") assertEquals(claims.sub, user.id, what);
        else assertEquals(claims.iss, "supabase-demo", `${what}: the stack's role JWT`);
      }
      // Another key as the bearer is not replaced: postrust sees a bearer that is no JWT.
      const mixed = await call({ apikey: pub, Authorization: `Bearer ${sec}` });
      assertEquals(mixed.status, 401, "the secret key as bearer under the publishable key is not the service role");
      // An sb_ key the stack does not have is refused by the gateway, whatever else comes.
      const invalid = { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." };
      for (const headers of <Record<string, string>[]> [
        { apikey: "sb_publishable_not-this-stacks-key" },
        { apikey: "sb_secret_not-this-stacks-key", Authorization: `Bearer ${token}` },
        { apikey: `${pub}x`, Authorization: `Bearer ${pub}x` },
      ]) {
        const got = await call(headers);
        assertEquals([got.status, got.body], [401, invalid], JSON.stringify(headers));
      }
    });
    // Functions and Storage the same: Supabase injects the role JWT for them too.
    for (const [apikey, jwt] of [[config.publishableKey, config.anonKey], [config.secretKey, config.serviceRoleKey]]) {
      const res = await fetch(`${functionsUrl}/echo`, { method: "POST", headers: { apikey } });
      assertEquals(res.status, 200, `echo with apikey ${apikey}`);
      const seen = await res.json();
      assertEquals(seen.headers.authorization, `Bearer ${jwt}`, "the function sees the role JWT");
      assertEquals(seen.headers.apikey, apikey, "and the apikey as sent");
    }
    for (const url of [`${functionsUrl}/echo`, `${config.apiUrl}/storage/v1/object/list/resumes`]) {
      const res = await fetch(url, { method: "POST", headers: { apikey: "sb_secret_nope", "Content-Type": "application/json" }, body: "{}" });
      assertEquals(res.status, 401, url);
      assertEquals((await res.json()).message, "Invalid API key", url);
    }
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("keys: supabase-js clients made with the mode's keys act as anon, the service role and the user", async () => {
  await requireStack();
  const user = await createUser(uniqueEmail("keys-js"));
  const token = await tokenFor(user.id, { withoutHook: true });
  try {
    await withWhoami(async (path) => {
      const fn = path.split("/").pop()!;
      for (const [what, client, role] of [
        ["anonClient", untyped(anonClient()), "anon"],
        ["serviceClient", untyped(serviceClient()), "service_role"],
        ["clientFor(token)", untyped(clientFor(token)), "authenticated"],
      ] as const) {
        const { data, error } = await client.rpc(fn);
        assertEquals(error, null, what);
        assertEquals(data.role, role, what);
      }
    });
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("keys: a token the stack did not sign is 401 at postrust (REST), the functions host's verify_jwt and the Storage API; its own passes", async () => {
  await fixtures();
  const user = await createUser(uniqueEmail("keys-forged"));
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user.id, role: "authenticated", aud: "authenticated", exp: now + 600, iat: now };
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const forged: [string, string][] = [
    ["signed by another key under the stack key's kid", await forgedToken(claims)],
    ["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`],
  ];
  if (config.keyMode === "signing") {
    const other = await generateEs256Jwk();
    const pub = JSON.stringify(config.jwks.keys[0]);
    forged.push(
      ["ES256 by a key not in the JWKS (its own kid)", await signEs256(claims, other)],
      ["ES256 with no kid", await signEs256(claims, { ...other, kid: undefined })],
      ["HS256 with the legacy secret (no secret in signing mode)", await sign(claims, "super-secret-jwt-token-with-at-least-32-characters-long")],
      ["HS256 'signed' with the public key's JSON (algorithm confusion)", await sign(claims, pub)],
      ["expired, by the stack's key", await signToken({ ...claims, exp: now - 10 })],
    );
  } else {
    forged.push(["ES256 by some key (no JWKS in legacy mode)", await signEs256(claims, await generateEs256Jwk())]);
  }
  const own = await signToken(claims);
  const rest = (t: string) => fetch(`${restUrl}/rpc/user_has_permission`, {
    method: "POST",
    headers: { apikey: clientKey, Authorization: `Bearer ${t}`, "Content-Type": "application/json" },
    body: JSON.stringify({ resource: "candidates", action: "read" }),
  });
  const fn = (t: string) => fetch(`${functionsUrl}/echo`, { method: "POST", headers: { apikey: clientKey, Authorization: `Bearer ${t}` } });
  const storage = (t: string) => fetch(`${config.apiUrl}/storage/v1/object/list/resumes`, {
    method: "POST",
    headers: { apikey: clientKey, Authorization: `Bearer ${t}`, "Content-Type": "application/json" },
    body: JSON.stringify({ prefix: "" }),
  });
  try {
    for (const [what, token] of forged) {
      const r = await rest(token);
      assertEquals(r.status, 401, `REST, ${what}: ${await r.text()}`);
      const f = await fn(token);
      assertEquals([f.status, await f.json()], [401, { msg: "Invalid JWT" }], `functions host, ${what}`);
      const s = await storage(token);
      const sBody = await s.json();
      assertEquals([s.status, sBody.error], [400, "InvalidJWT"], `Storage API, ${what}: ${JSON.stringify(sBody)}`);
    }
    const r = await rest(own);
    assertEquals(r.status, 200, `REST accepts the stack's own token: ${await r.text()}`);
    const f = await fn(own);
    assertEquals(f.status, 200, "the functions host accepts the stack's own token");
    assertEquals((await f.json()).headers.authorization, `Bearer ${own}`);
    const s = await storage(own);
    assertEquals(s.status, 200, `the Storage API accepts the stack's own token: ${await s.text()}`);
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("supervision: a part that dies after start-up is started again (the REST server, killed)", async () => {
  await killPart("rest");
  assert(await restAnswersWithin(10_000), "REST answers again within 10 s");
  const log = await Deno.readTextFile(`${logDir}/rest.log`);
  assert(/=== rest exited \(status \d+\) .*; restarting in 1s/.test(log), "the restart is in the part's log");
});

Deno.test("mail: Mailpit answers its API on MAIL_PORT, as `supabase start`'s mail catcher on 54324", async () => {
  const ready = await fetch(`${config.mailUrl}/readyz`);
  await ready.body?.cancel();
  assertEquals(ready.status, 200);
  const info = await (await fetch(`${config.mailUrl}/api/v1/messages?limit=1`)).json();
  assertEquals(typeof info.total, "number");
});
