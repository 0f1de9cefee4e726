//! Contract fake of PDF.co on FAKE_PORTS.pdfco (PDFCO_BASE_URL), after PDF.co's API
//! reference: https://docs.pdf.co/api-reference/pdf-to-text/simple and
//! https://docs.pdf.co/api-reference/file-upload/generate-presigned-url.
//!
//! Checks, as PDF.co does:
//! - `x-api-key: <FAKE_KEYS.pdfco>`, else 401 `{error:true, status:401, message}`.
//! - `GET /v1/file/upload/get-presigned-url?name=&contenttype=` → `{presignedUrl, url,
//!   error:false, status:200, name, remainingCredits}`. The fake serves the presigned
//!   target itself (`PUT /_storage/put/<id>`, no key needed, `Content-Type` must match
//!   `contenttype`, else 403 like S3) and the file's `url` (`GET /_storage/files/<id>/<name>`).
//! - `POST /v1/pdf/convert/to/text` and `/text-simple`: JSON with `url` (one this fake
//!   stored, else 400 "file not found"); `inline:true` answers the text in `body`, else a
//!   `url` to it; `async:true` is refused (this project does not poll jobs).
//!
//! Scripting: `fake.setText(text)` (default text for every conversion),
//! `fake.onConvert((file, body) => string | PdfCoFailure)` (computed per call), or
//! `fake.queue(...)` of strings / failures. A failure `pdfco.error(status, message?,
//! {inBody})` answers `{error:true, status, message}` with that HTTP status, or with 200
//! when `inBody` (PDF.co reports some failures in a 200 body). Useful codes: 402 (no
//! credits), 429 (rate limited), 441 (password), 442 (damaged), 445 (timeout).
//! `fake.uploads` holds what was PUT; `failNext`, `requests`, `reset` as every fake.

import { FAKE_PORTS, type Fake, jsonResponse, startFake } from "../lib/fakes.ts";
import { FAKE_KEYS } from "./keys.ts";

export interface PdfCoFailure {
  failure: true;
  status: number;
  message: string;
  inBody: boolean;
  headers?: Record<string, string>;
}

export const pdfco = {
  error: (status: number, message?: string, opts: { inBody?: boolean; headers?: Record<string, string> } = {}): PdfCoFailure => ({
    failure: true,
    status,
    message: message ?? DEFAULT_MESSAGES[status] ?? `Error ${status}`,
    inBody: opts.inBody ?? false,
    headers: opts.headers,
  }),
};

const DEFAULT_MESSAGES: Record<number, string> = {
  402: "Not enough credits. Please purchase more credits to continue.",
  429: "Too many requests. Please retry later.",
  441: "Password-protected document. Please provide the password.",
  442: "Damaged document or unsupported file type.",
  445: "Timeout error. Use async mode for large documents.",
};

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  bytes?: Uint8Array<ArrayBuffer>;
  url: string;
}

export type ConvertAnswer = string | PdfCoFailure;

export interface PdfCoFake extends Fake {
  setText(text: string): void;
  onConvert(fn: ((file: StoredFile, body: Record<string, unknown>) => ConvertAnswer | undefined) | undefined): void;
  queue(...answers: ConvertAnswer[]): void;
  /** Files by id, with the bytes once PUT. */
  uploads: Map<string, StoredFile>;
  conversions(): Record<string, unknown>[];
}

function failureResponse(f: PdfCoFailure): Response {
  return jsonResponse(f.inBody ? 200 : f.status, { error: true, status: f.status, message: f.message }, f.headers);
}

