//! Where the end-to-end tests find the running stack: the same env names and defaults as
//! scripts/lib.sh, so `API_PORT=... deno test` and `scripts/stack.sh` agree.

const env = (k: string, d: string) => Deno.env.get(k) || d;

// STACK_SLOT=N moves every port up by N*1000, as in scripts/lib.sh.
const slot = Number(env("STACK_SLOT", "0")) * 1000;
const apiPort = env("API_PORT", String(54321 + slot));
const dbPort = env("DB_PORT", String(54322 + slot));

export const config = {
  apiUrl: env("API_URL", `http://127.0.0.1:${apiPort}`),
  // As scripts/lib.sh's DB_URL (sslmode=disable since 9685a86): the host injects that
  // string as SUPABASE_DB_URL, and tests/stack.test.ts compares it.
  dbUrl: env("DB_URL", `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`),
  jwtSecret: env("JWT_SECRET", "super-secret-jwt-token-with-at-least-32-characters-long"),
  anonKey: env(
    "ANON_KEY",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0",
  ),
  serviceRoleKey: env(
    "SERVICE_ROLE_KEY",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU",
  ),
} as const;

export const functionsUrl = `${config.apiUrl}/functions/v1`;
export const restUrl = `${config.apiUrl}/rest/v1`;
