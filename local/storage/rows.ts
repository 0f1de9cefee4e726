//! The rows behind the objects, read and written AS THE CALLER through the internal
//! postrust that exposes only the `storage` schema (STORAGE_REST_URL): every query carries
//! the caller's own `Authorization`, so postrust verifies the JWT, switches to its role and
//! sets `request.jwt.claims`, and the storage.objects policies of the migrations decide, as
//! for /rest/v1. Bucket settings are read with the service role, as Storage reads them with
//! its own admin connection. PostgREST's errors come back as Storage's (protocol.ts).

import { verifyToken } from "../jwt.ts";
import { KEYS, REST, SERVICE_ROLE_KEY } from "./config.ts";
import { errors } from "./protocol.ts";

export interface Caller {
  /** The header to forward: RLS runs as this token's role. */
  authorization: string;
  /** `sub` for a signed-in user (the object's owner), else null. */
  owner: string | null;
}

export async function callerOf(req: Request): Promise<Caller> {
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

export const SERVICE: Caller = { authorization: `Bearer ${SERVICE_ROLE_KEY}`, owner: null };

/** A PostgREST filter value: percent-encoded (postrust does not read `+` as a space). */
const enc = (v: string) => encodeURIComponent(v);

export interface ObjectRow {
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

export interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
}

export async function bucketOf(id: string): Promise<Bucket> {
  const rows = await query<Bucket[]>(
    SERVICE,
    "GET",
    `/buckets?id=eq.${enc(id)}&select=id,public,file_size_limit,allowed_mime_types`,
  );
  if (rows.length === 0) throw errors.noSuchBucket();
  return rows[0];
}

export async function objectRow(caller: Caller, bucket: string, name: string): Promise<ObjectRow> {
  const rows = await query<ObjectRow[]>(caller, "GET", `/objects?bucket_id=eq.${enc(bucket)}&name=eq.${enc(name)}`);
  if (rows.length === 0) throw errors.noSuchKey();
  return rows[0];
}

/** The columns a new object's row is written with; the rest are the table's defaults. */
export interface NewObject {
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  metadata: Record<string, unknown>;
}

/** Insert a row; `upsert` replaces one of the same bucket and name (`x-upsert: true`). */
export function insertObject(caller: Caller, row: NewObject, upsert: boolean, now: string): Promise<ObjectRow[]> {
  return upsert
    ? query<ObjectRow[]>(
      caller,
      "POST",
      "/objects?on_conflict=bucket_id,name",
      { ...row, updated_at: now, last_accessed_at: now },
      "return=representation,resolution=merge-duplicates",
    )
    : query<ObjectRow[]>(caller, "POST", "/objects", row, "return=representation");
}

/** The updated row, or none when there is no such object the caller may update. */
export function updateObject(
  caller: Caller,
  bucket: string,
  name: string,
  metadata: Record<string, unknown>,
  now: string,
): Promise<ObjectRow[]> {
  return query<ObjectRow[]>(
    caller,
    "PATCH",
    `/objects?bucket_id=eq.${enc(bucket)}&name=eq.${enc(name)}`,
    { metadata, updated_at: now, last_accessed_at: now },
    "return=representation",
  );
}

/**
 * Delete the rows of these names the caller may delete (DELETE needs the SELECT policy
 * too); answers the deleted rows. Names must not hold `"` (the `in.(...)` list quotes them).
 */
export function deleteObjects(caller: Caller, bucket: string, names: string[]): Promise<ObjectRow[]> {
  const filter = names.length === 1
    ? `name=eq.${enc(names[0])}`
    : `name=in.(${names.map((k) => `"${enc(k)}"`).join(",")})`;
  return query<ObjectRow[]>(
    caller,
    "DELETE",
    `/objects?bucket_id=eq.${enc(bucket)}&${filter}`,
    undefined,
    "return=representation",
  );
}

/**
 * The rows of a bucket the caller may read whose names start with `prefix`. `like`
 * narrows the query when the prefix has no pattern characters; the exact prefix test
 * is the caller's to make.
 */
export function objectsUnder(caller: Caller, bucket: string, prefix: string): Promise<ObjectRow[]> {
  const narrow = prefix && !/[*%_\\]/.test(prefix) ? `&name=like.${enc(prefix)}*` : "";
  return query<ObjectRow[]>(caller, "GET", `/objects?bucket_id=eq.${enc(bucket)}${narrow}`);
}
