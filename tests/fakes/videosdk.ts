//! Contract fake of VideoSDK rooms on FAKE_PORTS.videosdk (VIDEOSDK_BASE_URL), after
//! VideoSDK's API reference:
//!   https://docs.videosdk.live/api-reference/realtime-communication/authentication
//!   https://docs.videosdk.live/api-reference/realtime-communication/create-room
//!
//! Checks, as VideoSDK does:
//! - `Authorization: <jwt>` with **no** `Bearer` prefix; the JWT is HS256, signed with
//!   FAKE_KEYS.videosdk.secret, unexpired, with `apikey` = FAKE_KEYS.videosdk.key and a
//!   `permissions` array: otherwise 401 `{statusCode:401, error:"Unauthorized", message}`
//!   (its API reference shows no error body; this shape is the fake's).
//! - `POST /v2/rooms` `{customRoomId?, webhook?, autoCloseConfig?}` → `{roomId, customRoomId,
//!   userId, disabled, createdAt, updatedAt, id, links}`; the same `customRoomId` again
//!   answers the same room (VideoSDK's idempotency). `GET /v2/rooms/<roomId>` → the room.
//!
//! `fake.rooms` is the room table; `fake.verifyToken(jwt)` checks a token the way the
//! fake checks its own (for a function's participant token: `permissions`, `roomId`,
//! `participantId`, `exp`); `failNext`, `requests`, `reset` as every fake.

import { verify } from "../../local/jwt.ts";
import { FAKE_PORTS, type Fake, jsonResponse, startFake } from "../lib/fakes.ts";
import { FAKE_KEYS } from "./keys.ts";

export interface FakeRoom {
  roomId: string;
  customRoomId: string | null;
  userId: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  id: string;
  webhook?: unknown;
  autoCloseConfig?: unknown;
}

export type TokenCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Verify a VideoSDK token as the fake (and VideoSDK) would: signature, expiry, `apikey`. */
export async function verifyVideoSdkToken(token: string): Promise<TokenCheck> {
  const result = await verify(token, FAKE_KEYS.videosdk.secret);
  if (!result.ok) return result;
  const claims = result.claims;
  if (claims.apikey !== FAKE_KEYS.videosdk.key) return { ok: false, reason: "apikey claim does not match" };
  if (typeof claims.exp !== "number") return { ok: false, reason: "no exp" };
  const perms = claims.permissions;
  const allowed = ["allow_join", "ask_join", "allow_mod"];
  if (!Array.isArray(perms) || perms.length === 0 || !perms.every((p) => allowed.includes(p))) {
    return { ok: false, reason: "permissions must be a non-empty subset of allow_join, ask_join, allow_mod" };
  }
  return { ok: true, claims };
}

export interface VideoSdkFake extends Fake {
  rooms: Map<string, FakeRoom>;
  verifyToken(token: string): Promise<TokenCheck>;
}

function roomId(): string {
  const part = (n: number) => Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");
  return `${part(4)}-${part(4)}-${part(4)}`;
}

export function startVideoSdkFake(port: number = FAKE_PORTS.videosdk): VideoSdkFake {
  const rooms = new Map<string, FakeRoom>();
  let base = "";
  const unauthorized = (message: string) => jsonResponse(401, { statusCode: 401, error: "Unauthorized", message });

  const handler = async (req: Request, body: string): Promise<Response> => {
    const url = new URL(req.url);
    const auth = req.headers.get("authorization");
    if (!auth) return unauthorized("Authorization header is missing");
    if (/^bearer\s/i.test(auth)) return unauthorized("Token is invalid: send the JWT itself, without 'Bearer'");
    const checked = await verifyVideoSdkToken(auth);
    if (!checked.ok) return unauthorized(`Token is invalid or expired (${checked.reason})`);

    const view = (r: FakeRoom) => ({
      ...r,
      links: { get_room: `${base}/v2/rooms/${r.roomId}`, get_session: `${base}/v2/sessions/?roomId=${r.roomId}` },
    });
    if (req.method === "POST" && url.pathname === "/v2/rooms") {
      let params: Record<string, unknown> = {};
      if (body) {
        try {
          params = JSON.parse(body);
        } catch {
          return jsonResponse(400, { statusCode: 400, error: "Bad Request", message: "Invalid JSON body" });
        }
      }
      const custom = params.customRoomId;
      if (custom !== undefined && typeof custom !== "string") {
        return jsonResponse(400, { statusCode: 400, error: "Bad Request", message: "customRoomId must be a string" });
      }
      if (custom) {
        const existing = [...rooms.values()].find((r) => r.customRoomId === custom);
        if (existing) return jsonResponse(200, view(existing));
      }
      const now = new Date().toISOString();
      const room: FakeRoom = {
        roomId: roomId(),
        customRoomId: custom ?? null,
        userId: "fake-user",
        disabled: false,
        createdAt: now,
        updatedAt: now,
        id: crypto.randomUUID().replaceAll("-", "").slice(0, 24),
        webhook: params.webhook,
        autoCloseConfig: params.autoCloseConfig,
      };
      rooms.set(room.roomId, room);
      return jsonResponse(200, view(room));
    }
    const get = url.pathname.match(/^\/v2\/rooms\/([\w-]+)$/);
    if (req.method === "GET" && get) {
      const room = rooms.get(get[1]);
      return room ? jsonResponse(200, view(room)) : jsonResponse(404, { statusCode: 404, error: "Not Found", message: "Room not found" });
    }
    return jsonResponse(404, { statusCode: 404, error: "Not Found", message: `${req.method} ${url.pathname}` });
  };

  const fake = startFake(port, handler);
  base = fake.url;
  const baseReset = fake.reset;
  return Object.assign(fake, {
    rooms,
    verifyToken: verifyVideoSdkToken,
    reset: () => {
      baseReset();
      rooms.clear();
    },
  });
}
