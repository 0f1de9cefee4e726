//! What a client of the Storage API sees besides the bytes, in supabase/storage's shapes:
//! the error answer (HTTP 400 for every client error, the real status in the body; 500
//! for its own failures), the CORS headers, and the rules for bucket names and object keys.

export const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "access-control-expose-headers": "content-length, content-type, etag, last-modified, cache-control",
};

export class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export const errors = {
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

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Storage answers 400 for every client error, the real status in the body. */
export function errorResponse(e: StorageError): Response {
  return json(e.status >= 500 ? 500 : 400, {
    statusCode: String(e.status),
    code: e.code,
    error: e.error,
    message: e.message,
  });
}

/** Storage's key rule: printable ASCII words and a few marks, no empty or dot segments. */
export const KEY_CHARS = /^[\w/!\-.*'() &$@=;:+,?]+$/;

export function checkedKey(key: string): string {
  const segments = key.split("/");
  if (
    !key || key.length > 1024 || !KEY_CHARS.test(key) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw errors.invalidKey(key);
  }
  return key;
}

export function checkedBucket(id: string): string {
  if (!/^[\w.-]{1,100}$/.test(id)) throw new StorageError(400, "InvalidBucketName", "Invalid Input", "Bucket name invalid");
  return id;
}
