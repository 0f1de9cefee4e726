//! A second Auth stand-in (local/auth) beside the stack's, on a free port, with a
//! config.toml of the test's own: for the settings and hooks the stack's config.toml does
//! not have. It shares the stack's database and is stopped when the test's body ends.

import { config, psql, signingKeysFile } from "../../tests/lib/mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const BIN = `${Deno.env.get("CARGO_TARGET_DIR") || `${ROOT}/local/auth/target`}/release/local-auth`;
const DB_PORT = new URL(config.dbUrl).port;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Keys of a second stand-in: its own HS256 secret, or the stack's keys, so that its
 * tokens are good at the gateway (the Data API, the functions) as the stack's are. */
export type StandInKeys = "own" | "stack";

function keyEnv(keys: StandInKeys): Record<string, string> {
  if (keys === "own") {
    return { STACK_KEYS: "legacy", JWT_SECRET: "a-secret-for-the-second-stand-in-of-at-least-32-characters" };
  }
  if (config.keyMode === "legacy") return { STACK_KEYS: "legacy", JWT_SECRET: config.jwtSecret! };
  return { STACK_KEYS: "signing", SIGNING_KEYS_FILE: signingKeysFile, JWKS: JSON.stringify(config.jwks) };
}

/** Runs `body` with the URL of a stand-in started with `configToml`; its mail goes to the
 * stack's Mailpit unless the config names an SMTP server. */
export async function withStandIn(
  configToml: string,
  body: (url: string) => Promise<void>,
  keys: StandInKeys = "own",
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  await Deno.writeTextFile(`${dir}/config.toml`, configToml);
  const child = new Deno.Command(BIN, {
    env: {
      AUTH_PORT: String(port),
      AUTH_DATABASE_URL: `postgresql://supabase_auth_admin:postgres@127.0.0.1:${DB_PORT}/postgres`,
      API_URL: config.apiUrl,
      AUTH_CONFIG_FILE: `${dir}/config.toml`,
      AUTH_SMTP_HOST: "127.0.0.1",
      AUTH_SMTP_PORT: String(config.mailSmtpPort),
      ...keyEnv(keys),
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/health`).then((r) => r.body?.cancel().then(() => r.ok)).catch(() => false);
      if (up) break;
      if (i > 100) {
        throw new Error(`the stand-in (${BIN}) did not start; built? scripts/setup.sh, with the same CARGO_TARGET_DIR`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await body(url);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/** A hook function `public.<fn>(event jsonb)` with `body` (plpgsql), for `body` only. */
export async function withHookFunction(fn: string, plpgsql: string, body: () => Promise<void>): Promise<void> {
  await psql(
    `create or replace function public.${fn}(event jsonb) returns jsonb language plpgsql as $$ ${plpgsql} $$;
     grant execute on function public.${fn}(jsonb) to supabase_auth_admin;`,
  );
  try {
    await body();
  } finally {
    await psql(`drop function if exists public.${fn}(jsonb);`);
  }
}

/** POST a JSON body to the stand-in, as auth-js does (API version 2024-01-01). */
export async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
