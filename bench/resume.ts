//! process-resume benchmarks; prints figures, asserts nothing.
//!
//!   cpu   the built wasm (supabase/functions/process-resume/pkg) run in this Deno process,
//!         as the edge runtime runs it, on each text-layer fixture and on a 10 MB PDF: the
//!         database and Storage API answer instantly from an in-process stub of `fetch`,
//!         so what is timed is the function's own work (multipart parsing, sha256, PDF
//!         extraction, parsing, JSON). Reports the CPU time of the JS thread per request
//!         (/proc/thread-self/schedstat, nanoseconds on CPU; V8's helper threads are not
//!         counted, as the edge runtime counts the isolate's thread) beside wall time,
//!         against the edge runtime's limit of 2 s CPU per request.
//!   e2e   upload latency through the running stack (gateway -> functions host -> wasm ->
//!         Storage API -> PostgREST -> SQL), FormData uploads of unique copies of the
//!         corpus, at 1 and 4 concurrent clients, no vendor keys.
//!
//!   mem   one 10 MB upload in a fresh process: the RSS it adds (wasm memory only grows).
//!
//! Usage: deno run --allow-all bench/resume.ts [cpu|mem|e2e]...   (default: cpu and e2e)
//!   BENCH_RUNS (default 20): timed runs per file (cpu) / uploads per client (e2e).


const ROOT = new URL("..", import.meta.url).pathname;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 20);
const CORPUS = `${ROOT}tests/fixtures/resumes/`;

interface Entry {
  file: string;
  expect_error: string | null;
}

const corpus: Entry[] = JSON.parse(await Deno.readTextFile(`${CORPUS}manifest.json`));
const textFiles = corpus.filter((e) => e.expect_error === null).map((e) => e.file);

/** CPU time of this (the JS) thread so far, ms. */
function threadCpuMs(): number {
  return Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function unique(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const tail = new TextEncoder().encode(`\n%bench ${crypto.randomUUID()}\n`);
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes);
  out.set(tail, bytes.byteLength);
  return out;
}

// ---------------------------------------------------------------------------------------
// cpu: the wasm in-process

type Call = (bytes: Uint8Array<ArrayBuffer>, name: string) => Promise<void>;

const realFetch = globalThis.fetch;
/** Put the real `fetch` back once the stubbed measurements are done. */
let restoreFetch = () => {};

/** The wasm's `handle` with the database and Storage API stubbed, as one call. */
async function wasmCall(): Promise<Call> {
  const { handle, initSync } = await import(`${ROOT}supabase/functions/process-resume/pkg/process_resume.js`);
  initSync({ module: await Deno.readFile(`${ROOT}supabase/functions/process-resume/pkg/process_resume_bg.wasm`) });
  const { sign } = await import(`${ROOT}local/jwt.ts`);
  const secret = "super-secret-jwt-token-with-at-least-32-characters-long";
  const tenant = crypto.randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const token = await sign({
    iss: "http://bench.invalid/auth/v1", sub: crypto.randomUUID(), role: "authenticated", aud: "authenticated", exp: now + 3600, iat: now,
    email: "bench@example.test", app_metadata: { tenant_id: tenant, role: "owner" },
  }, secret);
  const env = { SUPABASE_URL: "http://bench.invalid", SUPABASE_ANON_KEY: "anon", JWT_SECRET: secret };

  // The database and the Storage API, answering at once.
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const stub = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    if (url.includes("/storage/v1/object/")) return Promise.resolve(json({ Key: "resumes/x", Id: crypto.randomUUID() }));
    if (url.endsWith("/rpc/start_resume_job")) {
      return Promise.resolve(json({
        id: crypto.randomUUID(), tenant_id: tenant, status: "extracting", candidate_id: null, storage_path: null,
        file_name: null, attempts: 1, extractor: null, analyzer: null, enrichment: null, duplicate: false,
        resume_from: "extracting",
      }));
    }
    if (url.endsWith("/rpc/advance_resume_job")) return Promise.resolve(json({}));
    if (url.endsWith("/rpc/save_resume_candidate")) return Promise.resolve(json({ candidate_id: crypto.randomUUID(), created: true }));
    if (url.includes("/candidate_profiles")) return Promise.resolve(json([{ id: crypto.randomUUID() }], 201));
    return Promise.resolve(json({ message: `bench stub: no answer for ${method} ${url}` }, 404));
  };
  globalThis.fetch = stub as typeof fetch;
  restoreFetch = () => void (globalThis.fetch = realFetch);

  const call = async (bytes: Uint8Array<ArrayBuffer>, name: string) => {
    const form = new FormData();
    form.append("file", new File([bytes], name, { type: "application/pdf" }));
    const req = new Request("http://bench.invalid/process-resume", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const res: Response = await handle(req, env);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
  };
  return call;
}

/** A 10 MB PDF: the largest fixture's pages followed by a 10 MB incompressible stream
 * object that no page uses (the whole file is still read, hashed, stored and parsed). */
