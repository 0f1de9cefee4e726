//! The Storage API's settings, read from the env once, at start (the list is in server.ts).

import { stackKeysFromEnv } from "../jwt.ts";

const env = (k: string, d: string) => Deno.env.get(k) || d;
export const PORT = Number(env("STORAGE_PORT", "54332"));
/** The internal postrust that exposes only the `storage` schema. */
export const REST = env("STORAGE_REST_URL", "http://127.0.0.1:54333").replace(/\/$/, "");
/** Where the bytes live: `<DIR>/<bucket>/<path>`. */
export const DIR = env("STORAGE_DIR", new URL("../../.local/storage", import.meta.url).pathname).replace(/\/$/, "");
/** What a caller's token is checked against: the JWKS, and in legacy mode the secret. */
export const { legacy: LEGACY, keys: KEYS } = stackKeysFromEnv();
export const SERVICE_ROLE_KEY = env(
  "SERVICE_ROLE_KEY",
  LEGACY
    ? "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
    : "",
);
if (!SERVICE_ROLE_KEY) {
  console.error("[storage] signing mode needs SERVICE_ROLE_KEY (start it with scripts/stack.sh)");
  Deno.exit(2);
}
/** The project's upload limit (config.toml's [storage] file_size_limit); a bucket's may be lower. */
export const GLOBAL_LIMIT = Number(env("STORAGE_FILE_SIZE_LIMIT", String(50 * 1024 * 1024)));
