//! One cold start, timed by phase, in a fresh Deno process: bench/cold.ts runs it and reads
//! the one JSON line it prints. Each step the wrapper takes is done here one at a time, so
//! each can be timed, in wall ms and CPU ms (user + system, every thread of the process):
//!
//!   wrapper <name>   the function's wrapper, step by step: import the adapter (TypeScript),
//!                    import the wasm-bindgen glue (JavaScript), read the module
//!                    (Deno.readFile), compile and instantiate it and run its start function
//!                    (the glue's initSync), then the first requests through `handle`: a CORS
//!                    preflight, a POST with an empty JSON object (the function's first real
//!                    work: body, config, a 4xx), the same POST again (warm)
//!   wrapper plain    the same steps for bench/plain (a JavaScript handler, no module)
//!   module <name>    the module alone: Deno.readFile, WebAssembly.compile,
//!                    WebAssembly.instantiate with stubbed imports (nothing runs)
//!
//! `main` is the time from the runtime's time origin to this file's first statement (its
//! CPU: everything the process used until then), `spawn` from the parent's spawn call
//! (SPAWNED_AT, epoch ms) to the same point.

const now = () => performance.now();
/** CPU ms of every thread of this process so far: getrusage, through Node's `process`
 * (a global in Deno 2; imported as `node:process` it would need @types/node to type-check). */
const { process } = globalThis as unknown as { process: { cpuUsage(): { user: number; system: number } } };
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const wallMain = now();
const cpuMain = cpu();
const spawn = performance.timeOrigin + wallMain - Number(Deno.env.get("SPAWNED_AT") ?? NaN);

const [mode, name] = Deno.args;
const functions = new URL("../supabase/functions/", import.meta.url);
const wall: Record<string, number> = { spawn, main: wallMain };
const cpus: Record<string, number> = { main: cpuMain };
let status = 0;

async function timed<T>(label: string, f: () => Promise<T> | T): Promise<T> {
  const w = now();
  const c = cpu();
  const v = await f();
  wall[label] = now() - w;
  cpus[label] = cpu() - c;
  return v;
}

/** The glue's base name, as wasm-pack names it (the crate name with `_`). */
function libName(fn: string): string {
  const glue = [...Deno.readDirSync(new URL(`${fn}/pkg/`, functions))]
    .find((e) => e.name.endsWith("_bg.wasm"));
  if (!glue) throw new Error(`no module in ${fn}/pkg/ (run scripts/build.sh)`);
  return glue.name.replace(/_bg\.wasm$/, "");
}

type Handle = (req: Request, env: Record<string, string>) => Promise<Response>;

if (mode === "wrapper") {
  await timed("adapter", () => import(new URL("_shared/adapter.ts", functions).href));
  let handle: Handle;
  if (name === "plain") {
    handle = (await timed("glue", () => import(new URL("plain/handler.ts", import.meta.url).href))).handle;
  } else {
    const lib = libName(name);
    const glue = await timed("glue", () => import(new URL(`${name}/pkg/${lib}.js`, functions).href));
    // `--target web` glue: the wrapper reads the module and instantiates it; the older
    // `--target deno` glue did both while being imported (timed as "glue" then).
    if (glue.initSync) {
      const bytes = await timed("read", () => Deno.readFile(new URL(`${name}/pkg/${lib}_bg.wasm`, functions)));
      await timed("instantiate", () => glue.initSync({ module: bytes }));
    }
    handle = glue.handle;
  }
  const env = Deno.env.toObject();
  const url = `http://127.0.0.1/${name}`;
  const send = async (req: Request) => {
    const res = await handle(req, env);
    await res.arrayBuffer();
    return res.status;
  };
  await timed("preflight", () => send(new Request(url, { method: "OPTIONS" })));
  const post = () => new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  status = await timed("first_post", () => send(post()));
  await timed("warm_post", () => send(post()));
} else if (mode === "module") {
  const lib = libName(name);
  const bytes = await timed("read", () => Deno.readFile(new URL(`${name}/pkg/${lib}_bg.wasm`, functions)));
  const module = await timed("compile", () => WebAssembly.compile(bytes));
  const imports: Record<string, Record<string, () => never>> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    (imports[i.module] ??= {})[i.name] = () => {
      throw new Error(`${i.module}.${i.name} called`);
    };
  }
  await timed("instantiate", () => WebAssembly.instantiate(module, imports));
} else {
  throw new Error(`unknown mode ${mode}`);
}
wall.total = now();
cpus.total = cpu();
console.log(JSON.stringify({ mode, name, status, wall, cpu: cpus }));
