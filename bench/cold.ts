//! Cold start and size of the edge functions' isolates, beside a plain `Deno.serve`; prints
//! figures, asserts nothing. No stack needed: every request here is answered before any
//! outbound call.
//!
//!   cold   process start -> first answered request (a CORS preflight) of each wrapper, run
//!          as the functions host runs it (`deno run ... index.ts`), median of RUNS starts
//!          taken in turn: wall ms, CPU ms (every thread of the process, from /proc, when it
//!          answered), each also as the difference to bench/plain (the same adapter with a
//!          JavaScript handler: a plain Deno.serve). Then where that time goes, phase by
//!          phase (bench/cold-probe.ts), and the start with an empty DENO_DIR (the wrapper's
//!          TypeScript transpiled and no V8 code cache, as on a first `deno run`).
//!   wasm   each module's size (raw, gzip -9) against its target, and what loading it alone
//!          costs: Deno.readFile, WebAssembly.compile, WebAssembly.instantiate.
//!
//! Usage: deno run --allow-all bench/cold.ts [cold|wasm]...   (after scripts/build.sh)
//! BENCH_RUNS (default 9) starts per isolate and figure.

const ROOT = new URL("..", import.meta.url).pathname;
const DENO = `${ROOT}node_modules/.bin/deno`;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 9);
/** Module size targets, gzip -9 bytes. */
const GZIP_TARGET = 200_000;
const GZIP_TARGET_OF: Record<string, number> = { "process-resume": 600_000 };

/** The env a function gets from the host; fake values: nothing here calls out. */
const ENV = {
  SUPABASE_URL: "http://supabase.bench",
  SUPABASE_ANON_KEY: "anon",
  SUPABASE_SERVICE_ROLE_KEY: "service",
  SUPABASE_JWT_SECRET: "super-secret-jwt-token-with-at-least-32-characters-long",
  NO_COLOR: "1",
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number, width = 7) => x.toFixed(1).padStart(width);
const delta = (x: number, width = 7) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}`.padStart(width);

function functionNames(): string[] {
  return [...Deno.readDirSync(`${ROOT}supabase/functions`)]
    .filter((e) => e.isDirectory && !e.name.startsWith("_"))
    .map((e) => e.name)
    .filter((n) => {
      try {
        return [...Deno.readDirSync(`${ROOT}supabase/functions/${n}/pkg`)].some((f) => f.name.endsWith("_bg.wasm"));
      } catch {
        return false;
      }
    })
    .sort();
}

const entry = (name: string) => name === "plain" ? "bench/plain/index.ts" : `supabase/functions/${name}/index.ts`;
const label = (name: string) => name === "plain" ? "plain Deno.serve" : name;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** On-CPU time of every thread of `pid` so far, ms (/proc/<pid>/task/<tid>/schedstat). */
function cpuOf(pid: number): number {
  let ns = 0;
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/schedstat`).split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

