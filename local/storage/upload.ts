//! An upload's file from the request: the raw body or the file part of a
//! multipart/form-data body (supabase-js sends a Blob or File as FormData), within the
//! size limit, with its content type and cache control; and the checks on it.

import { errors } from "./protocol.ts";

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

export interface Upload {
  bytes: Uint8Array<ArrayBuffer>;
  mimetype: string;
  cacheControl: string;
}

/** The file of a raw or multipart upload (supabase-js sends a Blob/File as FormData). */
export async function readUpload(req: Request, limit: number): Promise<Upload> {
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

export function mimeAllowed(type: string, allowed: string[] | null): boolean {
  if (!allowed || allowed.length === 0) return true;
  const t = type.toLowerCase();
  return allowed.some((a) => {
    const p = a.toLowerCase();
    return p === t || (p.endsWith("/*") && t.startsWith(p.slice(0, -1)));
  });
}

export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
