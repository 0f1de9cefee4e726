//! User story: a frontend on another origin calls the functions with supabase-js, whatever
//! it sends (postgrest-js's retry count, `tracePropagation`'s trace context): the browser's
//! preflight must allow every header supabase-js's own CORS list names
//! (`@supabase/supabase-js/cors`, the version in package-lock). The Rust pipeline answers
//! the preflight and the errors, the TypeScript adapter a trap's 500: one list, both equal
//! to supabase-js's.

import { corsHeaders } from "../node_modules/@supabase/supabase-js/dist/cors.mjs";
import { CORS_HEADERS } from "../supabase/functions/_shared/adapter.ts";
import { assertEquals } from "./lib/assert.ts";
import { config, functionsUrl, requireStack } from "./lib/mod.ts";

const list = (v: string | null | undefined) => (v ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean).sort();
const want = corsHeaders as Record<string, string>;

Deno.test("the adapter's CORS headers are supabase-js's", () => {
  assertEquals(list(CORS_HEADERS["Access-Control-Allow-Headers"]), list(want["Access-Control-Allow-Headers"]));
  assertEquals(list(CORS_HEADERS["Access-Control-Allow-Methods"]), list(want["Access-Control-Allow-Methods"]));
  assertEquals(CORS_HEADERS["Access-Control-Allow-Origin"], want["Access-Control-Allow-Origin"]);
});

Deno.test("every function's preflight and error answer allow what supabase-js sends", async () => {
  await requireStack();
  for (const fn of ["link-candidate-account", "process-resume", "transcript-relay", "erase-candidate"]) {
    const preflight = await fetch(`${functionsUrl}/${fn}`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": want["Access-Control-Allow-Headers"],
      },
    });
    await preflight.body?.cancel();
    assertEquals(list(preflight.headers.get("access-control-allow-headers")), list(want["Access-Control-Allow-Headers"]), `${fn} preflight`);
    assertEquals(list(preflight.headers.get("access-control-allow-methods")), list(want["Access-Control-Allow-Methods"]), `${fn} methods`);
    // The anon key passes the platform's verify_jwt; the function itself refuses it.
    const refused = await fetch(`${functionsUrl}/${fn}`, {
      method: "POST",
      headers: { Origin: "http://localhost:3000", Authorization: `Bearer ${config.anonKey}`, "Content-Type": "application/json" },
      body: "{}",
    });
    assertEquals(refused.status >= 400 && refused.status < 500, true, `${fn} refuses the anon key: ${refused.status}`);
    await refused.body?.cancel();
    assertEquals(list(refused.headers.get("access-control-allow-headers")), list(want["Access-Control-Allow-Headers"]), `${fn} error answer`);
  }
});