export function startPdfCoFake(port: number = FAKE_PORTS.pdfco): PdfCoFake {
  let text = "Fake PDF text\nfrom the PDF.co fake";
  let computed: ((file: StoredFile, body: Record<string, unknown>) => ConvertAnswer | undefined) | undefined;
  let answers: ConvertAnswer[] = [];
  const uploads = new Map<string, StoredFile>();
  const conversions: Record<string, unknown>[] = [];
  let credits = 10_000;
  let base = "";

  const handler = (req: Request, body: string, bytes: Uint8Array<ArrayBuffer>): Response => {
    const url = new URL(req.url);
    // The presigned target is storage, not the API: no key, a matching Content-Type.
    const put = url.pathname.match(/^\/_storage\/put\/([\w-]+)$/);
    if (put) {
      const file = uploads.get(put[1]);
      if (req.method !== "PUT" || !file) return new Response("<Error><Code>NoSuchUpload</Code></Error>", { status: 404 });
      if (req.headers.get("content-type") !== file.contentType) {
        return new Response("<Error><Code>SignatureDoesNotMatch</Code></Error>", { status: 403 });
      }
      file.bytes = bytes;
      return new Response(null, { status: 200 });
    }
    const get = url.pathname.match(/^\/_storage\/files\/([\w-]+)\//);
    if (get) {
      const file = uploads.get(get[1]);
      if (!file?.bytes) return new Response("Not found", { status: 404 });
      return new Response(file.bytes.slice(), { headers: { "content-type": file.contentType } });
    }

    if (req.headers.get("x-api-key") !== FAKE_KEYS.pdfco) {
      return jsonResponse(401, { error: true, status: 401, message: "Access denied: invalid or missing API key (x-api-key)." });
    }
    if (req.method === "GET" && url.pathname === "/v1/file/upload/get-presigned-url") {
      const name = url.searchParams.get("name");
      const contentType = url.searchParams.get("contenttype");
      if (!name || !contentType) {
        return jsonResponse(400, { error: true, status: 400, message: "Parameters 'name' and 'contenttype' are required." });
      }
      const id = crypto.randomUUID();
      const file: StoredFile = { id, name, contentType, url: `${base}/_storage/files/${id}/${encodeURIComponent(name)}` };
      uploads.set(id, file);
      return jsonResponse(200, {
        presignedUrl: `${base}/_storage/put/${id}`,
        url: file.url,
        error: false,
        status: 200,
        name,
        remainingCredits: credits,
      });
    }
    const convert = url.pathname.match(/^\/v1\/pdf\/convert\/to\/(text|text-simple)$/);
    if (req.method === "POST" && convert) {
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(body);
      } catch {
        return jsonResponse(400, { error: true, status: 400, message: "Invalid JSON body." });
      }
      conversions.push(params);
      if (typeof params.url !== "string" || !params.url) {
        return jsonResponse(400, { error: true, status: 400, message: "Parameter 'url' is required." });
      }
      if (params.async === true) {
        return jsonResponse(400, { error: true, status: 400, message: "The fake does not run async jobs; send async:false." });
      }
      const id = params.url.match(/\/_storage\/files\/([\w-]+)\//)?.[1];
      const file = id ? uploads.get(id) : undefined;
      if (!file?.bytes) {
        return jsonResponse(400, { error: true, status: 400, message: `Error: file not found or not accessible (${params.url}).` });
      }
      const answer = answers.shift() ?? computed?.(file, params) ?? text;
      if (typeof answer !== "string") return failureResponse(answer);
      const pageCount = Math.max(1, (answer.match(/\f/g)?.length ?? 0) + 1);
      credits -= pageCount;
      const out: Record<string, unknown> = {
        pageCount,
        error: false,
        status: 200,
        name: file.name.replace(/\.pdf$/i, "") + ".txt",
        credits: pageCount,
        remainingCredits: credits,
        duration: 42,
      };
      if (params.inline === true) out.body = answer;
      else {
        out.url = `${base}/_storage/text/${file.id}.txt`;
        out.outputLinkValidTill = new Date(Date.now() + 3600_000).toISOString();
      }
      return jsonResponse(200, out);
    }
    return jsonResponse(404, { error: true, status: 404, message: `Not found: ${req.method} ${url.pathname}` });
  };

  const fake = startFake(port, handler);
  base = fake.url;
  const baseReset = fake.reset;
  return Object.assign(fake, {
    setText: (t: string) => void (text = t),
    onConvert: (fn: typeof computed) => void (computed = fn),
    queue: (...more: ConvertAnswer[]) => void answers.push(...more),
    uploads,
    conversions: () => [...conversions],
    reset: () => {
      baseReset();
      text = "Fake PDF text\nfrom the PDF.co fake";
      computed = undefined;
      answers = [];
      uploads.clear();
      conversions.length = 0;
      credits = 10_000;
    },
  });
}