/** Start one isolate as the host does; wall and CPU ms until it answers a CORS preflight. */
async function coldStart(name: string, denoDir?: string): Promise<{ wall: number; cpu: number }> {
  const port = freePort();
  const t0 = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", "--no-prompt", entry(name)],
    cwd: ROOT,
    env: { ...ENV, SB_FUNCTION_PORT: String(port), ...(denoDir ? { DENO_DIR: denoDir } : {}) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/${name}`, { method: "OPTIONS" });
        const wall = performance.now() - t0;
        const cpu = cpuOf(child.pid);
        await res.body?.cancel();
        return { wall, cpu };
      } catch {
        if (performance.now() - t0 > 15_000) throw new Error(`${name} did not answer within 15 s`);
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

interface Probe {
  status: number;
  wall: Record<string, number>;
  cpu: Record<string, number>;
}

async function probe(args: string[]): Promise<Probe> {
  const out = await new Deno.Command(DENO, {
    args: ["run", "--allow-read", "--allow-env", "--no-prompt", "bench/cold-probe.ts", ...args],
    cwd: ROOT,
    env: { ...ENV, SPAWNED_AT: String(performance.timeOrigin + performance.now()) },
    stderr: "null",
  }).output();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success || !line.startsWith("{")) throw new Error(`cold-probe ${args.join(" ")} failed`);
  return JSON.parse(line);
}

/** `RUNS` rounds over `names`, one start of each per round (load spikes hit all alike). */
async function rounds<T>(names: string[], runs: number, f: (name: string) => Promise<T>): Promise<Map<string, T[]>> {
  const got = new Map(names.map((n) => [n, [] as T[]]));
  for (let i = 0; i < runs; i++) for (const n of names) got.get(n)!.push(await f(n));
  return got;
}

async function benchCold() {
  const names = ["plain", ...functionNames()];
  const starts = await rounds(names, RUNS, (n) => coldStart(n));
  const fresh = await rounds(names, Math.min(RUNS, 3), async (n) => {
    const dir = await Deno.makeTempDir({ prefix: "bench-deno-dir-" });
    try {
      return (await coldStart(n, dir)).wall;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  const wall = (n: string) => median(starts.get(n)!.map((s) => s.wall));
  const cpu = (n: string) => median(starts.get(n)!.map((s) => s.cpu));
  console.log(`cold start: process start -> first answered request (CORS preflight), median of ${RUNS}`);
  console.log(`  CPU: every thread of the process; "+plain": over ${label("plain")} (same adapter, JS handler)`);
  console.log(`  empty DENO_DIR: the same start with nothing cached (TypeScript transpiled, no V8 code cache), median of ${Math.min(RUNS, 3)}`);
  console.log("  isolate                        wall ms   +plain   CPU ms   +plain   empty DENO_DIR wall ms");
  for (const n of names) {
    const plain = n === "plain";
    console.log(
      `  ${label(n).padEnd(28)} ${ms(wall(n), 9)} ${plain ? "       -" : delta(wall(n) - wall("plain"), 8)} ${ms(cpu(n), 8)} ${
        plain ? "       -" : delta(cpu(n) - cpu("plain"), 8)
      } ${ms(median(fresh.get(n)!), 12)}`,
    );
  }

  const phases = await rounds(names, RUNS, (n) => probe(["wrapper", n]));
  const cols: [string, string][] = [
    ["main", "start"],
    ["adapter", "adapter"],
    ["glue", "glue"],
    ["read", "read"],
    ["instantiate", "inst."],
    ["preflight", "preflight"],
  ];
  const phase = (n: string, kind: "wall" | "cpu", k: string) => median(phases.get(n)!.map((p) => p[kind][k] ?? 0));
  for (const kind of ["cpu", "wall"] as const) {
    console.log(`\ncold start by phase, in one process (bench/cold-probe.ts), ${kind === "cpu" ? "CPU" : "wall"} ms, median of ${RUNS}:`);
    console.log(
      "  start: runtime start to the wrapper's first line; adapter: import _shared/adapter.ts; glue: import the glue;",
    );
    console.log(
      "  read + inst.: Deno.readFile + initSync (compile, instantiate, start); preflight: first handle() call",
    );
    console.log(
      `  isolate                     ${cols.map(([, h]) => h.padStart(9)).join("")}  to answer   +plain  1st POST  warm POST`,
    );
    for (const n of names) {
      const total = cols.reduce((s, [k]) => s + phase(n, kind, k), 0);
      const plainTotal = cols.reduce((s, [k]) => s + phase("plain", kind, k), 0);
      console.log(
        `  ${label(n).padEnd(28)}${cols.map(([k]) => ms(phase(n, kind, k), 9)).join("")} ${ms(total, 9)} ${
          n === "plain" ? "       -" : delta(total - plainTotal, 8)
        } ${ms(phase(n, kind, "first_post"), 9)} ${ms(phase(n, kind, "warm_post"), 10)}`,
      );
    }
  }
}

async function benchWasm() {
  const names = functionNames();
  const loads = await rounds(names, RUNS, (n) => probe(["module", n]));
  console.log(`wasm modules: size (after wasm-opt) and loading one alone, CPU ms median of ${RUNS}`);
  console.log("  module                          bytes      gzip  target gzip    read  compile  instantiate");
  for (const n of names) {
    const dir = `${ROOT}supabase/functions/${n}/pkg`;
    const file = [...Deno.readDirSync(dir)].find((f) => f.name.endsWith("_bg.wasm"))!.name;
    const bytes = Deno.readFileSync(`${dir}/${file}`);
    const gz = (await new Deno.Command("gzip", { args: ["-9c", `${dir}/${file}`] }).output()).stdout;
    const target = GZIP_TARGET_OF[n] ?? GZIP_TARGET;
    const cpu = (k: string) => median(loads.get(n)!.map((p) => p.cpu[k]));
    console.log(
      `  ${n.padEnd(28)} ${String(bytes.length).padStart(8)} ${String(gz.byteLength).padStart(9)} ${
        String(target).padStart(8)
      } ${gz.byteLength <= target ? "ok" : "  "} ${ms(cpu("read"))} ${ms(cpu("compile"), 8)} ${ms(cpu("instantiate"), 12)}`,
    );
  }
}

const parts = Deno.args.length ? Deno.args : ["wasm", "cold"];
for (const part of parts) {
  if (part === "cold") await benchCold();
  else if (part === "wasm") await benchWasm();
  else throw new Error(`unknown part ${part}`);
}
