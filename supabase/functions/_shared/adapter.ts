//! The one adapter every edge function wrapper uses: it owns the HTTP server and the
//! boundary between Deno and the Rust `handle(req, env)` export, nothing else.
//!
//! The wrapper instantiates the module once per isolate, before it calls `serve` (it reads
//! the `.wasm` with Deno.readFile and hands the bytes to the glue's `initSync`), so
//! nothing here runs per request but the call itself. Rust
//! answers everything (CORS preflight included); this file only turns a throw (a wasm
//! trap, a bug in the glue) into the project's JSON 500 shape, with CORS headers so a
//! browser shows the 500 rather than a CORS failure.
//!
//! Built-ins only: this file runs unmodified under the real `supabase functions serve`
//! and deploy, where only `npm:` and built-ins resolve.

/** The single export of every function crate (DEVELOPING.md). */
export type Handle = (req: Request, env: Record<string, string>) => Promise<Response>;

/**
 * The headers supabase-js `functions.invoke` needs on every answer, errors included: the
 * request headers are those supabase-js 2.119 sends (its `@supabase/supabase-js/cors`).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers":
    "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};

/** The JSON 500 every uncaught failure becomes; the detail goes to the log only. */
export function internalError(): Response {
  const body = { error: { code: "internal", message: "Internal error", details: null } };
  return new Response(JSON.stringify(body), {
    status: 500,
    headers: { ...CORS_HEADERS, "Content-Type": "application/json" },
  });
}

/**
 * The request handler around `handle`, with `env` bound. Exported so tests can drive it
 * without a server.
 */
export function handlerFor(
  handle: Handle,
  env: Record<string, string>,
): (req: Request) => Promise<Response> {
  return async (req: Request): Promise<Response> => {
    try {
      // `await` inside the `try`: a rejected promise must land in the `catch` below.
      return await handle(req, env);
    } catch (err) {
      const url = new URL(req.url);
      console.error(
        `[adapter] ${req.method} ${url.pathname} threw: ${
          err instanceof Error ? (err.stack ?? err.message) : String(err)
        }`,
      );
      return internalError();
    }
  };
}

/**
 * Serve `handle`. Under the local host `SB_FUNCTION_PORT` names the port; under the real
 * edge runtime it is absent and `Deno.serve`'s defaults apply (the runtime routes to it).
 */
export function serve(handle: Handle): void {
  // Read once: the environment of an isolate does not change while it runs.
  const env = Deno.env.toObject();
  const handler = handlerFor(handle, env);
  const port = env.SB_FUNCTION_PORT;
  if (port) {
    Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen: () => {} }, handler);
  } else {
    Deno.serve(handler);
  }
}
