//! HS256 JSON Web Tokens with the platform's Web Crypto: what the functions host needs to
//! check `verify_jwt`, and what the end-to-end tests need to mint user tokens the way
//! Supabase Auth does. Only HS256: the local stack signs with the legacy shared secret.

export type Claims = Record<string, unknown>;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** Sign `claims` as an HS256 JWT. */
export async function sign(claims: Claims, secret: string): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const input = `${header}.${payload}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

export type Verified = { ok: true; claims: Claims } | { ok: false; reason: string };

/**
 * Verify an HS256 JWT: shape, algorithm, signature (constant-time, by Web Crypto), then
 * `exp` and `nbf` against `now` (seconds). Any other algorithm is refused, `none` included.
 */
export async function verify(
  token: string,
  secret: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<Verified> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [h, p, s] = parts;
  let header: Claims;
  let claims: Claims;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64url(h)));
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(p)));
    signature = fromBase64url(s);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof header !== "object" || header === null || header.alg !== "HS256") {
    return { ok: false, reason: "unsupported algorithm" };
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: "malformed" };
  }
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    signature,
    encoder.encode(`${h}.${p}`),
  );
  if (!valid) return { ok: false, reason: "bad signature" };
  if (claims.exp !== undefined && (typeof claims.exp !== "number" || claims.exp <= now)) {
    return { ok: false, reason: "expired" };
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > now)) {
    return { ok: false, reason: "not yet valid" };
  }
  return { ok: true, claims };
}
