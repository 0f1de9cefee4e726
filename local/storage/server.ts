//! The local Storage API: the subset of Supabase Storage that supabase-js
//! `storage.from(bucket)` uses, without Docker, behind the gateway's `/storage/v1/`.
//!
//!   POST   /object/<bucket>/<path>              upload (`x-upsert: true` replaces)
//!   PUT    /object/<bucket>/<path>              update an existing object
//!   GET    /object/<bucket>/<path>              download (supabase-js 2.119's path)
//!   GET    /object/authenticated/<bucket>/<path> download (the documented private path)
//!   GET    /object/public/<bucket>/<path>       download from a public bucket
//!   GET    /object/info/<bucket>/<path>         metadata (`info`, `exists`)
//!   DELETE /object/<bucket>   {prefixes: [...]} remove, answers the removed objects
//!   DELETE /object/<bucket>/<path>              remove one
//!   POST   /object/list/<bucket> {prefix, limit, offset, sortBy, search}   list one level
//!   GET    /status                              health
//!
//! How it decides, as the real Storage API does: the object's metadata row in
//! `storage.objects` is read and written AS THE CALLER, so the storage.objects policies
//! of the migrations decide every upload, download, listing and removal. It is done with
//! real parts and no new database driver: a second, internal postrust instance exposes
//! only the `storage` schema (STORAGE_REST_URL, started by scripts/stack.sh), and every
//! object query goes to it with the caller's own `Authorization` header, so postrust
//! verifies the JWT, switches to its role and sets `request.jwt.claims` for RLS, exactly as
//! for /rest/v1. Bucket settings (`public`, `file_size_limit`, `allowed_mime_types`) are
//! read with the service role, as Storage reads them with its own admin connection; the
//! limits are enforced before anything is written. The bytes live on disk under
//! STORAGE_DIR (`.local*/storage/<bucket>/<path>`), written to a temporary file first and
//! moved into place only once the row is in, so a refused upload leaves nothing behind.
//!
//! Answers follow supabase/storage: an upload is `{"Key": "<bucket>/<path>", "Id": uuid}`;
//! an error is HTTP 400 (500 for its own failures) with
//! `{"statusCode": "<status>", "code", "error", "message"}`, e.g. a missing or unreadable
//! object `{"statusCode":"404","code":"NoSuchKey","error":"not_found","message":"Object
//! not found"}` and an RLS refusal `{"statusCode":"403","error":"Unauthorized","message":
//! "new row violates row-level security policy"}`. Differences: the `eTag` is a SHA-256,
//! not an MD5 (Web Crypto has no MD5); no image transforms, signed URLs, TUS or S3.
//!
//! Env: STORAGE_PORT, STORAGE_REST_URL, STORAGE_DIR, STORAGE_FILE_SIZE_LIMIT (bytes;
//! config.toml's [storage] file_size_limit, 50 MiB); the keys as scripts/lib.sh exports
//! them: STACK_KEYS (`signing`, the default, or `legacy`), JWKS (signing mode: tokens are
//! checked against it), JWT_SECRET (legacy mode: HS256), SERVICE_ROLE_KEY.
//! Built-ins only.
//!
//! This file is the router; the parts, one job each:
//!   config.ts     the env above, read once
//!   protocol.ts   Storage's error answers, CORS, bucket and key name rules
//!   rows.ts       the caller, and the storage.objects / storage.buckets rows via postrust
//!   files.ts      the byte store under STORAGE_DIR
//!   upload.ts     an upload's file from a raw or multipart body
//!   operations.ts upload, download, info, remove, list: one function per route

import { drain } from "../../supabase/functions/_shared/body.ts";
import { PORT } from "./config.ts";
import { openStore } from "./files.ts";
import { download, info, list, removeMany, removeOne, upload } from "./operations.ts";
import { checkedBucket, checkedKey, CORS, errorResponse, errors, json, StorageError } from "./protocol.ts";

function segments(pathname: string): string[] {
  try {
    return pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
  } catch {
    throw errors.invalidKey(pathname);
  }
}

async function route(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const m = req.method;
  if (m === "OPTIONS") {
    return new Response(null, {
      status: 200,
      headers: {
        ...CORS,
        "access-control-allow-headers": req.headers.get("access-control-request-headers") ??
          "authorization, apikey, content-type, x-upsert, x-client-info, cache-control",
        "access-control-max-age": "3600",
      },
    });
  }
  if (url.pathname === "/status") return new Response(null, { status: 200 });
  const parts = segments(url.pathname);
  if (parts[0] !== "object") {
    return json(404, { statusCode: 404, error: "Not Found", message: `Route ${m}:${url.pathname} not found` });
  }
  const [, first, ...rest] = parts;
  const key = (xs: string[]) => checkedKey(xs.join("/"));

  if (m === "POST" && first === "list" && rest.length === 1) return await list(req, checkedBucket(rest[0]));
  if ((m === "GET" || m === "HEAD") && first === "info") {
    const at = rest[0] === "authenticated" || rest[0] === "public" ? rest.slice(1) : rest;
    if (at.length >= 2) return await info(req, checkedBucket(at[0]), key(at.slice(1)));
  }
  if ((m === "GET" || m === "HEAD") && (first === "authenticated" || first === "public") && rest.length >= 2) {
    return await download(req, checkedBucket(rest[0]), key(rest.slice(1)), first === "public");
  }
  if (first && rest.length >= 1) {
    const bucket = checkedBucket(first);
    if (m === "GET" || m === "HEAD") return await download(req, bucket, key(rest), false);
    if (m === "POST") {
      const upsert = (req.headers.get("x-upsert") ?? "").toLowerCase() === "true";
      return await upload(req, bucket, key(rest), upsert ? "upsert" : "create");
    }
    if (m === "PUT") return await upload(req, bucket, key(rest), "update");
    if (m === "DELETE") return await removeOne(req, bucket, key(rest));
  }
  if (first && rest.length === 0 && m === "DELETE") return await removeMany(req, checkedBucket(first));
  return json(404, { statusCode: 404, error: "Not Found", message: `Route ${m}:${url.pathname} not found` });
}

export async function handler(req: Request): Promise<Response> {
  const started = performance.now();
  let res: Response;
  try {
    res = await route(req);
  } catch (e) {
    if (!(e instanceof StorageError)) console.error(`[storage] ${req.method} ${req.url}: ${e instanceof Error ? e.stack : e}`);
    res = errorResponse(e instanceof StorageError ? e : errors.internal());
  }
  // A refusal given before the body was read (a bad token, an unknown bucket) goes out
  // after its last byte all the same (body.ts); an upload reads its body to the end.
  if (req.body && !req.bodyUsed) await drain(req.body);
  const path = new URL(req.url).pathname;
  console.log(`[storage] ${req.method} ${path} ${res.status} ${Math.round(performance.now() - started)}ms`);
  return res;
}

if (import.meta.main) {
  const dir = await openStore();
  Deno.serve({ hostname: "127.0.0.1", port: PORT, onListen: () => console.log(`[storage] listening on :${PORT}, files in ${dir}`) }, handler);
}
