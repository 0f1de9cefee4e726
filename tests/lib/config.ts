//! Where the end-to-end tests find the running stack, and which keys it runs with: the
//! same env names and defaults as scripts/lib.sh, so `API_PORT=... deno test` and
//! `scripts/stack.sh` agree.
//!
//! Keys (docs/LOCAL-STACK.md "Keys"): the mode is STACK_KEYS when set, else the running
//! stack's (what `stack.sh start` recorded in .local*/run/keys.json), else `signing`.
//! Signing mode: tokens are ES256, signed with the first key of supabase/signing_keys.json
//! (its kid in the header); legacy mode: HS256 with the well-known JWT secret.

import { type Jwk, type Jwks, publicJwks } from "../../local/jwt.ts";

const env = (k: string, d: string) => Deno.env.get(k) || d;

// STACK_SLOT=N moves every port up by N*1000, as in scripts/lib.sh.
const slotNumber = Number(env("STACK_SLOT", "0"));
const slot = slotNumber * 1000;
const apiPort = env("API_PORT", String(54321 + slot));
const dbPort = env("DB_PORT", String(54322 + slot));
const mailPort = env("MAIL_PORT", String(54324 + slot));
const mailSmtpPort = env("MAIL_SMTP_PORT", String(54325 + slot));

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const LOCAL_DIR = slotNumber === 0 ? `${ROOT}/.local` : `${ROOT}/.local-${slotNumber}`;

export type KeyMode = "signing" | "legacy";

/** The well-known legacy values `supabase start` prints (scripts/lib.sh holds the same). */
const LEGACY = {
  jwtSecret: "super-secret-jwt-token-with-at-least-32-characters-long",
  anonKey:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0",
  serviceRoleKey:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU",
};

interface KeysRecord {
  mode: KeyMode;
  publishable_key: string;
  secret_key: string;
  anon_key: string;
  service_role_key: string;
  jwt_secret: string | null;
  jwks: Jwks;
  signing_keys_file: string | null;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

const recordText = readText(`${LOCAL_DIR}/run/keys.json`);
const record = recordText ? (JSON.parse(recordText) as KeysRecord) : null;
const keyMode = env("STACK_KEYS", record?.mode ?? "signing") as KeyMode;
if (keyMode !== "signing" && keyMode !== "legacy") throw new Error(`STACK_KEYS must be signing or legacy, not ${keyMode}`);
// The running stack's values when it runs in this mode; else computed as lib.sh does.
const current = record?.mode === keyMode ? record : null;

/**
 * The private signing keys (signing mode; the first signs): supabase/signing_keys.json,
 * which the stack generates on first start. None yet: tests that sign fail (auth.ts).
 */
export const signingKeysFile = current?.signing_keys_file ?? env("SIGNING_KEYS_FILE", `${ROOT}/supabase/signing_keys.json`);
const signingKeysText = keyMode === "signing" ? readText(signingKeysFile) : null;
const signingKeys = signingKeysText ? (JSON.parse(signingKeysText) as Jwk[]) : [];
/** The role JWTs signing mode derived (scripts/keys.ts), when the stack has not said. */
const derived = (role: string) => readText(`${LOCAL_DIR}/keys/${role}.jwt`)?.trim() ?? "";

export const config = {
  apiUrl: env("API_URL", `http://127.0.0.1:${apiPort}`),
  // As scripts/lib.sh's DB_URL (sslmode=disable since 9685a86): the host injects that
  // string as SUPABASE_DB_URL, and local/tests/stack.test.ts compares it.
  dbUrl: env("DB_URL", `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`),
  /** Mailpit, the mail catcher Auth sends to: its web UI and API, and its SMTP port. */
  mailUrl: env("MAIL_URL", `http://127.0.0.1:${mailPort}`),
  mailSmtpPort: Number(mailSmtpPort),
  /** `signing` (ES256 signing keys, the default) or `legacy` (HS256 shared secret). */
  keyMode,
  /** The `sb_` API keys `supabase start` prints, in both modes. */
  publishableKey: current?.publishable_key ?? env("PUBLISHABLE_KEY", "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH"),
  secretKey: current?.secret_key ?? env("SECRET_KEY", "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz"),
  /** The legacy HS256 secret: legacy mode only (a project with signing keys has none). */
  jwtSecret: keyMode === "legacy" ? (current?.jwt_secret ?? env("JWT_SECRET", LEGACY.jwtSecret)) : null,
  /** The role JWTs of the mode (ES256 in signing mode, the well-known HS256 ones in legacy). */
  anonKey: current?.anon_key ?? (keyMode === "legacy" ? env("ANON_KEY", LEGACY.anonKey) : derived("anon")),
  serviceRoleKey: current?.service_role_key ??
    (keyMode === "legacy" ? env("SERVICE_ROLE_KEY", LEGACY.serviceRoleKey) : derived("service_role")),
  /** The public keys tokens verify against (`{"keys": []}` in legacy mode). */
  jwks: current?.jwks ?? (keyMode === "signing" ? publicJwks(signingKeys) : { keys: [] }) as Jwks,
  /** The private key tokens are signed with in signing mode (first key), else null. */
  signingKey: (signingKeys[0] ?? null) as Jwk | null,
} as const;

export const functionsUrl = `${config.apiUrl}/functions/v1`;
export const restUrl = `${config.apiUrl}/rest/v1`;

/** Where the running stack's parts write their logs (`.local/logs`, or `.local-<slot>/logs`). */
export const logDir = `${LOCAL_DIR}/logs`;
/** Where the running stack keeps its pid files and rendered configs. */
export const runDir = `${LOCAL_DIR}/run`;
