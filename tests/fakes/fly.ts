//! Contract fake of the Fly Machines API on FAKE_PORTS.fly (FLY_API_BASE_URL), for the app
//! FAKE_FLY_APP, after Fly's documentation: https://fly.io/docs/machines/api/machines-resource/
//! and https://fly.io/docs/machines/api/working-with-machines-api/.
//!
//! Checks, as Fly does:
//! - `Authorization: Bearer <FAKE_KEYS.fly>`, else 401 `{error}`; an unknown app → 404.
//! - `POST /v1/apps/{app}/machines`: `config.image` required; `restart.policy` ∈ no |
//!   always | on-fail; `guest` numbers → 200 Machine `{id, name, state:"created", region,
//!   instance_id, private_ip, config, image_ref, created_at, updated_at, events}`. Over
//!   `fake.machineLimit` live machines → 422.
//! - `GET …/machines/{id}/wait?state=started|stopped|destroyed&timeout=` → `{ok:true}`
//!   once the machine is there (a created machine starts after `fake.startAfterMs`, 0 by
//!   default; `fake.neverStart = true` makes the wait time out → 408); `stopped` needs
//!   `instance_id` (400); an unknown machine → 404.
//! - `DELETE …/machines/{id}?force=true` → `{ok:true}`, state `destroyed`; a started
//!   machine without `force=true` → 412.
//! - `GET …/machines` → the machines not destroyed; `GET …/machines/{id}` → one.
//!
//! Capacity (409) and rate limits (429): `fake.failNext(n, ...flyErrors.capacity())` /
//! `...flyErrors.rateLimited(retryAfterSeconds)`. `fake.machines` is the table.

import { FAKE_PORTS, type Fake, jsonResponse, startFake } from "../lib/fakes.ts";
import { FAKE_FLY_APP, FAKE_KEYS } from "./keys.ts";

export interface FakeMachine {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  private_ip: string;
  config: Record<string, unknown>;
  image_ref: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  events: unknown[];
  /** When it counts as started (ms epoch). */
  startsAt: number;
}

export const flyErrors = {
  capacity: (): [number, unknown] => [409, { error: "insufficient resources available to fulfill request: could not reserve resource for machine" }],
  rateLimited: (retryAfterSeconds = 1): [number, unknown, Record<string, string>] => [
    429,
    { error: "rate limit exceeded" },
    { "retry-after": String(retryAfterSeconds) },
  ],
  machineLimit: (): [number, unknown] => [422, { error: "machine limit reached for this organization" }],
};

export interface FlyFake extends Fake {
  machines: Map<string, FakeMachine>;
  machineLimit: number;
  startAfterMs: number;
  neverStart: boolean;
  /** Machines not destroyed. */
  live(): FakeMachine[];
}

const POLICIES = new Set(["no", "always", "on-fail"]);

