//! The wrapper adapter (deno-shims/adapter.ts) and the HS256 code (deno-shims/jwt.ts) on
//! their own, without the stack: a trap becomes the JSON 500, and tokens verify only when
//! signed with the secret, unexpired and HS256.

import { assert, assertEquals } from "./lib/assert.ts";
import { handlerFor } from "../deno-shims/adapter.ts";
import { sign, verify } from "../deno-shims/jwt.ts";

const req = () => new Request("http://fn.local/some-fn", { method: "POST", body: "{}" });

Deno.test("adapter: the handle's Response passes through, with the env it was given", async () => {
  const res = await handlerFor(
    (_req, env) => Promise.resolve(Response.json({ seen: env.KEY }, { status: 201 })),
    { KEY: "value" },
  )(req());
  assertEquals(res.status, 201);
  assertEquals(await res.json(), { seen: "value" });
});

Deno.test("adapter: a throw or a rejection (a wasm trap) becomes the JSON 500 with CORS headers", async () => {
  const silence = console.error;
  console.error = () => {};
  try {
    for (const handle of [
      () => {
        throw new WebAssembly.RuntimeError("unreachable");
      },
      () => Promise.reject(new Error("rejected")),
    ]) {
      const res = await handlerFor(handle, {})(req());
      assertEquals(res.status, 500);
      assertEquals(res.headers.get("access-control-allow-origin"), "*");
      assertEquals(res.headers.get("content-type"), "application/json");
      assertEquals(await res.json(), {
        error: { code: "internal", message: "Internal error", details: null },
      });
    }
  } finally {
    console.error = silence;
  }
});

Deno.test("jwt: a signed token verifies and gives its claims back", async () => {
  const claims = { sub: "u1", role: "authenticated", exp: Math.floor(Date.now() / 1000) + 60 };
  const token = await sign(claims, "s".repeat(32));
  assertEquals(await verify(token, "s".repeat(32)), { ok: true, claims });
});

Deno.test("jwt: wrong secret, tampered payload, expiry, nbf, alg none and garbage are refused", async () => {
  const now = Math.floor(Date.now() / 1000);
  const secret = "s".repeat(32);
  const good = await sign({ sub: "u1", exp: now + 60 }, secret);
  const [h, , s] = good.split(".");
  const tampered = `${h}.${btoa(JSON.stringify({ sub: "admin", exp: now + 60 })).replace(/=+$/, "")}.${s}`;
  const none = `${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, "")}.${btoa('{"sub":"u1"}').replace(/=+$/, "")}.`;
  const cases: [string, string, string][] = [
    ["wrong secret", await sign({ sub: "u1", exp: now + 60 }, "t".repeat(32)), "bad signature"],
    ["tampered", tampered, "bad signature"],
    ["expired", await sign({ sub: "u1", exp: now - 1 }, secret), "expired"],
    ["exp not a number", await sign({ sub: "u1", exp: "never" }, secret), "expired"],
    ["not yet valid", await sign({ sub: "u1", nbf: now + 600 }, secret), "not yet valid"],
    ["alg none", none, "unsupported algorithm"],
    ["garbage", "a.b", "malformed"],
    ["bad base64", "!!.??.**", "malformed"],
  ];
  for (const [what, token, reason] of cases) {
    const got = await verify(token, secret);
    assert(!got.ok, `${what} refused`);
    assertEquals(got, { ok: false, reason }, what);
  }
});
