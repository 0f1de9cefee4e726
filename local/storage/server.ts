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

import { drain } from "../../supabase/functions/_shared/body.ts";
import { stackKeysFromEnv, verifyToken } from "../jwt.ts";

const env = (k: string, d: string) => Deno.env.get(k) || d;
const PORT = Number(env("STORAGE_PORT", "54332"));
const REST = env("STORAGE_REST_URL", "http://127.0.0.1:54333").replace(/\/$/, "");
const DIR = env("STORAGE_DIR", new URL("../../.local/storage", import.meta.url).pathname).replace(/\/$/, "");
/** What a caller's token is checked against: the JWKS, and in legacy mode the secret. */
const { legacy: LEGACY, keys: KEYS } = stackKeysFromEnv();
const SERVICE_ROLE_KEY = env(
  "SERVICE_ROLE_KEY",
  LEGACY
    ? "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
    : "",
);
if (!SERVICE_ROLE_KEY) {
  console.error("[storage] signing mode needs SERVICE_ROLE_KEY (start it with scripts/stack.sh)");
  Deno.exit(2);
}
const GLOBAL_LIMIT = Number(env("STORAGE_FILE_SIZE_LIMIT", String(50 * 1024 * 1024)));

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "access-control-expose-headers": "content-length, content-type, etag, last-modified, cache-control",
};

// ---------------------------------------------------------------------------------------
// Errors, in supabase/storage's shape

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const errors = {
  noSuchKey: () => new StorageError(404, "NoSuchKey", "not_found", "Object not found"),
  noSuchBucket: () => new StorageError(404, "NoSuchBucket", "Bucket not found", "Bucket not found"),
  denied: (message = "new row violates row-level security policy") =>
    new StorageError(403, "AccessDenied", "Unauthorized", message),
  duplicate: () => new StorageError(409, "KeyAlreadyExists", "Duplicate", "The resource already exists"),
  tooLarge: () =>
    new StorageError(413, "EntityTooLarge", "Payload too large", "The object exceeded the maximum allowed size"),
  mime: (type: string) =>
    new StorageError(415, "InvalidMimeType", "invalid_mime_type", `mime type ${type} is not supported`),
  invalidKey: (key: string) => new StorageError(400, "InvalidKey", "InvalidKey", `Invalid key: ${key}`),
  invalidJwt: (message: string) => new StorageError(400, "InvalidJWT", "InvalidJWT", message),
  invalid: (message: string) => new StorageError(400, "InvalidRequest", "InvalidRequest", message),
  internal: () => new StorageError(500, "InternalError", "internal", "Internal Server Error"),
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Storage answers 400 for every client error, the real status in the body. */
function errorResponse(e: StorageError): Response {
  return json(e.status >= 500 ? 500 : 400, {
    statusCode: String(e.status),
    code: e.code,
    error: e.error,
    message: e.message,
  });
}

// ---------------------------------------------------------------------------------------
// The caller and the internal REST (storage schema)

interface Caller {
  /** The header to forward: RLS runs as this token's role. */
  authorization: string;
  /** `sub` for a signed-in user (the object's owner), else null. */
  owner: string | null;
}

async function callerOf(req: Request): Promise<Caller> {
  const header = req.headers.get("authorization");
  let token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  // supabase-js always sends Authorization; a bare apikey is the anon (or service) key.
  token ??= req.headers.get("apikey") ?? undefined;
  if (!token) throw errors.invalidJwt("jwt must be provided");
  const checked = await verifyToken(token, KEYS);
  if (!checked.ok) {
    throw errors.invalidJwt(checked.reason === "expired" ? "exp claim timestamp check failed" : "invalid signature");
  }
  const sub = typeof checked.claims.sub === "string" ? checked.claims.sub : null;
  return { authorization: `Bearer ${token}`, owner: checked.claims.role === "authenticated" ? sub : null };
}

const SERVICE: Caller = { authorization: `Bearer ${SERVICE_ROLE_KEY}`, owner: null };

/** A PostgREST filter value: percent-encoded (postrust does not read `+` as a space). */
const enc = (v: string) => encodeURIComponent(v);

interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  metadata: Record<string, unknown> | null;
  version: string | null;
  created_at: string | null;
  updated_at: string | null;
  last_accessed_at: string | null;
}

