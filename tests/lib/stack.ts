//! Preconditions of the end-to-end suite: the stack answers, and the functions a test
//! needs are being served. Each check fails with the command that fixes it. Also the
//! faults the stack's own tests cause: a part's process killed, and waiting for it back.

import { clientKey } from "./clients.ts";
import { config, runDir } from "./config.ts";

let checked: Promise<void> | undefined;

/** The gateway answers; otherwise a clear error instead of a wall of fetch failures. */
export function requireStack(): Promise<void> {
  checked ??= (async () => {
    try {
      const res = await fetch(`${config.apiUrl}/`);
      await res.body?.cancel();
      if (!res.ok) throw new Error(`status ${res.status}`);
    } catch (e) {
      throw new Error(
        `the local stack does not answer at ${config.apiUrl} (${e}); start it with scripts/stack.sh start`,
      );
    }
  })();
  return checked;
}

/** The function names the functions host serves (its health, through the gateway). */
export async function servedFunctions(): Promise<Record<string, { state: string }>> {
  await requireStack();
  const res = await fetch(`${config.apiUrl}/functions/v1/_internal/health`);
  if (!res.ok) throw new Error(`functions host health: ${res.status} ${await res.text()}`);
  return (await res.json()).functions;
}

/** Fail unless `name` is served and up, naming the setting that serves it. */
export async function requireFunction(name: string, hint: string): Promise<void> {
  const fns = await servedFunctions();
  if (fns[name]?.state !== "up") {
    throw new Error(
      `function ${name} is not served by the running stack (${fns[name]?.state ?? "absent"}); ${hint}`,
    );
  }
}

/** Kill (SIGKILL) the one process `part`'s supervisor runs; local/supervise.sh restarts it. */
export async function killPart(part: string): Promise<void> {
  const supervisor = (await Deno.readTextFile(`${runDir}/${part}.pid`)).trim();
  const children = new TextDecoder().decode(
    (await new Deno.Command("pgrep", { args: ["-P", supervisor] }).output()).stdout,
  ).trim().split("\n").filter(Boolean);
  if (children.length !== 1) throw new Error(`the supervisor of ${part} runs ${children.length} processes, not one`);
  await new Deno.Command("kill", { args: ["-KILL", children[0]] }).output();
}

/** Whether the REST server answers through the gateway within `ms`, polling every 100 ms. */
export async function restAnswersWithin(ms: number): Promise<boolean> {
  const answers = async () => {
    try {
      const r = await fetch(`${config.apiUrl}/rest/v1/`, { headers: { apikey: clientKey } });
      await r.body?.cancel();
      return r.status === 200;
    } catch {
      return false;
    }
  };
  for (let waited = 0; waited < ms; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    if (await answers()) return true;
  }
  return false;
}
