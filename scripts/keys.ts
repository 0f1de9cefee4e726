//! The local stack's signing-mode values, derived from its private signing key
//! (scripts/lib.sh `ensure_keys` runs this; docs/LOCAL-STACK.md "Keys").
//!
//!   deno run --allow-read --allow-write scripts/keys.ts generate <signing_keys.json>
//!       a new private ES256 key as a one-key array, in `supabase gen signing-key`'s format
//!       (the fallback when the Supabase CLI cannot generate one)
//!   deno run --allow-read --allow-write scripts/keys.ts derive <signing_keys.json> <dir>
//!       <dir>/jwks.json         the public keys: {"keys": [...]}, public members only
//!       <dir>/anon.jwt          {"iss":"supabase-demo","role":"anon","exp":1983812996}
//!       <dir>/service_role.jwt  the same with role service_role
//!   The JWTs are signed ES256 with the first key (the one Supabase Auth signs with), its
//!   kid in the header; same claims as the well-known legacy keys `supabase start` prints.

import { generateEs256Jwk, type Jwk, publicJwks, signEs256 } from "../local/jwt.ts";

/** The legacy keys' expiry (2032-11-12), kept so both modes' role keys read alike. */
const EXP = 1983812996;

function readKeys(path: string): Jwk[] {
  const keys = JSON.parse(Deno.readTextFileSync(path));
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${path}: an array of private JWKs, not empty`);
  const first = keys[0] as Jwk;
  if (first.kty !== "EC" || first.crv !== "P-256" || first.alg !== "ES256" || !first.d || !first.kid) {
    throw new Error(`${path}: the first key must be a private ES256 (EC P-256) JWK with a kid`);
  }
  return keys;
}

/** Write a file in one step (a temporary file renamed over it). */
function writeAtomically(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(tmp, text, { mode });
  Deno.renameSync(tmp, path);
}

async function main(args: string[]): Promise<void> {
  const [cmd, file, dir] = args;
  if (cmd === "generate" && file) {
    writeAtomically(file, JSON.stringify([await generateEs256Jwk()], null, 2) + "\n", 0o600);
  } else if (cmd === "derive" && file && dir) {
    const keys = readKeys(file);
    Deno.mkdirSync(dir, { recursive: true });
    writeAtomically(`${dir}/jwks.json`, JSON.stringify(publicJwks(keys)) + "\n");
    for (const role of ["anon", "service_role"]) {
      const jwt = await signEs256({ iss: "supabase-demo", role, exp: EXP }, keys[0]);
      writeAtomically(`${dir}/${role}.jwt`, jwt + "\n");
    }
  } else {
    console.error("usage: keys.ts generate <signing_keys.json> | derive <signing_keys.json> <dir>");
    Deno.exit(2);
  }
}

if (import.meta.main) await main(Deno.args);
