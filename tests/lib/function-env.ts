//! Run a function with or without vendor keys inside one end-to-end run: the functions
//! host (in test mode, `scripts/stack.sh start --test`) restarts that function's process
//! with an env overlay and waits until it is up again. Other functions are untouched.
//!
//!   await withFunctionEnv("analyze-resume", vendorKeys("openai"), async () => {
//!     // analyze-resume now has OPENAI_API_KEY (pointed at the OpenAI fake)
//!   });
//!   await withFunctionEnv("analyze-resume", { OPENAI_API_KEY: null }, async () => { ... });
//!
//! The overlay is the host's, not the test's: tests that change the same function must
//! not run concurrently (Deno runs a file's tests one after another; do not use
//! `--parallel` with these). The control endpoint is on the host's own port, which the
//! gateway does not expose (docs/LOCAL-STACK.md).

import { STACK_SLOT_OFFSET } from "./fakes.ts";

/** The functions host itself (not the gateway): scripts/lib.sh's FUNCTIONS_PORT. */
export const functionsHostUrl = `http://127.0.0.1:${
  Deno.env.get("FUNCTIONS_PORT") || String(54331 + STACK_SLOT_OFFSET)
}`;

export interface FunctionEnv {
  name: string;
  state: string;
  /** Overlay keys: "set" or "removed". */
  overlay_keys: Record<string, "set" | "removed">;
  /** Every env key the function's process has (values are never reported). */
  env_keys: string[];
}

async function control(method: string, name: string, body?: unknown): Promise<FunctionEnv> {
  let res: Response;
  try {
    res = await fetch(`${functionsHostUrl}/_internal/test/env/${encodeURIComponent(name)}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(`functions host at ${functionsHostUrl} does not answer (${e}); start the stack with scripts/stack.sh start --test`);
  }
  const text = await res.text();
  if (res.status === 404 && text === "Function not found") {
    throw new Error("the functions host is not in test mode; start the stack with scripts/stack.sh start --test");
  }
  if (!res.ok) throw new Error(`${method} env of ${name}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Restart `name` with `overlay` on top of its base env (`null` removes a key). */
export function setFunctionEnv(name: string, overlay: Record<string, string | null>): Promise<FunctionEnv> {
  return control("PUT", name, { overlay });
}

/** Back to the base env (a restart only if an overlay was set). */
export function resetFunctionEnv(name: string): Promise<FunctionEnv> {
  return control("DELETE", name);
}

/** What `name` runs with now. */
export function functionEnv(name: string): Promise<FunctionEnv> {
  return control("GET", name);
}

/**
 * Run `body` while `name` has `overlay`, then put `name` back on its base env. Not
 * nestable for one function: an overlay left by an interrupted run is replaced.
 */
export async function withFunctionEnv<T>(
  name: string,
  overlay: Record<string, string | null>,
  body: () => Promise<T>,
): Promise<T> {
  await setFunctionEnv(name, overlay);
  try {
    return await body();
  } finally {
    await resetFunctionEnv(name);
  }
}
