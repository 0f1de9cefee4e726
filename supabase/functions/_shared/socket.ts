//! WebSocket glue for a function whose Rust crate speaks a socket protocol: the platform
//! parts only (upgrade, event handlers, keeping the worker alive), so the protocol itself
//! is Rust and tested natively. Plain requests go to `handle` through the usual adapter.
//!
//! Rust exports two calls and decides everything: `open(url, headersJson, env)` →
//! `{protocol, state, send, close}` once per socket, `message(state, text | null, env)` →
//! `{send, close}` per frame, both as JSON text; `env` is the adapter's env object, as
//! `handle` gets it (shared::js reads its config once per isolate). Frames are handed
//! over one at a time, in order, so acks leave in the order events arrived.

import { type Handle, serve } from "./adapter.ts";

interface Close {
  code: number;
  reason: string;
}
interface Reply {
  send?: string[];
  close?: Close | null;
}
interface Opened extends Reply {
  protocol?: string | null;
  state?: string | null;
}
export interface SocketHandlers {
  open(url: string, headers: string, env: Record<string, string>): Promise<string>;
  message(state: string, data: string | undefined, env: Record<string, string>): Promise<string>;
}

/** Serve `handle` for requests and `socket` for WebSocket handshakes. */
export function serveSocket(handle: Handle, socket: SocketHandlers): void {
  serve(async (req, env) => {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return await handle(req, env);
    // A request's headers cannot be read after Deno.upgradeWebSocket: read them first.
    const headers = JSON.stringify(Object.fromEntries(req.headers));
    const opened: Opened = JSON.parse(await socket.open(req.url, headers, env));
    const { socket: ws, response } = Deno.upgradeWebSocket(req, opened.protocol ? { protocol: opened.protocol } : {});
    const apply = (reply: Reply) => {
      for (const text of reply.send ?? []) ws.send(text);
      if (reply.close) ws.close(reply.close.code, reply.close.reason);
    };
    let queue = Promise.resolve();
    ws.onopen = () => apply(opened);
    ws.onmessage = (e) => {
      const data = typeof e.data === "string" ? e.data : undefined;
      queue = queue
        .then(async () => {
          if (ws.readyState === WebSocket.OPEN) apply(JSON.parse(await socket.message(opened.state ?? "", data, env)));
        })
        .catch((err) => {
          console.error(`[socket] ${new URL(req.url).pathname}: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
          if (ws.readyState === WebSocket.OPEN) ws.close(4500, "internal");
        });
    };
    // The edge runtime ends a worker whose requests are answered; a socket must outlive
    // its 101, so the worker waits for the close (absent locally: plain Deno).
    const closed = new Promise<void>((resolve) => (ws.onclose = () => resolve()));
    (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } }).EdgeRuntime?.waitUntil(closed);
    return response;
  });
}