/** A query to the storage schema as `caller`; PostgREST errors become storage errors. */
async function query<T>(caller: Caller, method: string, path: string, body?: unknown, prefer?: string): Promise<T> {
  const headers: Record<string, string> = { authorization: caller.authorization, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (prefer) headers.prefer = prefer;
  let res: Response;
  try {
    res = await fetch(`${REST}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    console.error(`[storage] REST unreachable: ${e}`);
    throw errors.internal();
  }
  const text = await res.text();
  if (res.ok) return (text ? JSON.parse(text) : null) as T;
  let pg: { code?: string; message?: string } = {};
  try {
    pg = JSON.parse(text);
  } catch { /* not JSON */ }
  if (pg.code === "42501") throw errors.denied();
  if (pg.code === "23505") throw errors.duplicate();
  if (pg.code === "23503") throw errors.noSuchBucket();
  if (res.status === 401 || pg.code?.startsWith("PGRST30")) throw errors.invalidJwt(pg.message ?? "invalid JWT");
  console.error(`[storage] REST ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  throw errors.internal();
}

interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
}

async function bucketOf(id: string): Promise<Bucket> {
  const rows = await query<Bucket[]>(
    SERVICE,
    "GET",
    `/buckets?id=eq.${enc(id)}&select=id,public,file_size_limit,allowed_mime_types`,
  );
  if (rows.length === 0) throw errors.noSuchBucket();
  return rows[0];
}

async function objectRow(caller: Caller, bucket: string, name: string): Promise<ObjectRow> {
  const rows = await query<ObjectRow[]>(caller, "GET", `/objects?bucket_id=eq.${enc(bucket)}&name=eq.${enc(name)}`);
  if (rows.length === 0) throw errors.noSuchKey();
  return rows[0];
}

// ---------------------------------------------------------------------------------------
// Keys and files

/** Storage's key rule: printable ASCII words and a few marks, no empty or dot segments. */
const KEY_CHARS = /^[\w/!\-.*'() &$@=;:+,?]+$/;

function checkedKey(key: string): string {
  const segments = key.split("/");
  if (
    !key || key.length > 1024 || !KEY_CHARS.test(key) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw errors.invalidKey(key);
  }
  return key;
}

function checkedBucket(id: string): string {
  if (!/^[\w.-]{1,100}$/.test(id)) throw new StorageError(400, "InvalidBucketName", "Invalid Input", "Bucket name invalid");
  return id;
}

const filePath = (bucket: string, name: string) => `${DIR}/${bucket}/${name}`;

async function removeFile(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) console.error(`[storage] remove ${path}: ${e}`);
  }
}

/**
 * The body, up to `limit` bytes. Over the limit the rest is still read and discarded
 * before the refusal goes out: an answer given while the client is still sending costs a
 * pooling client its connection, and its next request (body.ts; nginx caps bodies at
 * 100 MB, so this is bounded).
 */
async function readLimited(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body) {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    }
  }
  if (size > limit) throw errors.tooLarge();
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

interface Upload {
  bytes: Uint8Array<ArrayBuffer>;
  mimetype: string;
  cacheControl: string;
}

