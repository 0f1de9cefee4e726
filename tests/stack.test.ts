//! The local stack itself, independent of any business function: the gateway routes REST
//! and functions, postrust checks JWTs and applies RLS, the functions host checks
//! verify_jwt, passes preflights, carries WebSockets, injects env, streams bodies,
//! isolates and restarts functions. Uses the test-only functions in
//! tests/fixtures/functions (served when the stack starts with `--test`).

import { assert, assertEquals, assertNotEquals } from "./lib/assert.ts";
import {
  anonClient,
  clientFor,
  config,
  createUser,
  deleteUsers,
  functionsUrl,
  psql,
  requireFunction,
  KeptAlive,
  LARGE_BODY,
  requireStack,
  restUrl,
  serviceClient,
  tokenFor,
  uniqueEmail,
} from "./lib/mod.ts";
import { sign } from "../deno-shims/jwt.ts";

const FIXTURES_HINT =
  "start the stack with `scripts/stack.sh start --test` (serves tests/fixtures/functions, secrets from tests/fakes/fakes.env)";

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
    const service = serviceClient();
    let seen: unknown[] | null = null;
    for (let i = 0; i < 50 && seen === null; i++) {
      const { data } = await service.from(table).select("id").order("id");
      if (data) seen = data;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assertEquals(seen, [{ id: 1 }, { id: 2 }], "service role sees every row (bypasses RLS)");

    const anon = await anonClient().from(table).select("*");
    assertEquals(anon.error, null);
    assertEquals(anon.data, [], "anon: no policy, no rows");

    const asA = await clientFor(a.token).from(table).select("id, note");
    assertEquals(asA.error, null);
    assertEquals(asA.data, [{ id: 1, note: "row of a" }], "user a sees only their row");

    const asB = await clientFor(b.token).from(table).select("id").eq("id", 1);
    assertEquals(asB.data, [], "user b cannot read a's row even by id");

    // A token signed with another secret is refused by postrust, not read as anon.
    const forged = await sign({ sub: a.id, role: "authenticated", exp: Math.floor(Date.now() / 1000) + 60 }, "x".repeat(40));
    const res = await fetch(`${restUrl}/${table}`, {
      headers: { apikey: config.anonKey, Authorization: `Bearer ${forged}` },
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
    assertEquals(data.headers.apikey, config.anonKey);
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
  const forged = await sign({ sub: "x", role: "authenticated", exp: now + 60 }, "y".repeat(40));
  const expired = await sign({ sub: "x", role: "authenticated", exp: now - 10 }, config.jwtSecret);
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
  assertEquals(env.SUPABASE_JWT_SECRET, config.jwtSecret);
  assertEquals(env.E2E_ENV_FILE_MARKER, "from-tests-fakes-env", "secret from the env file");
  assert(env.SB_FUNCTION_PORT, "SB_FUNCTION_PORT set for the adapter");
  assertEquals(env.HOME, null, "the host's own environment does not leak in");
  assert(!env_keys.some((k: string) => k.startsWith("PGRST_") || k === "JWT_SECRET"), `leaked: ${env_keys}`);
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
