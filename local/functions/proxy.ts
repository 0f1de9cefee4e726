//! The functions host's requests to one function: `verify_jwt`, the host's own refusals
//! (given after the request body has ended, body.ts), and the relay itself: bodies
//! streamed both ways, hop-by-hop headers dropped, WebSocket upgrades carried through.

import { drain, DRAIN_LIMIT, DRAIN_MS } from "../../supabase/functions/_shared/body.ts";
import { verifyTokenCached, type VerifyKeys } from "../jwt.ts";
import { log } from "./log.ts";
import type { Worker } from "./supervisor.ts";

// Hop-by-hop headers (RFC 9110 7.6.1) are the connection's, not the message's.
const HOP_BY_HOP = [
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
  "upgrade", "proxy-authenticate", "proxy-authorization", "host",
];

function endToEnd(headers: Headers): Headers {
  const out = new Headers(headers);
  for (const h of HOP_BY_HOP) out.delete(h);
  return out;
}

export function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * verify_jwt: the token must verify against the stack's keys (jwt.ts `verifyTokenCached`: ES256
 * or RS256 by the JWKS key its `kid` names; HS256 with the secret in legacy mode only;
 * `exp` required). The 401 answers and their bodies are those of `supabase functions serve`.
 */
export async function checkJwt(req: Request, keys: VerifyKeys): Promise<Response | null> {
  const header = req.headers.get("authorization");
  if (!header) return json({ msg: "Error: Missing authorization header" }, 401);
  const [scheme, token] = header.split(" ");
  if (scheme !== "Bearer" || !token) {
    return json({ msg: "Error: Auth header is not 'Bearer {token}'" }, 401);
  }
  const result = await verifyTokenCached(token, keys);
  return result.ok ? null : json({ msg: "Invalid JWT" }, 401);
}

/**
 * An answer of the host's own (404, 401, 503), given before anyone read the request body:
 * it goes out after the body's last byte, the body drained (body.ts). A function that
 * refuses a body drains it itself (shared::js). Only the host knows whether it handed the
 * body on: Deno's fetch takes a request's body without marking it used.
 */
export async function refusal(req: Request, res: Response): Promise<Response> {
  if (req.body && (await drain(req.body)) < 0) {
    log(`${req.method} ${new URL(req.url).pathname} ${res.status}: the body's rest was over ${DRAIN_LIMIT} bytes or ${DRAIN_MS} ms; dropped, not drained`);
  }
  return res;
}

/** How long a request waits for a function that is (re)starting before 503. */
export const BOOT_WAIT_MS = 15_000;

export async function forward(req: Request, worker: Worker, url: URL): Promise<Response> {
  if (!(await worker.ready(BOOT_WAIT_MS))) {
    return refusal(req, json({ code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" }, 503));
  }
  const target = `http://127.0.0.1:${worker.port}${url.pathname}${url.search}`;
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    return await forwardWebSocket(req, target.replace(/^http/, "ws"), worker.spec.name);
  }
  const headers = endToEnd(req.headers);
  // Deno's fetch would ask for gzip on the client's behalf; ask for what the client did.
  if (!headers.has("accept-encoding")) headers.set("accept-encoding", "identity");
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers,
    redirect: "manual",
    // No `signal: req.signal`: Deno.serve aborts it when a response completes, too. A
    // client that goes away cancels the streamed body below, which closes the upstream.
  };
  if (req.body && req.method !== "GET" && req.method !== "HEAD") {
    // Streamed, not buffered; and as it came, so a Content-Length stays (Deno's fetch sends
    // a stream of its own making chunked), which a function's body limit goes by.
    init.body = req.body;
    init.duplex = "half";
  }
  let res: Response;
  try {
    res = await fetch(target, init);
  } catch (e) {
    log(`${worker.spec.name}: ${e}`);
    return json(
      { code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" },
      500,
    );
  }
  return new Response(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: endToEnd(res.headers),
  });
}

/**
 * Carry a WebSocket through: open the function's side first (same path, query, headers
 * and offered subprotocols), then upgrade the client with the subprotocol the function
 * chose, and pipe messages and closes both ways.
 */
async function forwardWebSocket(req: Request, target: string, name: string): Promise<Response> {
  const offered = (req.headers.get("sec-websocket-protocol") ?? "")
    .split(",").map((p) => p.trim()).filter(Boolean);
  // The client's end-to-end headers go along (Authorization, apikey, X-Forwarded-*), as
  // through a proxy; the handshake's own headers are the new connection's.
  const headers = endToEnd(req.headers);
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"]) {
    headers.delete(h);
  }
  // `headers` is Deno's extension of the WebSocket constructor.
  const upstream = new WebSocket(target, { protocols: offered, headers } as unknown as string[]);
  upstream.binaryType = "arraybuffer";
  const opened = await new Promise<boolean>((resolve) => {
    upstream.onopen = () => resolve(true);
    upstream.onerror = () => resolve(false);
    setTimeout(() => resolve(false), 10_000);
  });
  if (!opened) {
    try {
      upstream.close();
    } catch { /* never opened */ }
    // Deno's WebSocket client does not expose the status a refused handshake carried.
    return json({ code: "WORKER_ERROR", message: "The function refused the WebSocket upgrade" }, 502);
  }
  const { socket, response } = Deno.upgradeWebSocket(
    req,
    upstream.protocol ? { protocol: upstream.protocol } : {},
  );
  socket.binaryType = "arraybuffer";
  const pending: (string | ArrayBuffer)[] = [];
  // The client side opens only after our 101 is written; hold what the function sends
  // until then, its close included (a close of a socket still connecting is lost).
  let pendingClose: CloseEvent | undefined;
  socket.onopen = () => {
    pending.splice(0).forEach((m) => socket.send(m));
    if (pendingClose) socket.close(closeCode(pendingClose.code), pendingClose.reason);
  };
  upstream.onmessage = (e) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
    else if (socket.readyState === WebSocket.CONNECTING) pending.push(e.data);
  };
  socket.onmessage = (e) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(e.data);
  };
  const closeCode = (code: number) => (code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000);
  upstream.onclose = (e) => {
    log(`${name} websocket closed by function (${e.code})`);
    if (socket.readyState === WebSocket.OPEN) socket.close(closeCode(e.code), e.reason);
    else if (socket.readyState === WebSocket.CONNECTING) pendingClose = e;
  };
  socket.onclose = (e) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(closeCode(e.code), e.reason);
  };
  socket.onerror = () => upstream.readyState === WebSocket.OPEN && upstream.close(1000);
  upstream.onerror = () => socket.readyState === WebSocket.OPEN && socket.close(1000);
  return response;
}
