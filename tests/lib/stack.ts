//! Preconditions of the end-to-end suite: the stack answers, and the functions a test
//! needs are being served. Each check fails with the command that fixes it.

import { config } from "./config.ts";

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
