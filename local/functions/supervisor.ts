//! The functions' processes: one `deno run` per function (its own isolate, as on
//! Supabase), on its own port, started with a cleared env (only what a function gets on
//! Supabase, plus what Deno itself needs), its output prefixed `[name]` in the host's log,
//! and restarted when it dies: quickly after a long life, with back-off while it keeps
//! dying at boot.

import { ROOT } from "./config.ts";
import type { FunctionSpec } from "./discovery.ts";
import { log } from "./log.ts";

// "crashed": exited at boot three times in a row (a missing build, a syntax error); it
// is still retried, but requests get 503 at once instead of waiting for it.
export type State = "starting" | "up" | "down" | "crashed" | "stopped";

export class Worker {
  state: State = "down";
  restarts = 0;
  private proc?: Deno.ChildProcess;
  private upSince = 0;
  private failures = 0;
  private bootFailures = 0;
  private waiters: (() => void)[] = [];
  /** Test mode: keys added (string) or removed (null) on top of the base env. */
  overlay: Record<string, string | null> = {};

  constructor(
    readonly spec: FunctionSpec,
    readonly port: number,
    private readonly deno: string,
    private readonly baseEnv: Record<string, string>,
  ) {}

  /** Base env + overlay; the host's own SB_FUNCTION_PORT always wins. */
  env(): Record<string, string> {
    const env = { ...this.baseEnv };
    for (const [k, v] of Object.entries(this.overlay)) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    return { ...env, SB_FUNCTION_PORT: String(this.port) };
  }

  start(): void {
    if (this.state === "stopped") return;
    if (this.state !== "crashed") this.state = "starting";
    const cmd = new Deno.Command(this.deno, {
      args: ["run", "--allow-net", "--allow-read", "--allow-env", "--no-prompt", this.spec.entry],
      cwd: ROOT,
      // Only what a function gets on Supabase, plus what Deno itself needs.
      clearEnv: true,
      env: this.env(),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const proc = cmd.spawn();
    this.proc = proc;
    pipeLines(proc.stdout, `[${this.spec.name}] `, Deno.stdout);
    pipeLines(proc.stderr, `[${this.spec.name}] `, Deno.stderr);
    this.awaitListening(proc);
    proc.status.then((status) => this.exited(proc, status));
  }

  private async awaitListening(proc: Deno.ChildProcess): Promise<void> {
    const t0 = performance.now();
    const booting = () => this.state === "starting" || this.state === "crashed";
    while (this.proc === proc && booting()) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
        conn.close();
        if (this.proc !== proc || !booting()) return;
        this.state = "up";
        this.upSince = Date.now();
        this.bootFailures = 0;
        log(`${this.spec.name} up on :${this.port} (pid ${proc.pid}, ${Math.round(performance.now() - t0)} ms)`);
        this.waiters.splice(0).forEach((w) => w());
        return;
      } catch {
        await sleep(25);
      }
    }
  }

  private exited(proc: Deno.ChildProcess, status: Deno.CommandStatus): void {
    if (this.proc !== proc) return;
    this.proc = undefined;
    if (this.state === "stopped") return;
    // A process that stayed up a while earns a quick restart; one that keeps dying
    // at boot backs off, so a broken build does not spin the machine.
    if (this.state === "up" && Date.now() - this.upSince > 10_000) this.failures = 0;
    this.failures++;
    if (this.state !== "up") this.bootFailures++;
    this.state = this.bootFailures >= 3 ? "crashed" : "down";
    const delay = Math.min(5_000, 100 * 2 ** (this.failures - 1));
    log(`${this.spec.name} exited (code ${status.code}${status.signal ? `, ${status.signal}` : ""}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (this.state === "down" || this.state === "crashed") {
        this.restarts++;
        this.start();
      }
    }, delay);
  }

  /** Resolve true once the worker listens, false after `ms`. */
  ready(ms: number): Promise<boolean> {
    if (this.state === "up") return Promise.resolve(true);
    if (this.state === "crashed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** A fresh process: after a rebuild, or to clear a function's state. */
  async restart(): Promise<void> {
    const old = this.proc;
    this.proc = undefined; // so its exit is not taken for a crash
    this.failures = 0;
    this.bootFailures = 0;
    this.state = "down";
    if (old) {
      try {
        old.kill("SIGTERM");
      } catch { /* already gone */ }
      const done = await Promise.race([old.status.then(() => true), sleep(3_000).then(() => false)]);
      if (!done) {
        try {
          old.kill("SIGKILL");
        } catch { /* already gone */ }
        await old.status;
      }
    }
    this.restarts++;
    this.start();
  }

  async stop(): Promise<void> {
    this.state = "stopped";
    const proc = this.proc;
    if (!proc) return;
    try {
      proc.kill("SIGTERM");
    } catch { /* already gone */ }
    const killed = await Promise.race([proc.status.then(() => true), sleep(3_000).then(() => false)]);
    if (!killed) {
      try {
        proc.kill("SIGKILL");
      } catch { /* already gone */ }
      await proc.status;
    }
  }
}

async function pipeLines(stream: ReadableStream<Uint8Array>, prefix: string, out: typeof Deno.stdout) {
  const enc = new TextEncoder();
  let rest = "";
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      if (lines.length) await out.write(enc.encode(lines.map((l) => prefix + l + "\n").join("")));
    }
    if (rest) await out.write(enc.encode(prefix + rest + "\n"));
  } catch { /* the process went away */ }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