async function tenMegabytes(): Promise<{ largest: string; make: () => Uint8Array<ArrayBuffer> }> {
  const { paddedResumes } = await import(`${ROOT}tests/lib/resumes.ts`);
  const largest = textFiles.map((f) => [f, Deno.statSync(`${CORPUS}${f}`).size] as const).sort((a, b) => b[1] - a[1])[0][0];
  return { largest, make: paddedResumes(Deno.readFileSync(`${CORPUS}${largest}`), 10 * 1024 * 1024) };
}

async function cpu() {
  const call = await wasmCall();

  const measure = async (name: string, make: () => Uint8Array<ArrayBuffer>) => {
    await call(make(), name); // warm-up (and instantiation, once)
    const wall: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const bytes = make();
      const c0 = threadCpuMs();
      const t0 = performance.now();
      await call(bytes, name);
      wall.push(performance.now() - t0);
      cpuMs.push(threadCpuMs() - c0);
    }
    return { wall, cpuMs };
  };

  console.log(`process-resume wasm in Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), stubbed I/O, ${RUNS} runs after a warm-up`);
  console.log(`  ${"file".padEnd(44)} ${"bytes".padStart(9)} ${"cpu p50".padStart(9)} ${"cpu max".padStart(9)} ${"wall p50".padStart(9)}`);
  const rows: [string, number, { wall: number[]; cpuMs: number[] }][] = [];
  for (const file of textFiles) {
    const bytes = await Deno.readFile(`${CORPUS}${file}`);
    rows.push([file, bytes.byteLength, await measure(file, () => unique(bytes))]);
  }
  const { largest, make: big } = await tenMegabytes();
  const bigRuns = Math.max(3, Math.floor(RUNS / 4));
  const bigResult = await (async () => {
    await call(big(), "10mb.pdf");
    const wall: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < bigRuns; i++) {
      const bytes = big();
      const c0 = threadCpuMs();
      const t0 = performance.now();
      await call(bytes, "10mb.pdf");
      wall.push(performance.now() - t0);
      cpuMs.push(threadCpuMs() - c0);
    }
    return { wall, cpuMs };
  })();
  rows.push([`${largest} + 10 MB unused stream`, 10 * 1024 * 1024, bigResult]);
  for (const [file, size, r] of rows) {
    console.log(`  ${file.padEnd(44)} ${String(size).padStart(9)} ${median(r.cpuMs).toFixed(1).padStart(7)}ms ${Math.max(...r.cpuMs).toFixed(1).padStart(7)}ms ${median(r.wall).toFixed(1).padStart(7)}ms`);
  }
  console.log("  (edge runtime limit: 2000 ms CPU per request)");
}

/** Memory of ONE 10 MB upload in a fresh process: RSS before (module loaded, one small
 * warm-up) and after. The wasm linear memory never shrinks, so its high-water mark
 * stays in the RSS. */
async function mem() {
  const call = await wasmCall();
  await call(unique(Deno.readFileSync(`${CORPUS}${textFiles[0]}`)), "warm.pdf");
  const { largest, make } = await tenMegabytes();
  const bytes = make();
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  const before = Deno.memoryUsage();
  await call(bytes, "10mb.pdf");
  const after = Deno.memoryUsage();
  console.log(
    `process-resume, one 10 MB upload (${largest} + 10 MB stream) in a fresh Deno process: RSS ${mb(before.rss)} -> ${mb(after.rss)} ` +
      `(+${mb(after.rss - before.rss)}; JS heap ${mb(after.heapUsed)}, external ${mb(after.external)}); edge runtime limit 256 MB`,
  );
}

// ---------------------------------------------------------------------------------------
// e2e: through the running stack

async function e2e() {
  const { invoke, requireFunction } = await import(`${ROOT}tests/lib/mod.ts`);
  const { newTenant } = await import(`${ROOT}tests/lib/resumes.ts`);
  await requireFunction("process-resume", "build it and start the stack");
  const files = await Promise.all(textFiles.map(async (f) => [f, await Deno.readFile(`${CORPUS}${f}`)] as const));
  for (const clients of [1, 4]) {
    const tenant = await newTenant(`bench-${clients}`);
    const times: number[] = [];
    const worker = async (w: number) => {
      for (let i = 0; i < RUNS; i++) {
        const [name, bytes] = files[(w + i) % files.length];
        const form = new FormData();
        form.append("file", new File([unique(bytes)], name, { type: "application/pdf" }));
        const t0 = performance.now();
        const got = await invoke(tenant.owner.client, "process-resume", { body: form });
        times.push(performance.now() - t0);
        if (got.status !== 200) throw new Error(`${name}: ${got.status} ${JSON.stringify(got.body)}`);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `process-resume upload -> candidate via the gateway, ${clients} client(s), ${times.length} uploads: ` +
        `p50 ${median(times).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ` +
        `${(times.length / secs).toFixed(1)} uploads/s`,
    );
  }
}

const parts = Deno.args.length ? Deno.args : ["cpu", "e2e"];
if (parts.includes("mem")) await mem();
if (parts.includes("cpu")) await cpu();
restoreFetch();
if (parts.includes("e2e")) await e2e();
