//! Test mode's control endpoint on the host's own port, for the end-to-end tests'
//! `withFunctionEnv` (tests/lib/function-env.ts): a function's env overlay.
//!   GET    /_internal/test/env/<name>   -> {name, state, overlay_keys, env_keys}
//!   PUT    /_internal/test/env/<name>   {"overlay": {"KEY": "value" | null}} -> the same,
//!          after the function's process was restarted with base env + overlay (null
//!          removes a key) and is up again
//!   DELETE /_internal/test/env/<name>   back to the base env (restarted if it had one)
//! Values never come back, only key names. The gateway does not route
//! `/functions/v1/_internal/` (but health) to the host (local/gateway/nginx.conf.tmpl), and
//! the host refuses these paths on a request that came through a proxy (X-Forwarded-*), so
//! only a process on this machine talking to the host's port reaches them.

import { log } from "./log.ts";
import { BOOT_WAIT_MS, json } from "./proxy.ts";
import type { Worker } from "./supervisor.ts";

/**
 * The function a control request names, or null when the request is not one the host
 * takes as control: outside test mode, or relayed by the gateway (or any proxy).
 */
export function controlTarget(req: Request, testMode: boolean): string | null {
  const m = new URL(req.url).pathname.match(/^\/_internal\/test\/env\/([^/]+)$/);
  if (!m || !testMode) return null;
  if (req.headers.has("x-forwarded-for") || req.headers.has("x-forwarded-prefix")) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1]; // not a name any function has: 404
  }
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Keys the host owns: an overlay may not touch them. */
const HOST_KEYS = new Set(["SB_FUNCTION_PORT", "DENO_DIR"]);

function envReport(worker: Worker) {
  return {
    name: worker.spec.name,
    state: worker.state,
    overlay_keys: Object.fromEntries(
      Object.entries(worker.overlay).map(([k, v]) => [k, v === null ? "removed" : "set"]),
    ),
    env_keys: Object.keys(worker.env()).sort(),
  };
}

export async function testEnvControl(
  req: Request,
  name: string,
  workers: Map<string, Worker>,
): Promise<Response> {
  const worker = workers.get(name);
  if (!worker) return json({ error: `no function ${name}` }, 404);
  if (req.method === "GET") return json(envReport(worker), 200);
  let overlay: Record<string, string | null> = {};
  if (req.method === "PUT") {
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return json({ error: "body must be JSON {overlay: {KEY: string | null}}" }, 400);
    }
    const given = (body as { overlay?: unknown })?.overlay;
    if (typeof given !== "object" || given === null || Array.isArray(given)) {
      return json({ error: "body must be JSON {overlay: {KEY: string | null}}" }, 400);
    }
    for (const [k, v] of Object.entries(given)) {
      if (!ENV_KEY.test(k) || HOST_KEYS.has(k)) return json({ error: `key ${k} cannot be set` }, 400);
      if (v !== null && typeof v !== "string") return json({ error: `${k}: a string or null` }, 400);
    }
    overlay = given as Record<string, string | null>;
  } else if (req.method !== "DELETE") {
    return json({ error: "GET, PUT or DELETE" }, 405);
  }
  const unchanged = JSON.stringify(overlay) === JSON.stringify(worker.overlay) && worker.state === "up";
  if (!unchanged) {
    worker.overlay = overlay;
    log(`${name}: env overlay ${JSON.stringify(envReport(worker).overlay_keys)}; restarting`);
    await worker.restart();
    if (!(await worker.ready(BOOT_WAIT_MS))) return json({ ...envReport(worker), error: "did not come up" }, 503);
  }
  return json(envReport(worker), 200);
}
