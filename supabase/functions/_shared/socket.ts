//! WebSocket glue for a function whose Rust crate speaks a socket protocol: the platform
//! parts only (upgrade, event handlers, keeping the worker alive), so the protocol itself
//! is Rust and tested natively. Plain requests go to `handle` through the usual adapter.
//!
//! Rust exports two calls and decides everything: `open(url, headersJson, env)` →
//! `{protocol, state, send, close}` once per socket, `message(state, text | null, env)` →
//! `{send, close}` per frame, both as JSON text; `env` is the adapter's env object, as
//! `handle` gets it (shared::js reads its config once per isolate). Frames are handed
//! over one at a time, in order, so acks leave in the order events arrived.
//!
//! The frames waiting for their turn are bounded (`FrameQueue`): a client that sends
//! faster than its frames are stored, past 1,000 frames or 8 MiB waiting (a browser
//! resending a whole interview after a reconnect stays well within), is closed with
//! 4429 `too_many_pending` instead of growing the isolate's memory without end. (A single
//! frame is in memory once Deno hands it over; the Rust side refuses an oversized one.)

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

/** Frames waiting to be handed to Rust, one at a time, in order, within bounds. */
export class FrameQueue {
  private tail: Promise<void> = Promise.resolve();
  private frames = 0;
  private bytes = 0;

  constructor(readonly maxFrames = 1000, readonly maxBytes = 8 * 1024 * 1024) {}

  /**
   * Queue `task` for a frame of `size` bytes; false (nothing queued) past the bounds. A
   * task handles its own failures: a rejection is dropped, so the frames after it run.
   */
  push(size: number, task: () => Promise<void>): boolean {
    if (this.frames + 1 > this.maxFrames || this.bytes + size > this.maxBytes) return false;
    this.frames += 1;
    this.bytes += size;
    this.tail = this.tail.then(task).catch(() => {}).finally(() => {
      this.frames -= 1;
      this.bytes -= size;
    });
    return true;
  }

  /** Settles once every queued task has run. */
  drained(): Promise<void> {
    return this.tail;
  }
}

function frameSize(data: unknown): number {
  if (typeof data === "string") return data.length * 3; // at most 3 bytes per UTF-16 unit
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
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
    const queue = new FrameQueue();
    ws.onopen = () => apply(opened);
    ws.onmessage = (e) => {
      const data = typeof e.data === "string" ? e.data : undefined;
      const queued = queue.push(frameSize(e.data), async () => {
        try {
          if (ws.readyState === WebSocket.OPEN) apply(JSON.parse(await socket.message(opened.state ?? "", data, env)));
        } catch (err) {
          console.error(`[socket] ${new URL(req.url).pathname}: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
          if (ws.readyState === WebSocket.OPEN) ws.close(4500, "internal");
        }
      });
      if (!queued && ws.readyState === WebSocket.OPEN) ws.close(4429, "too_many_pending");
    };
    // The edge runtime ends a worker whose requests are answered; a socket must outlive
    // its 101, so the worker waits for the close (absent locally: plain Deno).
    const closed = new Promise<void>((resolve) => (ws.onclose = () => resolve()));
    (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } }).EdgeRuntime?.waitUntil(closed);
    return response;
  });
}
