//! The bounded frame queue of the WebSocket glue (socket.ts), on its own.

import { assert, assertEquals } from "../../../tests/lib/assert.ts";
import { FrameQueue } from "./socket.ts";

Deno.test("frames: handed over one at a time, in order", async () => {
  const q = new FrameQueue();
  const seen: number[] = [];
  let running = 0;
  for (let i = 0; i < 10; i++) {
    assert(q.push(1, async () => {
      running += 1;
      assertEquals(running, 1, "never two at once");
      await new Promise((r) => setTimeout(r, i % 3));
      seen.push(i);
      running -= 1;
    }));
  }
  await q.drained();
  assertEquals(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("frames: past the frame or byte bound nothing is queued; room comes back as frames are handled", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new FrameQueue(3, 100);
  assert(q.push(10, () => gate));
  assert(q.push(10, async () => {}));
  assert(q.push(10, async () => {}));
  assertEquals(q.push(10, async () => {}), false, "a 4th waiting frame is refused");
  release();
  await q.drained();
  assert(q.push(60, async () => {}), "room again");
  assertEquals(q.push(50, async () => {}), false, "60 + 50 bytes waiting is over 100");
  await q.drained();
});

Deno.test("frames: a task that throws does not stop the ones after it", async () => {
  const q = new FrameQueue();
  let after = false;
  q.push(1, () => Promise.reject(new Error("boom")));
  q.push(1, async () => {
    after = true;
  });
  await q.drained();
  assert(after);
});
