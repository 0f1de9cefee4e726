//! A crowd against the running stack: resume uploads (one in four 10 MB), position generation, transcript
//! relays and REST reads at once, at each client count for DURATION seconds. Prints per
//! call the answers by status, p50/p99 latency, and how often a 503 `busy` asked the
//! client to come back (the client waits its Retry-After and tries again, up to 10 times,
//! as a frontend should); and per process of the stack its peak RSS (VmHWM: the most it
//! ever held, so run it on a fresh stack). Asserts nothing.
//!
//! Usage: deno run --allow-all bench/load.ts [clients...]   (default 50 200)
//! Env: DURATION (seconds per level, default 30), STACK_SLOT.

import { config, functionsUrl, restUrl, runDir } from "../tests/lib/mod.ts";
import { candidate, consent, position, start, tenantOwner } from "../tests/interview/world.ts";
import { corpusFile, paddedResumes, unique } from "../tests/lib/resumes.ts";

const DURATION = Number(Deno.env.get("DURATION") ?? "30");
const LEVELS = Deno.args.length ? Deno.args.map(Number) : [50, 200];
const RETRIES = 10;

type Call = "process-resume" | "generate-position" | "transcript-relay" | "rest read";
/** The mix, as weights. */
const MIX: [Call, number][] = [["process-resume", 3], ["generate-position", 2], ["transcript-relay", 3], ["rest read", 2]];

interface Tally {
  lat: number[];
  statuses: Map<number, number>;
  busyRetries: number;
  failures: number;
}

function pick(): Call {
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  let r = Math.random() * total;
  for (const [call, w] of MIX) if ((r -= w) < 0) return call;
  return MIX[0][0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Send, honouring 503 + Retry-After up to RETRIES times; the last answer's status. */
async function send(make: () => Promise<Response>, tally: Tally): Promise<number> {
  for (let attempt = 0;; attempt++) {
    const res = await make();
    await res.arrayBuffer();
    const after = res.headers.get("retry-after");
    if (res.status === 503 && after && attempt < RETRIES) {
      tally.busyRetries++;
      await sleep(Number(after) * 1000 * (0.5 + Math.random()));
      continue;
    }
    return res.status;
  }
}

/** Every process of the stack's parts (the pid files' trees), by what it runs. */
function stackProcesses(): Map<number, string> {
  const found = new Map<number, string>();
  const walk = (pid: number, part: string) => {
    let cmd = "";
    try {
      cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
    } catch {
      return;
    }
    const fn = cmd.match(/supabase\/functions\/([^/]+)\/index\.ts/);
    const label = fn ? `function ${fn[1]}` : cmd.startsWith("bash ") || cmd.includes("supervise.sh") ? "" : part;
    if (label) found.set(pid, label);
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const children = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
      for (const child of children ? children.split(" ") : []) walk(Number(child), part);
    }
  };
  for (const entry of Deno.readDirSync(runDir)) {
    if (!entry.name.endsWith(".pid")) continue;
    const pid = Number(Deno.readTextFileSync(`${runDir}/${entry.name}`).trim());
    if (pid) walk(pid, entry.name.replace(/\.pid$/, ""));
  }
  return found;
}

function peakRss(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

// ---- the world the clients act in --------------------------------------------------------
const owner = await tenantOwner("load");
const pos = await position(owner);
const candidates: Awaited<ReturnType<typeof candidate>>[] = [];
for (let i = 0; i < 10; i++) {
  const c = await candidate(owner, pos, `load-${i}`);
  await consent(c);
  await start(c);
  candidates.push(c);
}
const small = await corpusFile("amelia-chen-lo-html.pdf");
/** Every fourth upload is a 10 MB PDF: the body limit's worth of bytes to read, hash,
 * store and parse. */
const big = paddedResumes(small, 10 * 1024 * 1024);
const ownerHeaders = { Authorization: `Bearer ${owner.token}`, apikey: config.anonKey };
let seq = 0;

function request(call: Call): () => Promise<Response> {
  switch (call) {
    case "process-resume":
      return () => {
        const form = new FormData();
        const bytes = seq++ % 4 === 0 ? big() : unique(small);
        form.append("file", new Blob([bytes], { type: "application/pdf" }), "cv.pdf");
        return fetch(`${functionsUrl}/process-resume`, { method: "POST", headers: ownerHeaders, body: form });
      };
    case "generate-position":
      return () =>
        fetch(`${functionsUrl}/generate-position`, {
          method: "POST",
          headers: { ...ownerHeaders, "Content-Type": "application/json" },
          body: JSON.stringify({ title: "Senior Backend Engineer" }),
        });
    case "transcript-relay": {
      const c = candidates[seq++ % candidates.length];
      const n = seq;
      const events = Array.from({ length: 5 }, (_, i) => ({
        type: "conversation.item.input_audio_transcription.completed",
        event_id: `load_${n}_${i}`,
        item_id: `item_${n}_${i}`,
        content_index: 0,
        transcript: "I designed the ingestion service and owned its on-call rotation.",
      }));
      return () =>
        fetch(`${functionsUrl}/transcript-relay`, {
          method: "POST",
          headers: { Authorization: `Bearer ${c.token}`, apikey: config.anonKey, "Content-Type": "application/json" },
          body: JSON.stringify({ session_id: c.sessionId, events }),
        });
    }
    case "rest read":
      return () => fetch(`${restUrl}/candidates?select=id,full_name,email&limit=50`, { headers: ownerHeaders });
  }
}

async function level(clients: number): Promise<Map<Call, Tally>> {
  const tallies = new Map<Call, Tally>(MIX.map(([c]) => [c, { lat: [], statuses: new Map(), busyRetries: 0, failures: 0 }]));
  const until = performance.now() + DURATION * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) {
      const call = pick();
      const tally = tallies.get(call)!;
      const t0 = performance.now();
      try {
        const status = await send(request(call), tally);
        tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      } catch {
        tally.failures++;
      }
      tally.lat.push(performance.now() - t0);
    }
  }));
  return tallies;
}

console.log(`load: ${MIX.map(([c, w]) => `${c} ×${w}`).join(", ")}; ${DURATION} s per level; 503 busy retried after Retry-After (≤ ${RETRIES} times)`);

for (const clients of LEVELS) {
  const tallies = await level(clients);
  console.log(`\n${clients} clients:`);
  console.log("  call                  answers  statuses                      busy retries  failed   p50 ms   p99 ms");
  for (const [call, t] of tallies) {
    const sorted = t.lat.sort((a, b) => a - b);
    const statuses = [...t.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(" ");
    console.log(
      `  ${call.padEnd(20)} ${String(sorted.length).padStart(8)}  ${statuses.padEnd(28)} ${String(t.busyRetries).padStart(12)} ${String(t.failures).padStart(7)} ${
        percentile(sorted, 50).toFixed(0).padStart(8)
      } ${percentile(sorted, 99).toFixed(0).padStart(8)}`,
    );
  }
  const fiveXX = [...tallies.values()].reduce((n, t) => n + [...t.statuses].filter(([s]) => s >= 500).reduce((m, [, k]) => m + k, 0), 0);
  console.log(`  5xx after retries: ${fiveXX}`);
  console.log("  peak RSS per process (VmHWM since it started):");
  const rows = [...stackProcesses()].map(([pid, label]) => [label, peakRss(pid)] as const).sort((a, b) => a[0].localeCompare(b[0]));
  for (const [label, mib] of rows) console.log(`    ${label.padEnd(34)} ${mib.toFixed(0).padStart(6)} MiB${label.startsWith("function ") && mib > 200 ? "   (over 200 MiB)" : ""}`);
}
