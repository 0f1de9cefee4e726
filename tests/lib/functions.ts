//! Calling edge functions the way the frontend does: `invoke` is the typed call of the
//! generated contract (contract/functions.ts), so a test's body, the fields it reads and
//! the error codes it expects are checked by `deno check` against the Rust types.
//! `invokeRaw` is for what the contract does not describe on purpose: a wrong method, a
//! malformed body, another content type.

import { FunctionsHttpError, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import {
  type FunctionError,
  type FunctionErrorCode,
  type FunctionInput,
  type FunctionName,
  type FunctionOutput,
  type FunctionsCaller,
  invoke as invokeTyped,
} from "../../contract/functions.ts";
import { assert, assertEquals } from "./assert.ts";

export type { FunctionErrorCode, FunctionInput, FunctionName, FunctionOutput, JsonValue } from "../../contract/functions.ts";

/** A typed answer: the output on a 2xx, else one of the function's declared errors. */
export type Called<F extends FunctionName> =
  | { ok: true; status: number; headers: Headers; body: FunctionOutput<F> }
  | { ok: false; status: number; headers: Headers; body: { error: FunctionError<F> } };

/** `invoke` of contract/functions.ts, answered with the status and headers in hand. */
export async function invoke<F extends FunctionName>(
  client: FunctionsCaller,
  name: F,
  body: FunctionInput<F>,
  options: { headers?: Record<string, string> } = {},
): Promise<Called<F>> {
  const got = await invokeTyped(client, name, body, options);
  const headers = got.response.headers;
  return got.ok
    ? { ok: true, status: got.status, headers, body: got.data }
    : { ok: false, status: got.status, headers, body: { error: got.error } };
}

/** An untyped answer of `invokeRaw` (`raw` keeps a typed answer from passing for one). */
export interface Invoked {
  raw: true;
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  headers: Headers;
}

type InvokeOptions = Parameters<SupabaseClient["functions"]["invoke"]>[1];

/**
 * `client.functions.invoke(name, options)` with any options, answered as {status, body,
 * headers}. A non-2xx answer is supabase-js's `FunctionsHttpError`, whose `context` is
 * the Response; a network or relay error is thrown.
 */
export async function invokeRaw(
  client: FunctionsCaller,
  name: string,
  options?: InvokeOptions,
): Promise<Invoked> {
  const { data, error, response } = await client.functions.invoke(name, options);
  if (!error) return { raw: true, status: response!.status, body: data, headers: response!.headers };
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch { /* not JSON: keep the text */ }
    return { raw: true, status: res.status, body, headers: res.headers };
  }
  throw error;
}

/** A 2xx (`status`, 200 unless given) with the function's output: narrows `got.body`. */
export function assertOk<F extends FunctionName>(
  got: Called<F>,
  status = 200,
): asserts got is Extract<Called<F>, { ok: true }> {
  assertEquals(got.status, status, `status (body: ${JSON.stringify(got.body)})`);
  assert(got.ok, `a success, got ${JSON.stringify(got.body)}`);
}

/** The project's error body, `{"error":{"code","message","details"}}`, with this code. */
export function assertApiError<F extends FunctionName>(
  got: Called<F>,
  status: number,
  code?: FunctionErrorCode<F>,
): asserts got is Extract<Called<F>, { ok: false }>;
export function assertApiError(got: Invoked, status: number, code?: string): void;
export function assertApiError(got: Invoked | Called<FunctionName>, status: number, code?: string): void {
  assertEquals(got.status, status, `status (body: ${JSON.stringify(got.body)})`);
  const err = got.body?.error;
  assert(err && typeof err === "object", `an {error: ...} body, got ${JSON.stringify(got.body)}`);
  assertEquals(typeof err.code, "string", "error.code");
  assertEquals(typeof err.message, "string", "error.message");
  assert("details" in err, "error.details present");
  if (code) assertEquals(err.code, code, "error.code");
  assertEquals(got.headers.get("access-control-allow-origin"), "*", "CORS header on the error");
}
