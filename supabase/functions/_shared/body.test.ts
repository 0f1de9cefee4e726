//! Draining a request body nobody read (supabase/functions/_shared/body.ts), on its own, without the
//! stack: read to its end and discarded, within a byte and a time limit.

import { assert, assertEquals } from "../../../tests/lib/assert.ts";
import { drain } from "./body.ts";

/** A client's body of `chunks` chunks of `size` bytes; `state` says how far it was read. */
function clientBody(chunks: number, size = 1000) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.pulled === chunks) return c.close();
      state.pulled++;
      c.enqueue(new Uint8Array(size));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("drain: a body nobody read is read to its end and discarded", async () => {
  const { stream, state } = clientBody(20);
  assertEquals(await drain(stream), 20 * 1000);
  assertEquals([state.pulled, state.cancelled], [20, false]);
  assertEquals(await drain(new ReadableStream({ start: (c) => c.close() })), 0, "an empty body");
});

Deno.test("drain: stops past the byte limit, cancelling the body", async () => {
  const { stream, state } = clientBody(1000);
  assertEquals(await drain(stream, 10_000), -1);
  assert(state.cancelled, "the body is cancelled");
  assertEquals(state.pulled, 11, "read no further than the limit and a chunk");
});

Deno.test("drain: stops after its time, cancelling a body that stalls", async () => {
  let cancelled = false;
  const stalled = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array(10));
    },
    pull: () => new Promise(() => {}), // never another byte
    cancel() {
      cancelled = true;
    },
  });
  const t0 = performance.now();
  assertEquals(await drain(stalled, 1_000_000, 100), -1);
  const took = performance.now() - t0;
  assert(took >= 90 && took < 2000, `gave up after ${took} ms`);
  assert(cancelled, "the stalled body is cancelled");
});

Deno.test("drain: a body that fails (the client went away) ends the drain", async () => {
  let sent = 0;
  const failing = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent++ === 3) return c.error(new Error("client went away"));
      c.enqueue(new Uint8Array(100));
    },
  });
  assertEquals(await drain(failing), -1);
});
