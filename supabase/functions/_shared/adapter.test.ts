//! The wrapper adapter (supabase/functions/_shared/adapter.ts) and the JWT code (local/jwt.ts) on
//! their own, without the stack: a trap becomes the JSON 500; HS256 tokens verify only when
//! signed with the secret and unexpired; ES256/RS256 tokens only by the JWKS key their
//! `kid` names, with that key's algorithm.

import { assert, assertEquals } from "../../../tests/lib/assert.ts";
import { handlerFor } from "./adapter.ts";
import {
  generateEs256Jwk,
  type Jwk,
  parseJwks,
  publicJwk,
  publicJwks,
  sign,
  signEs256,
  verify,
  verifyToken,
} from "../../../local/jwt.ts";

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

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64json = (o: unknown) => b64url(new TextEncoder().encode(JSON.stringify(o)));

/** An RS256 JWT and its key's public JWK (jwt.ts signs only ES256: RS256 by hand). */
async function rs256(claims: Record<string, unknown>, kid: string): Promise<{ token: string; jwk: Jwk }> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const input = `${b64json({ alg: "RS256", typ: "JWT", kid })}.${b64json(claims)}`;
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, new TextEncoder().encode(input));
  const pub = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { token: `${input}.${b64url(new Uint8Array(sig))}`, jwk: { kty: "RSA", n: pub.n, e: pub.e, kid, alg: "RS256", use: "sig" } };
}

Deno.test("jwt: ES256 by the JWKS key its kid names verifies; so does RS256; HS256 only with the secret", async () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: "u1", role: "authenticated", exp: now + 60 };
  const key = await generateEs256Jwk();
  assertEquals(Object.keys(key).sort(), ["alg", "crv", "d", "ext", "key_ops", "kid", "kty", "use", "x", "y"]);
  const jwks = publicJwks([key]);
  assertEquals(jwks.keys[0].d, undefined, "the JWKS has no private member");
  assertEquals(jwks.keys[0].key_ops, ["verify"]);
  const es = await signEs256(claims, key);
  assertEquals(JSON.parse(atob(es.split(".")[0])), { alg: "ES256", typ: "JWT", kid: key.kid });
  assertEquals(await verifyToken(es, { jwks }), { ok: true, claims });

  const rs = await rs256(claims, "rsa-1");
  assertEquals(await verifyToken(rs.token, { jwks: { keys: [publicJwk(key), rs.jwk] } }), { ok: true, claims });

  const secret = "s".repeat(32);
  const hs = await sign(claims, secret);
  assertEquals(await verifyToken(hs, { jwks, secret }), { ok: true, claims });
  assertEquals(await verifyToken(hs, { jwks }), { ok: false, reason: "unsupported algorithm" }, "no secret: no HS256");
});

Deno.test("jwt: unknown kid, no kid, a key of another algorithm, key confusion, alg none, tampering, expiry and a missing exp are refused", async () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: "u1", exp: now + 60 };
  const key = await generateEs256Jwk();
  const other = await generateEs256Jwk();
  const jwks = publicJwks([key]);
  const good = await signEs256(claims, key);
  const [h, , sig] = good.split(".");
  const rs = await rs256(claims, key.kid!); // an RS256 token naming the EC key's kid
  const cases: [string, string, string][] = [
    ["a key not in the JWKS", await signEs256(claims, other), "unknown key"],
    ["another key under our kid", await signEs256(claims, { ...other, kid: key.kid }), "bad signature"],
    ["no kid", await signEs256(claims, { ...key, kid: undefined }), "unknown key"],
    ["RS256 naming an ES256 key", rs.token, "algorithm does not match the key"],
    ["HS256 keyed with the public JWK", await sign(claims, JSON.stringify(jwks.keys[0])), "unsupported algorithm"],
    ["HS256 keyed with the public x", await sign(claims, jwks.keys[0].x!), "unsupported algorithm"],
    ["alg none", `${b64json({ alg: "none", kid: key.kid })}.${b64json(claims)}.`, "unsupported algorithm"],
    ["ES512", `${b64json({ alg: "ES512", kid: key.kid })}.${b64json(claims)}.${sig}`, "unsupported algorithm"],
    ["tampered", `${h}.${b64json({ sub: "admin", exp: now + 60 })}.${sig}`, "bad signature"],
    ["truncated signature", `${good.slice(0, -10)}`, "bad signature"],
    ["expired", await signEs256({ sub: "u1", exp: now - 1 }, key), "expired"],
    ["no exp", await signEs256({ sub: "u1" }, key), "missing exp"],
    ["not yet valid", await signEs256({ sub: "u1", exp: now + 60, nbf: now + 30 }, key), "not yet valid"],
    ["garbage", "a.b.c", "malformed"],
  ];
  for (const [what, token, reason] of cases) {
    assertEquals(await verifyToken(token, { jwks }), { ok: false, reason }, what);
  }
  // A JWK whose own alg is another than the token's is refused even if the type fits.
  const mislabelled = { keys: [{ ...jwks.keys[0], alg: "ES384" }] };
  assertEquals(await verifyToken(good, { jwks: mislabelled }), { ok: false, reason: "algorithm does not match the key" });
  // With no key set at all, nothing asymmetric verifies.
  assertEquals(await verifyToken(good, {}), { ok: false, reason: "unknown key" });
});

Deno.test("jwt: a key set that does not parse is an error, not an empty set", () => {
  for (const text of ["", "[]", "{}", '{"keys": {}}', '{"keys": [1]}', '{"keys": [{"kid": "x"}]}', "not json"]) {
    let threw = false;
    try {
      parseJwks(text);
    } catch {
      threw = true;
    }
    assert(threw, `parseJwks(${JSON.stringify(text)}) throws`);
  }
  assertEquals(parseJwks('{"keys": []}'), { keys: [] });
});