/** The file of a raw or multipart upload (supabase-js sends a Blob/File as FormData). */
async function readUpload(req: Request, limit: number): Promise<Upload> {
  const contentType = req.headers.get("content-type") ?? "";
  const isForm = contentType.toLowerCase().startsWith("multipart/form-data");
  // A multipart envelope adds a little around the file; the file itself is checked below.
  const raw = await readLimited(req, isForm ? limit + 64 * 1024 : limit);
  if (!isForm) {
    const cache = req.headers.get("cache-control")?.match(/max-age=(\d+)/)?.[1] ?? "3600";
    return {
      bytes: raw,
      mimetype: contentType.split(";")[0].trim() || "application/octet-stream",
      cacheControl: `max-age=${cache}`,
    };
  }
  const boundary = contentType.match(/boundary="?([^";]+)"?/i)?.[1];
  if (!boundary) throw errors.invalid("The multipart body has no boundary");
  const parts = multipart(raw, boundary);
  const file = parts.find((p) => p.filename !== null);
  if (!file) throw errors.invalid("No file was found in the multipart body");
  const bytes = file.body;
  if (bytes.byteLength > limit) throw errors.tooLarge();
  const field = parts.find((p) => p.name === "cacheControl" && p.filename === null);
  const cache = field ? new TextDecoder().decode(field.body).trim() : "3600";
  return {
    bytes,
    mimetype: file.type.split(";")[0].trim() || "application/octet-stream",
    cacheControl: `max-age=${cache.replace(/^max-age=/, "")}`,
  };
}

interface MultipartPart {
  name: string;
  filename: string | null;
  type: string;
  body: Uint8Array<ArrayBuffer>;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The parts of a multipart/form-data body. Our own, because the platform's parser
 * (`Response.formData()`) drops a part whose name is empty, and supabase-js uploads a
 * Blob or File as exactly that (`FormData.append("", file)`).
 */
function multipart(raw: Uint8Array<ArrayBuffer>, boundary: string): MultipartPart[] {
  const enc = new TextEncoder();
  const delimiter = enc.encode(`--${boundary}`);
  const headerEnd = enc.encode("\r\n\r\n");
  const parts: MultipartPart[] = [];
  let at = indexOf(raw, delimiter, 0);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d) break; // "--": the closing delimiter
    const headersAt = start + 2; // CRLF after the delimiter
    const bodyAt = indexOf(raw, headerEnd, headersAt);
    if (bodyAt === -1) break;
    const next = indexOf(raw, delimiter, bodyAt + 4);
    if (next === -1) break;
    const head = new TextDecoder().decode(raw.subarray(headersAt, bodyAt));
    const disposition = head.match(/content-disposition:([^\r\n]*)/i)?.[1] ?? "";
    parts.push({
      name: disposition.match(/\bname="([^"]*)"/i)?.[1] ?? "",
      filename: disposition.match(/\bfilename="([^"]*)"/i)?.[1] ?? null,
      type: head.match(/content-type:\s*([^\r\n]*)/i)?.[1]?.trim() ?? "",
      // The body ends with the CRLF that precedes the next delimiter.
      body: raw.slice(bodyAt + 4, Math.max(bodyAt + 4, next - 2)),
    });
    at = next;
  }
  return parts;
}

