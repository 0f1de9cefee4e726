//! Draining a request body nobody read, behind the local gateway (nginx with
//! `proxy_request_buffering off`: bodies arrive while the server already runs). The
//! functions host (local/functions/proxy.ts: its own 401/404/503) and the Storage API
//! (local/storage/: a bad token, an unknown bucket) drain before they answer; a function
//! drains in shared::js (Rust), where it refuses a body over its limit.
//!
//! Why: an answer that reaches nginx while the client is still sending goes out to the
//! client at once with `Connection: keep-alive`, and then nginx closes the connection (a
//! lingering close, since the body is unread). A client that pools connections (Deno's
//! `fetch`, so supabase-js) sends its next request on it and gets "connection closed before
//! message completed" instead of an answer: a few in a hundred uploads refused early. An
//! answer given after the last byte of the body keeps nginx's keep-alive true.
//! bench/oversized.ts counts the outcomes.

/** At most this much of a body is drained: the gateway's client_max_body_size. */
export const DRAIN_LIMIT = 100 * 1024 * 1024;
/** Nor for longer than this (nginx's own lingering_time, for the same purpose). */
export const DRAIN_MS = 30_000;

/**
 * Read `body` to its end and discard it. Gives up (cancels the body, so the server closes
 * the connection after its answer) past `limit` bytes, after `ms`, or when the body
 * fails. Resolves to the bytes discarded, or -1 if it gave up.
 */
export async function drain(
  body: ReadableStream<Uint8Array>,
  limit = DRAIN_LIMIT,
  ms = DRAIN_MS,
): Promise<number> {
  const reader = body.getReader();
  let read = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), ms)));
  try {
    for (;;) {
      const step = await Promise.race([reader.read(), late]);
      if (step === "late") break;
      if (step.done) return read;
      read += step.value.byteLength;
      if (read > limit) break;
    }
  } catch {
    // The client went away: nothing left to keep in step with.
  } finally {
    clearTimeout(timer);
  }
  await reader.cancel().catch(() => {});
  return -1;
}
