//! The Auth stand-in (local/auth) runs the custom access token hook as Supabase Auth runs
//! it: a hook that fails, or answers claims Supabase Auth's schema refuses, fails the
//! sign-in with Supabase Auth's error. Each case starts a second stand-in beside the
//! stack's, on a free port, whose config.toml names a hook function made for the case
//! (the project's own hook is never touched), and signs in against it directly.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { config, createUser, deleteUsers, psql, uniqueEmail } from "../../tests/lib/mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const BIN = `${Deno.env.get("CARGO_TARGET_DIR") || `${ROOT}/local/auth/target`}/release/local-auth`;
const DB_PORT = new URL(config.dbUrl).port;
const PASSWORD = "hook test password";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A stand-in whose hook is `public.<fn>` with `body` (plpgsql returning jsonb). */
async function withHook(
  fn: string,
  body: string,
  run: (url: string) => Promise<void>,
): Promise<void> {
  await psql(
    `create or replace function public.${fn}(event jsonb) returns jsonb language plpgsql as $$ ${body} $$;
     grant execute on function public.${fn}(jsonb) to supabase_auth_admin;`,
  );
  const dir = await Deno.makeTempDir();
  const port = freePort();
  await Deno.writeTextFile(
    `${dir}/config.toml`,
    `[auth.hook.custom_access_token]\nenabled = true\nuri = "pg-functions://postgres/public/${fn}"\n`,
  );
  const child = new Deno.Command(BIN, {
    env: {
      AUTH_PORT: String(port),
      AUTH_DATABASE_URL: `postgresql://supabase_auth_admin:postgres@127.0.0.1:${DB_PORT}/postgres`,
      API_URL: config.apiUrl,
      AUTH_CONFIG_FILE: `${dir}/config.toml`,
      STACK_KEYS: "legacy",
      JWT_SECRET: "a-secret-for-the-hook-test-of-at-least-32-characters",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/health`).then((r) => r.body?.cancel().then(() => r.ok)).catch(() => false);
      if (up) break;
      if (i > 100) throw new Error(`the stand-in (${BIN}) did not start; built? scripts/setup.sh`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await run(url);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
    await psql(`drop function if exists public.${fn}(jsonb);`);
  }
}

async function signIn(url: string, email: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/token?grant_type=password`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return { status: r.status, body: await r.json() };
}

async function sessions(userId: string): Promise<string> {
  return (await psql(`select count(*) from auth.sessions where user_id = :'id'`, { id: userId })).trim();
}

Deno.test("auth hook: claims that pass Supabase Auth's schema are what the token carries", async () => {
  const user = await createUser(uniqueEmail("hook-ok"), { password: PASSWORD });
  try {
    await withHook(
      "test_hook_adds_a_claim",
      `begin return jsonb_build_object('claims', event->'claims' || '{"plan":"gold"}'); end;`,
      async (url) => {
        const { status, body } = await signIn(url, user.email);
        assertEquals(status, 200);
        const claims = JSON.parse(atob(body.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
        assertEquals(claims.plan, "gold");
        assertEquals(claims.sub, user.id);
      },
    );
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("auth hook: claims without a required field fail the sign-in with 500, and no session is left", async () => {
  const user = await createUser(uniqueEmail("hook-bad"), { password: PASSWORD });
  try {
    await withHook(
      "test_hook_drops_aud",
      `begin return jsonb_build_object('claims', (event->'claims') - 'aud'); end;`,
      async (url) => {
        const { status, body } = await signIn(url, user.email);
        assertEquals(status, 500);
        assertEquals(body.code, "unexpected_failure");
        assert(String(body.message).startsWith("output claims do not conform to the expected schema"), body.message);
        assertEquals(await sessions(user.id), "0", "the sign-in's transaction was rolled back");
      },
    );
  } finally {
    await deleteUsers(user.id);
  }
});

Deno.test("auth hook: a hook's own error answers its status; a hook that raises answers 500", async () => {
  const user = await createUser(uniqueEmail("hook-err"), { password: PASSWORD });
  try {
    await withHook(
      "test_hook_refuses",
      `begin return '{"error": {"http_code": 403, "message": "not this one"}}'::jsonb; end;`,
      async (url) => {
        const { status, body } = await signIn(url, user.email);
        assertEquals([status, body.code, body.message], [403, "unknown", "not this one"]);
      },
    );
    await withHook(
      "test_hook_raises",
      `begin raise exception 'broken hook'; end;`,
      async (url) => {
        const { status, body } = await signIn(url, user.email);
        assertEquals(status, 500);
        assertEquals(body.message, "Error running hook URI: pg-functions://postgres/public/test_hook_raises");
      },
    );
  } finally {
    await deleteUsers(user.id);
  }
});
