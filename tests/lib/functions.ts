//! Calling edge functions the way the frontend does (`supabase.functions.invoke`), with
//! the status and the parsed body in hand whatever the outcome.

import { FunctionsHttpError, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { assert, assertEquals } from "./assert.ts";

export interface Invoked {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  headers: Headers;
}

type InvokeOptions = Parameters<SupabaseClient["functions"]["invoke"]>[1];

/**
 * `client.functions.invoke(name, options)`, answered as {status, body, headers}. A non-2xx
 * answer is supabase-js's `FunctionsHttpError`, whose `context` is the Response; a network
 * or relay error is thrown.
 */
export async function invoke(
  client: SupabaseClient,
  name: string,
  options?: InvokeOptions,
): Promise<Invoked> {
  const { data, error, response } = await client.functions.invoke(name, options);
  if (!error) return { status: response!.status, body: data, headers: response!.headers };
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch { /* not JSON: keep the text */ }
    return { status: res.status, body, headers: res.headers };
  }
  throw error;
}

/** The project's error body, `{"error":{"code","message","details"}}`, with this code. */
export function assertApiError(got: Invoked, status: number, code?: string): void {
  assertEquals(got.status, status, `status (body: ${JSON.stringify(got.body)})`);
  const err = got.body?.error;
  assert(err && typeof err === "object", `an {error: ...} body, got ${JSON.stringify(got.body)}`);
  assertEquals(typeof err.code, "string", "error.code");
  assertEquals(typeof err.message, "string", "error.message");
  assert("details" in err, "error.details present");
  if (code) assertEquals(err.code, code, "error.code");
  assertEquals(got.headers.get("access-control-allow-origin"), "*", "CORS header on the error");
}
