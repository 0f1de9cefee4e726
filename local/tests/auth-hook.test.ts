//! The Auth stand-in (local/auth) runs the custom access token hook as Supabase Auth runs
//! it: a hook that fails, or answers claims Supabase Auth's schema refuses, fails the
//! sign-in with Supabase Auth's error. Each case starts a second stand-in beside the
//! stack's, on a free port, whose config.toml names a hook function made for the case
//! (the project's own hook is never touched), and signs in against it directly.

import { assert, assertEquals } from "../../tests/lib/assert.ts";
import { createUser, deleteUsers, psql, uniqueEmail } from "../../tests/lib/mod.ts";
import { post, withHookFunction, withStandIn } from "./auth-standin.ts";

const PASSWORD = "hook test password";

/** A stand-in whose hook is `public.<fn>` with `body` (plpgsql returning jsonb). */
function withHook(fn: string, body: string, run: (url: string) => Promise<void>): Promise<void> {
  const toml = `[auth.hook.custom_access_token]\nenabled = true\nuri = "pg-functions://postgres/public/${fn}"\n`;
  return withHookFunction(fn, body, () => withStandIn(toml, run));
}

function signIn(url: string, email: string): Promise<{ status: number; body: any }> {
  return post(url, "/token?grant_type=password", { email, password: PASSWORD });
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
