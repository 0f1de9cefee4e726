//! User story: the candidate (and the recruiter) join the interview's video room.
//!
//! /functions/v1/interview-room creates the session's VideoSDK room on the contract
//! fake (`customRoomId` = the session id; the fake checks the raw-JWT `Authorization`
//! and its HS256 signature) or reuses it, stores its id on the session, and answers a
//! participant token scoped to that room.

import { assert, assertEquals } from "./lib/assert.ts";
import {
  assertApiError,
  assertOk,
  clientFor,
  invoke,
  invokeRaw,
  requireFunction,
  sql,
  withFunctionEnv,
} from "./lib/mod.ts";
import { startVideoSdkFake, vendorKeys } from "./fakes/mod.ts";
import { candidate, complete, liveInterview, tenantOwner } from "./interview/world.ts";

const FN = "interview-room";

async function ready() {
  await requireFunction(FN, "build it (scripts/build.sh interview-room) and start the stack (scripts/stack.sh start --test)");
}

function room(accessToken: string, sessionId: string) {
  return invoke(clientFor(accessToken), FN, { session_id: sessionId });
}

async function storedRoom(id: string): Promise<string | null> {
  return (await sql<{ r: string | null }>(`select videosdk_room_id as r from public.interview_sessions where id = :'id'`, { id }))[0].r;
}

Deno.test("room: without VideoSDK keys the function answers 503 not_configured", async () => {
  await ready();
  const { cand } = await liveInterview("room-nokey");
  assertApiError(await room(cand.token, cand.sessionId), 503, "not_configured");
});

Deno.test("room: the candidate gets the session's room and a token scoped to it; asking again reuses the room", async () => {
  await ready();
  const { owner, cand } = await liveInterview("room-own");
  await using videosdk = startVideoSdkFake();
  await withFunctionEnv(FN, vendorKeys("videosdk"), async () => {
    const first = await room(cand.token, cand.sessionId);
    assertOk(first);
    const roomId = first.body.room_id;
    assertEquals(await storedRoom(cand.sessionId), roomId);
    const checked = await videosdk.verifyToken(first.body.token);
    assert(checked.ok, JSON.stringify(checked));
    if (checked.ok) {
      assertEquals([checked.claims.roomId, checked.claims.participantId, checked.claims.permissions], [roomId, cand.id, ["allow_join"]]);
      const ttl = (checked.claims.exp as number) - Date.now() / 1000;
      assert(ttl > 0 && ttl <= 15 * 60 + 5, `a short expiry (${ttl} s)`);
    }
    // Again, and as the owner: the same room.
    const again = await room(cand.token, cand.sessionId);
    assertOk(again);
    assertEquals(again.body.room_id, roomId);
    const staff = await room(owner.token, cand.sessionId);
    assertOk(staff);
    assertEquals([staff.body.room_id, staff.body.participant_id], [roomId, owner.id]);
  });
  const created = videosdk.requests.filter((r) => r.method === "POST" && r.path === "/v2/rooms");
  assertEquals(created.length, 3);
  for (const r of created) {
    assertEquals(JSON.parse(r.body), { customRoomId: cand.sessionId });
    assert(!/^bearer /i.test(r.headers.authorization), "the raw JWT, no Bearer");
  }
  assertEquals([...videosdk.rooms.values()].filter((r) => r.customRoomId === cand.sessionId).length, 1, "one room for the session");
});

Deno.test("room: refused for another candidate's session, another tenant, a completed session", async () => {
  await ready();
  const { owner, pos, cand } = await liveInterview("room-no");
  await using videosdk = startVideoSdkFake();
  await withFunctionEnv(FN, vendorKeys("videosdk"), async () => {
    const other = await candidate(owner, pos, "room-other");
    assertApiError(await room(other.token, cand.sessionId), 404, "session_not_found");
    const stranger = await tenantOwner("room-stranger");
    assertApiError(await room(stranger.token, cand.sessionId), 404, "session_not_found");
    await complete(cand);
    assertApiError(await room(cand.token, cand.sessionId), 409, "session_not_joinable");
  });
  assertEquals(videosdk.requests.length, 0);
});

Deno.test("room: VideoSDK failing is a 502 after the retries, and nothing is stored", async () => {
  await ready();
  const { cand } = await liveInterview("room-fail");
  await using videosdk = startVideoSdkFake();
  await withFunctionEnv(FN, vendorKeys("videosdk"), async () => {
    videosdk.failNext(3, 503, { statusCode: 503, error: "Service Unavailable", message: "down" });
    assertApiError(await room(cand.token, cand.sessionId), 502, "upstream_error");
    assertEquals(await storedRoom(cand.sessionId), null);
    assertEquals((await room(cand.token, cand.sessionId)).status, 200, "recovered");
  });
});

Deno.test("room: bad input is 4xx, never 5xx", async () => {
  await ready();
  const { cand } = await liveInterview("room-bad");
  await withFunctionEnv(FN, vendorKeys("videosdk"), async () => {
    for (const body of [{}, { session_id: "nope" }, { session_id: cand.sessionId, room: "x" }, [cand.sessionId]]) {
      assertApiError(await invokeRaw(clientFor(cand.token), FN, { body: body as Record<string, unknown> }), 400, "invalid_body");
    }
    assertApiError(await invokeRaw(clientFor(cand.token), FN, { method: "PUT", body: {} }), 405);
    assertApiError(await room(cand.token, crypto.randomUUID()), 404, "session_not_found");
  });
});