export function startFlyFake(port: number = FAKE_PORTS.fly): FlyFake {
  const machines = new Map<string, FakeMachine>();
  const state = { machineLimit: 50, startAfterMs: 0, neverStart: false };

  const stateOf = (m: FakeMachine): string => {
    if (m.state === "created" && !state.neverStart && Date.now() >= m.startsAt) {
      m.state = "started";
      m.updated_at = new Date().toISOString();
    }
    return m.state;
  };
  /** The machine as the API shows it; `advance` lets a created machine have started. */
  const view = (m: FakeMachine, advance = true) => {
    if (advance) stateOf(m);
    const { startsAt: _, ...rest } = m;
    return rest;
  };

  const handler = async (req: Request, body: string): Promise<Response> => {
    const url = new URL(req.url);
    if (req.headers.get("authorization") !== `Bearer ${FAKE_KEYS.fly}`) {
      return jsonResponse(401, { error: "You must be authenticated to view this." });
    }
    const m = url.pathname.match(/^\/v1\/apps\/([^/]+)\/machines(?:\/([^/]+))?(\/wait)?$/);
    if (!m) return jsonResponse(404, { error: "not found" });
    const [, app, id, wait] = m;
    if (decodeURIComponent(app) !== FAKE_FLY_APP) return jsonResponse(404, { error: `app not found: ${app}` });

    if (!id && req.method === "GET") {
      return jsonResponse(200, [...machines.values()].filter((x) => x.state !== "destroyed").map((m) => view(m)));
    }
    if (!id && req.method === "POST") {
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(body);
      } catch {
        return jsonResponse(400, { error: "invalid JSON body" });
      }
      const config = params.config as Record<string, unknown> | undefined;
      if (!config || typeof config.image !== "string" || !config.image) {
        return jsonResponse(400, { error: "invalid config: image is required" });
      }
      const restart = config.restart as Record<string, unknown> | undefined;
      if (restart !== undefined && !POLICIES.has(restart?.policy as string)) {
        return jsonResponse(400, { error: "invalid restart policy" });
      }
      const guest = config.guest as Record<string, unknown> | undefined;
      if (guest !== undefined && (typeof guest.cpus !== "number" || typeof guest.memory_mb !== "number")) {
        return jsonResponse(400, { error: "invalid guest: cpus and memory_mb must be numbers" });
      }
      const liveCount = [...machines.values()].filter((x) => x.state !== "destroyed").length;
      if (liveCount >= state.machineLimit) return jsonResponse(...flyErrors.machineLimit());
      const now = new Date().toISOString();
      const machine: FakeMachine = {
        id: crypto.randomUUID().replaceAll("-", "").slice(0, 14),
        name: typeof params.name === "string" ? params.name : `fake-${machines.size + 1}`,
        state: "created",
        region: typeof params.region === "string" ? params.region : "ams",
        instance_id: crypto.randomUUID().replaceAll("-", "").slice(0, 26).toUpperCase(),
        private_ip: `fdaa:0:1::${machines.size + 2}`,
        config,
        image_ref: { registry: "registry.fly.io", repository: String(config.image).split(":")[0], tag: String(config.image).split(":")[1] ?? "latest" },
        created_at: now,
        updated_at: now,
        events: [{ type: "launch", status: "created", source: "user", timestamp: Date.now() }],
        startsAt: Date.now() + state.startAfterMs,
      };
      machines.set(machine.id, machine);
      return jsonResponse(200, view(machine, false));
    }
    const machine = id ? machines.get(decodeURIComponent(id)) : undefined;
    if (!machine) return jsonResponse(404, { error: "machine not found" });

    if (wait && req.method === "GET") {
      const want = url.searchParams.get("state") ?? "started";
      if (!["started", "stopped", "destroyed"].includes(want)) return jsonResponse(400, { error: `invalid state: ${want}` });
      if (want === "stopped" && !url.searchParams.get("instance_id")) {
        return jsonResponse(400, { error: "instance_id is required to wait for stopped" });
      }
      const timeout = Math.min(60, Number(url.searchParams.get("timeout") ?? "60"));
      if (!Number.isFinite(timeout) || timeout <= 0) return jsonResponse(400, { error: "invalid timeout" });
      const deadline = Date.now() + timeout * 1000;
      // A real wait blocks until the state is reached; the fake polls its own table.
      while (stateOf(machine) !== want) {
        if (Date.now() >= deadline || state.neverStart && want === "started" || machine.state === "destroyed" && want !== "destroyed") {
          return jsonResponse(408, { error: `deadline_exceeded: machine did not reach state ${want}` });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return jsonResponse(200, { ok: true });
    }
    if (!wait && req.method === "GET") return jsonResponse(200, view(machine));
    if (!wait && req.method === "DELETE") {
      if (stateOf(machine) === "started" && url.searchParams.get("force") !== "true") {
        return jsonResponse(412, { error: "failed_precondition: unable to destroy machine, not currently stopped" });
      }
      machine.state = "destroyed";
      machine.updated_at = new Date().toISOString();
      return jsonResponse(200, { ok: true });
    }
    return jsonResponse(405, { error: "method not allowed" });
  };

  const fake = startFake(port, handler);
  const baseReset = fake.reset;
  const out = Object.assign(fake, {
    machines,
    live: () => [...machines.values()].filter((x) => x.state !== "destroyed"),
    reset: () => {
      baseReset();
      machines.clear();
      state.machineLimit = 50;
      state.startAfterMs = 0;
      state.neverStart = false;
    },
  });
  for (const key of ["machineLimit", "startAfterMs", "neverStart"] as const) {
    Object.defineProperty(out, key, { get: () => state[key], set: (v) => ((state as Record<string, unknown>)[key] = v), enumerable: true });
  }
  return out as FlyFake;
}