function mimeAllowed(type: string, allowed: string[] | null): boolean {
  if (!allowed || allowed.length === 0) return true;
  const t = type.toLowerCase();
  return allowed.some((a) => {
    const p = a.toLowerCase();
    return p === t || (p.endsWith("/*") && t.startsWith(p.slice(0, -1)));
  });
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---------------------------------------------------------------------------------------
// Operations

async function upload(req: Request, bucketId: string, key: string, mode: "create" | "upsert" | "update"): Promise<Response> {
  const caller = await callerOf(req);
  const bucket = await bucketOf(bucketId);
  const limit = Math.min(GLOBAL_LIMIT, bucket.file_size_limit ?? GLOBAL_LIMIT);
  const file = await readUpload(req, limit);
  if (!mimeAllowed(file.mimetype, bucket.allowed_mime_types)) throw errors.mime(file.mimetype);

  const now = new Date().toISOString();
  const metadata = {
    eTag: `"${await sha256(file.bytes)}"`,
    size: file.bytes.byteLength,
    mimetype: file.mimetype,
    cacheControl: file.cacheControl,
    lastModified: now,
    contentLength: file.bytes.byteLength,
    httpStatusCode: 200,
  };
  // Bytes first, to a temporary name; the row decides; then the bytes move into place.
  await Deno.mkdir(`${DIR}/.tmp`, { recursive: true });
  const tmp = `${DIR}/.tmp/${crypto.randomUUID()}`;
  await Deno.writeFile(tmp, file.bytes);
  try {
    let rows: ObjectRow[];
    if (mode === "update") {
      rows = await query<ObjectRow[]>(
        caller,
        "PATCH",
        `/objects?bucket_id=eq.${enc(bucketId)}&name=eq.${enc(key)}`,
        { metadata, updated_at: now, last_accessed_at: now },
        "return=representation",
      );
      if (rows.length === 0) throw errors.noSuchKey();
    } else {
      const row = { bucket_id: bucketId, name: key, owner: caller.owner, owner_id: caller.owner, metadata };
      rows = mode === "upsert"
        ? await query<ObjectRow[]>(
          caller,
          "POST",
          "/objects?on_conflict=bucket_id,name",
          { ...row, updated_at: now, last_accessed_at: now },
          "return=representation,resolution=merge-duplicates",
        )
        : await query<ObjectRow[]>(caller, "POST", "/objects", row, "return=representation");
    }
    const target = filePath(bucketId, key);
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.rename(tmp, target);
    return json(200, { Key: `${bucketId}/${key}`, Id: rows[0]?.id });
  } catch (e) {
    await removeFile(tmp);
    throw e;
  }
}

async function download(req: Request, bucketId: string, key: string, asPublic: boolean): Promise<Response> {
  let row: ObjectRow;
  if (asPublic) {
    const bucket = await bucketOf(bucketId);
    if (!bucket.public) throw errors.noSuchBucket();
    row = await objectRow(SERVICE, bucketId, key);
  } else {
    row = await objectRow(await callerOf(req), bucketId, key);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(filePath(bucketId, key));
  } catch {
    throw errors.noSuchKey();
  }
  const meta = row.metadata ?? {};
  const headers: Record<string, string> = {
    ...CORS,
    "content-type": String(meta.mimetype ?? "application/octet-stream"),
    "content-length": String(bytes.byteLength),
    "cache-control": String(meta.cacheControl ?? "max-age=3600"),
    "last-modified": new Date(row.updated_at ?? Date.now()).toUTCString(),
  };
  if (meta.eTag) headers.etag = String(meta.eTag);
  const asAttachment = new URL(req.url).searchParams.get("download");
  if (asAttachment !== null) {
    const name = asAttachment || key.slice(key.lastIndexOf("/") + 1);
    headers["content-disposition"] = `attachment; filename="${name.replace(/"/g, "")}"`;
  }
  return new Response(req.method === "HEAD" ? null : bytes, { status: 200, headers });
}

async function info(req: Request, bucketId: string, key: string): Promise<Response> {
  const row = await objectRow(await callerOf(req), bucketId, key);
  const meta = row.metadata ?? {};
  return json(200, {
    id: row.id,
    name: row.name,
    version: row.version,
    bucket_id: row.bucket_id,
    size: meta.size ?? null,
    content_type: meta.mimetype ?? null,
    cache_control: meta.cacheControl ?? null,
    etag: meta.eTag ?? null,
    metadata: row.metadata,
    last_modified: row.updated_at,
    created_at: row.created_at,
  });
}

async function removeMany(req: Request, bucketId: string): Promise<Response> {
  const caller = await callerOf(req);
  let body: { prefixes?: unknown };
  try {
    body = await req.json();
  } catch {
    throw errors.invalid("body must be JSON {prefixes: string[]}");
  }
  const prefixes = body?.prefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.length > 1000 || prefixes.some((p) => typeof p !== "string")) {
    throw errors.invalid("prefixes must be an array of 1 to 1000 object paths");
  }
  const keys = (prefixes as string[]).filter((k) => KEY_CHARS.test(k) && !k.includes('"'));
  if (keys.length === 0) return json(200, []);
  const list = keys.map((k) => `"${enc(k)}"`).join(",");
  // As the caller: RLS decides which of them go (DELETE needs the SELECT policy too).
  const rows = await query<ObjectRow[]>(
    caller,
    "DELETE",
    `/objects?bucket_id=eq.${enc(bucketId)}&name=in.(${list})`,
    undefined,
    "return=representation",
  );
  for (const row of rows) await removeFile(filePath(bucketId, row.name));
  return json(200, rows);
}

