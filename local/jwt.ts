//! JSON Web Tokens with the platform's Web Crypto: what the functions host and the Storage
//! API need to check a caller's token, and what the end-to-end tests need to mint tokens
//! the way Supabase Auth does.
//!
//! Two ways a Supabase project signs (docs/LOCAL-STACK.md, "Keys"):
//! - JWT signing keys (a project created today): ES256 or RS256, the public keys published
//!   as a JWKS. `verifyToken(token, { jwks })` picks the key by the token's `kid`, and the
//!   token's `alg` must be the key's.
//! - the legacy shared secret: HS256. `verifyToken(token, { secret })`; `sign`/`verify`
//!   are the HS256-only pair (also what the VideoSDK fake and the adapter tests use).
//! An HS256 token is checked only against the secret, never against a JWKS key (so a token
//! "signed" HMAC-style with a public key's bytes is refused), and `alg: none` never passes.

export type Claims = Record<string, unknown>;

/** A JSON Web Key (RFC 7517): the members used here. */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  d?: string;
  [member: string]: unknown;
}

export interface Jwks {
  keys: Jwk[];
}

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

const encodeJson = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));

// ---------------------------------------------------------------------------------------
// Keys

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    hmacKeys.set(secret, key);
  }
  return key;
}

/** The asymmetric algorithms a JWKS key may carry, and what Web Crypto calls them. */
const ASYMMETRIC: Record<string, { kty: string; crv?: string; import: EcKeyImportParams | RsaHashedImportParams; verify: AlgorithmIdentifier | EcdsaParams }> = {
  ES256: {
    kty: "EC",
    crv: "P-256",
    import: { name: "ECDSA", namedCurve: "P-256" },
    verify: { name: "ECDSA", hash: "SHA-256" },
  },
  RS256: {
    kty: "RSA",
    import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    verify: { name: "RSASSA-PKCS1-v1_5" },
  },
};

/** The public half of a key, as a JWKS publishes it: no private members. */
export function publicJwk(key: Jwk): Jwk {
  const common = { kid: key.kid, alg: key.alg, use: "sig", key_ops: ["verify"], ext: true };
  if (key.kty === "EC") return { kty: "EC", ...common, crv: key.crv, x: key.x, y: key.y };
  if (key.kty === "RSA") return { kty: "RSA", ...common, n: key.n, e: key.e };
  throw new Error(`publicJwk: no public half for a ${key.kty} key`);
}

/** The JWKS of a set of private signing keys (supabase/signing_keys.json). */
export function publicJwks(keys: Jwk[]): Jwks {
  return { keys: keys.map(publicJwk) };
}

/**
 * A JWKS from its JSON text; throws on anything that is not `{"keys": [objects with a
 * kty]}`. Keys that are not ES256/RS256 stay in the set but can never verify a token.
 */
export function parseJwks(text: string): Jwks {
  const parsed = JSON.parse(text) as unknown;
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "object" || k === null || typeof k.kty !== "string")) {
    throw new Error('a JWKS is {"keys": [JWK, ...]}');
  }
  return { keys: keys as Jwk[] };
}

const verifyKeys = new Map<string, Promise<CryptoKey>>();

function importPublic(key: Jwk, alg: string): Promise<CryptoKey> {
  const spec = ASYMMETRIC[alg];
  const pub = key.kty === "EC"
    ? { kty: "EC", crv: key.crv, x: key.x, y: key.y, ext: true }
    : { kty: "RSA", n: key.n, e: key.e, alg, ext: true };
  const id = `${alg}:${JSON.stringify(pub)}`;
  let imported = verifyKeys.get(id);
  if (!imported) {
    imported = crypto.subtle.importKey("jwk", pub as JsonWebKey, spec.import, false, ["verify"]);
    imported.catch(() => verifyKeys.delete(id));
    verifyKeys.set(id, imported);
  }
  return imported;
}

// ---------------------------------------------------------------------------------------
// Signing

