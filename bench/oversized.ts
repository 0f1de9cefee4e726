//! Reproduction of "a body over a function's limit sometimes reaches the client as a
//! network error instead of the 413": POSTs bodies over the limit and counts what the
//! client gets. The one right outcome is the function's JSON 413 (`payload_too_large`, with
//! the CORS header); anything else (a network error, another status) is counted with its
//! message. Through the gateway, an answer given before nginx has passed the whole body on
//! comes with `Connection: keep-alive` and is followed by nginx closing the connection; a
//! pooled client's next request on it fails ("connection closed before message
//! completed"). So a refusal drains the body first (shared::request::DRAIN_LIMIT,
//! supabase/functions/_shared/body.ts); this shows it holds.
//!
//! Usage: deno run --allow-all bench/oversized.ts [target] [mode]...
//!   target  gateway (default; nginx -> host -> worker), host (the host's port -> worker),
//!           worker (the function's own process, its port read from the host's health)
//!   mode    <body>[-fresh]: the body is `length` (bytes with Content-Length), `chunked`
//!           (a stream, no Content-Length) or `form` (a FormData upload of a file: what
//!           supabase-js sends; Deno streams it chunked); through one pooled client
//!           (connections reused, keep-alive) or, with `-fresh`, a new connection per
//!           request. Default: all six.
//! Env: N (requests per mode, default 300), FN (default link-candidate-account, limit
//! 1 MiB), MIN_MB / MAX_MB (body sizes, uniformly, default 2 and 11), STACK_SLOT;
//! AUTH=invalid sends a token that is not a JWT: then the right outcome is the host's own
//! 401 (`Invalid JWT`), another early answer, given before the function sees the request.

import { config, functionsUrl } from "../tests/lib/mod.ts";

const N = Number(Deno.env.get("N") ?? 300);
const FN = Deno.env.get("FN") ?? "link-candidate-account";
const MIN = Number(Deno.env.get("MIN_MB") ?? 2) * 1e6;
const MAX = Number(Deno.env.get("MAX_MB") ?? 11) * 1e6;
const slot = Number(Deno.env.get("STACK_SLOT") ?? 0) * 1000;
const INVALID = Deno.env.get("AUTH") === "invalid";
const hostUrl = `http://127.0.0.1:${Number(Deno.env.get("FUNCTIONS_PORT") ?? 54331 + slot)}`;

const args = Deno.args.filter((a) => !["gateway", "host", "worker"].includes(a));
const target = Deno.args.find((a) => ["gateway", "host", "worker"].includes(a)) ?? "gateway";
const modes = args.length ? args : ["length", "length-fresh", "chunked", "chunked-fresh", "form", "form-fresh"];

async function baseUrl(): Promise<string> {
  if (target === "gateway") return functionsUrl;
  if (target === "host") return hostUrl;
  const health = await (await fetch(`${hostUrl}/_internal/health`)).json();
  return `http://127.0.0.1:${health.functions[FN].port}`;
}

// One buffer, sliced: the content does not matter, only its size.
const BUFFER = new Uint8Array(MAX).fill(0x61);

function body(size: number, kind: string): BodyInit {
  if (kind === "form") {
    const form = new FormData();
    form.append("file", new Blob([BUFFER.slice(0, size)], { type: "application/pdf" }), "cv.pdf");
    return form;
  }
  if (kind !== "chunked") return BUFFER.slice(0, size);
  const step = 64 * 1024;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= size) return c.close();
      const n = Math.min(step, size - sent);
      c.enqueue(BUFFER.slice(sent, sent + n));
      sent += n;
    },
  });
}

async function run(url: string, mode: string): Promise<void> {
  const [kind, fresh] = mode.split("-");
  const client = Deno.createHttpClient(fresh === "fresh" ? { poolMaxIdlePerHost: 0 } : {});
  const outcomes = new Map<string, number>();
  const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const size = Math.floor(MIN + Math.random() * (MAX - MIN));
    try {
      const res = await fetch(`${url}/${FN}`, {
        method: "POST",
        client,
        headers: {
          apikey: config.anonKey,
          Authorization: `Bearer ${INVALID ? "not-a-jwt" : config.anonKey}`,
          ...(kind === "form" ? {} : { "Content-Type": "application/json" }),
        },
        body: body(size, kind),
      });
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch { /* not JSON */ }
      const cors = res.headers.get("access-control-allow-origin") === "*";
      const ok = INVALID
        ? res.status === 401 && json?.msg === "Invalid JWT"
        : res.status === 413 && json?.error?.code === "payload_too_large" && cors;
      count(ok ? "ok" : `HTTP ${res.status} ${text.slice(0, 80)}${cors ? "" : " (no CORS)"}`);
    } catch (e) {
      // Without the ports, so that the same failure is counted once.
      count(`error: ${String(e instanceof Error ? `${e.message}${e.cause ? `: ${e.cause}` : ""}` : e).replace(/127\.0\.0\.1:\d+/g, "127.0.0.1")}`);
    }
  }
  client.close();
  const ms = Math.round(performance.now() - t0);
  const bad = N - (outcomes.get("ok") ?? 0);
  console.log(`${target} ${mode.padEnd(13)} ${FN}: ${bad}/${N} not ${INVALID ? "the 401" : "the JSON 413"} (${ms} ms)`);
  for (const [k, v] of outcomes) if (k !== "ok") console.log(`    ${v} x ${k}`);
}

const url = await baseUrl();
for (const mode of modes) await run(url, mode);