async function removeOne(req: Request, bucketId: string, key: string): Promise<Response> {
  const caller = await callerOf(req);
  const rows = await query<ObjectRow[]>(
    caller,
    "DELETE",
    `/objects?bucket_id=eq.${enc(bucketId)}&name=eq.${enc(key)}`,
    undefined,
    "return=representation",
  );
  if (rows.length === 0) throw errors.noSuchKey();
  await removeFile(filePath(bucketId, key));
  return json(200, { message: "Successfully deleted" });
}

interface ListOptions {
  prefix?: string;
  limit?: number;
  offset?: number;
  sortBy?: { column?: string; order?: string };
  search?: string;
}

const SORTABLE = ["name", "created_at", "updated_at", "last_accessed_at"] as const;

async function list(req: Request, bucketId: string): Promise<Response> {
  const caller = await callerOf(req);
  let opts: ListOptions;
  try {
    opts = (await req.json()) ?? {};
  } catch {
    throw errors.invalid("body must be JSON");
  }
  const folder = (opts.prefix ?? "").replace(/^\/+|\/+$/g, "");
  const prefix = folder ? `${folder}/` : "";
  const limit = Math.min(Math.max(Number(opts.limit ?? 100) || 100, 1), 1000);
  const offset = Math.max(Number(opts.offset ?? 0) || 0, 0);
  const column = SORTABLE.find((c) => c === opts.sortBy?.column) ?? "name";
  const desc = String(opts.sortBy?.order ?? "asc").toLowerCase() === "desc";
  const search = (opts.search ?? "").toLowerCase();

  // `like` narrows the query when the prefix has no pattern characters; the exact
  // prefix test below is what decides.
  const narrow = prefix && !/[*%_\\]/.test(prefix) ? `&name=like.${enc(prefix)}*` : "";
  const rows = await query<ObjectRow[]>(caller, "GET", `/objects?bucket_id=eq.${enc(bucketId)}${narrow}`);
  const entries = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    if (!row.name.startsWith(prefix)) continue;
    const below = row.name.slice(prefix.length);
    const slash = below.indexOf("/");
    const name = slash === -1 ? below : below.slice(0, slash);
    if (!name.toLowerCase().startsWith(search)) continue;
    if (slash !== -1) {
      entries.set(`d:${name}`, { name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
    } else {
      entries.set(`f:${name}`, {
        name,
        id: row.id,
        updated_at: row.updated_at,
        created_at: row.created_at,
        last_accessed_at: row.last_accessed_at,
        metadata: row.metadata,
      });
    }
  }
  const sorted = [...entries.values()].sort((a, b) => {
    const x = String(a[column] ?? ""), y = String(b[column] ?? "");
    const c = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -c : c;
  });
  return json(200, sorted.slice(offset, offset + limit));
}

// ---------------------------------------------------------------------------------------
// Routing

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
  await Deno.mkdir(DIR, { recursive: true });
  Deno.serve({ hostname: "127.0.0.1", port: PORT, onListen: () => console.log(`[storage] listening on :${PORT}, files in ${DIR}`) }, handler);
}