/** Sign `claims` as an HS256 JWT with the legacy shared secret. */
export async function sign(claims: Claims, secret: string): Promise<string> {
  const input = `${encodeJson({ alg: "HS256", typ: "JWT" })}.${encodeJson(claims)}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Sign `claims` as an ES256 JWT with a private P-256 JWK (one entry of the array in
 * supabase/signing_keys.json, as `supabase gen signing-key` writes it); the header names
 * the key's `kid`, as Supabase Auth's tokens do.
 */
export async function signEs256(claims: Claims, privateJwk: Jwk): Promise<string> {
  if (privateJwk.kty !== "EC" || privateJwk.crv !== "P-256" || !privateJwk.d) {
    throw new Error("signEs256: needs a private EC P-256 JWK (kty EC, crv P-256, d)");
  }
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: "P-256", x: privateJwk.x, y: privateJwk.y, d: privateJwk.d, ext: true } as JsonWebKey,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const header: Claims = { alg: "ES256", typ: "JWT" };
  if (privateJwk.kid) header.kid = privateJwk.kid;
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  // Web Crypto's ECDSA signature is r || s (64 bytes), which is JWS's encoding too.
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** A new private ES256 signing key in `supabase gen signing-key`'s format. */
export async function generateEs256Jwk(): Promise<Jwk> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return {
    kty: "EC",
    kid: crypto.randomUUID(),
    use: "sig",
    key_ops: ["sign", "verify"],
    alg: "ES256",
    ext: true,
    d: jwk.d,
    crv: "P-256",
    x: jwk.x,
    y: jwk.y,
  };
}

// ---------------------------------------------------------------------------------------
// Verifying

export type Verified = { ok: true; claims: Claims } | { ok: false; reason: string };

interface Parsed {
  header: Claims;
  claims: Claims;
  signature: Uint8Array<ArrayBuffer>;
  input: Uint8Array<ArrayBuffer>;
}

function parse(token: string): Parsed | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts;
  try {
    const header = JSON.parse(new TextDecoder().decode(fromBase64url(h)));
    const claims = JSON.parse(new TextDecoder().decode(fromBase64url(p)));
    if (typeof header !== "object" || header === null || Array.isArray(header)) return null;
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return null;
    return { header, claims, signature: fromBase64url(s), input: encoder.encode(`${h}.${p}`) };
  } catch {
    return null;
  }
}

function checkTimes(claims: Claims, now: number, requireExp: boolean): Verified {
  if (claims.exp === undefined && requireExp) return { ok: false, reason: "missing exp" };
  if (claims.exp !== undefined && (typeof claims.exp !== "number" || claims.exp <= now)) {
    return { ok: false, reason: "expired" };
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > now)) {
    return { ok: false, reason: "not yet valid" };
  }
  return { ok: true, claims };
}

async function hmacValid(t: Parsed, secret: string): Promise<boolean> {
  return await crypto.subtle.verify("HMAC", await hmacKey(secret), t.signature, t.input);
}

/**
 * Verify an HS256 JWT: shape, algorithm, signature (constant-time, by Web Crypto), then
 * `exp` and `nbf` (each optional) against `now` (seconds). Any other algorithm is refused,
 * `none` included.
 */
export async function verify(
  token: string,
  secret: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<Verified> {
  const t = parse(token);
  if (!t) return { ok: false, reason: "malformed" };
  if (t.header.alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  if (!(await hmacValid(t, secret))) return { ok: false, reason: "bad signature" };
  return checkTimes(t.claims, now, false);
}

/** What a token may be checked against: the stack's JWKS, the legacy secret, or both. */
export interface VerifyKeys {
  jwks?: Jwks | null;
  secret?: string | null;
}

/** The legacy local secret `supabase start` used (scripts/lib.sh holds the same). */
export const LEGACY_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

/**
 * The keys a part of the local stack verifies with, from the env scripts/lib.sh exports:
 * STACK_KEYS (`signing`, the default, or `legacy`), JWKS (required, non-empty, in signing
 * mode) and JWT_SECRET (legacy mode only). Throws, naming what is wrong, on a bad setting.
 */
export function stackKeysFromEnv(env: (key: string) => string | undefined = (k) => Deno.env.get(k)): {
  legacy: boolean;
  keys: VerifyKeys & { jwks: Jwks; secret: string | null };
} {
  const mode = env("STACK_KEYS") || "signing";
  if (mode !== "signing" && mode !== "legacy") throw new Error(`STACK_KEYS must be signing or legacy, not ${mode}`);
  const legacy = mode === "legacy";
  let jwks: Jwks;
  try {
    jwks = parseJwks(env("JWKS") || (legacy ? '{"keys":[]}' : ""));
  } catch (e) {
    throw new Error(`JWKS (the public signing keys, JSON) is ${legacy ? "not a JWKS" : "missing or not a JWKS"}: ${e} (start the stack with scripts/stack.sh)`);
  }
  if (!legacy && jwks.keys.length === 0) throw new Error("signing mode needs at least one key in JWKS");
  return { legacy, keys: { jwks, secret: legacy ? env("JWT_SECRET") || LEGACY_JWT_SECRET : null } };
}

/** Per key set: tokens whose signature held, with their claims (see verifyTokenCached). */
const verifiedTokens = new WeakMap<VerifyKeys, Map<string, Claims>>();
/** Tokens remembered per key set; past it the oldest goes. */
export const VERIFIED_TOKENS_MAX = 1024;

/**
 * `verifyToken`, remembering the tokens whose signature held: a client's next request with
 * the same token skips the signature check (ES256 costs ~0.7 ms of CPU in Deno, on every
 * request through a proxy that checks). `exp` and `nbf` are checked anew every time, so
 * a remembered token still expires.
 */
export async function verifyTokenCached(
  token: string,
  keys: VerifyKeys,
  now: number = Math.floor(Date.now() / 1000),
): Promise<Verified> {
  let seen = verifiedTokens.get(keys);
  if (!seen) verifiedTokens.set(keys, seen = new Map());
  const claims = seen.get(token);
  if (claims) return checkTimes(claims, now, true);
  const result = await verifyToken(token, keys, now);
  if (result.ok) {
    if (seen.size >= VERIFIED_TOKENS_MAX) seen.delete(seen.keys().next().value!);
    seen.set(token, result.claims);
  }
  return result;
}

/**
 * Verify a JWT the way a project with JWT signing keys does:
 * - ES256 / RS256: the JWKS key whose `kid` is the token's (no `kid`, or none that
 *   matches: "unknown key"); the key's `kty` (and `crv`) must fit the algorithm and the
 *   key's own `alg`, when it has one, must be the token's;
 * - HS256: only with the legacy secret, when there is one (never with a JWKS key);
 * - anything else (`none` included): "unsupported algorithm".
 * Then `exp` is required and must be in the future, and `nbf`, if any, in the past.
 */
export async function verifyToken(
  token: string,
  keys: VerifyKeys,
  now: number = Math.floor(Date.now() / 1000),
): Promise<Verified> {
  const t = parse(token);
  if (!t) return { ok: false, reason: "malformed" };
  const alg = t.header.alg;
  if (alg === "HS256") {
    if (!keys.secret) return { ok: false, reason: "unsupported algorithm" };
    if (!(await hmacValid(t, keys.secret))) return { ok: false, reason: "bad signature" };
    return checkTimes(t.claims, now, true);
  }
  if (typeof alg !== "string" || !Object.hasOwn(ASYMMETRIC, alg)) {
    return { ok: false, reason: "unsupported algorithm" };
  }
  const kid = t.header.kid;
  const key = typeof kid === "string" ? keys.jwks?.keys.find((k) => k.kid === kid) : undefined;
  if (!key) return { ok: false, reason: "unknown key" };
  const spec = ASYMMETRIC[alg];
  if (key.kty !== spec.kty || (spec.crv && key.crv !== spec.crv) || (key.alg !== undefined && key.alg !== alg)) {
    return { ok: false, reason: "algorithm does not match the key" };
  }
  let valid = false;
  try {
    valid = await crypto.subtle.verify(spec.verify, await importPublic(key, alg), t.signature, t.input);
  } catch {
    valid = false; // a key that does not import, a signature of the wrong length
  }
  if (!valid) return { ok: false, reason: "bad signature" };
  return checkTimes(t.claims, now, true);
}
