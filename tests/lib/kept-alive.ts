//! One HTTP/1.1 connection to the gateway, kept open across requests as a pooling client
//! (Deno's fetch, so supabase-js) keeps it, for the tests of answers given before a request
//! body has been read (a body over a function's limit, a refused token): through nginx,
//! such an answer comes with `Connection: keep-alive`, and the connection must then still
//! serve the next request (supabase/functions/_shared/body.ts says what went wrong when it did not).

import { assert } from "./assert.ts";
import { config } from "./config.ts";

/**
 * 40 MiB: far more than the sockets between client, gateway, host and function hold, so
 * an early answer comes while the client is still sending; under the gateway's 100 MiB.
 */
export const LARGE_BODY = new Uint8Array(40 * 1024 * 1024).fill(97);

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export class KeptAlive {
  #buffered = new Uint8Array(0);
  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(): Promise<KeptAlive> {
    const port = Number(new URL(config.apiUrl).port);
    return new KeptAlive(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /**
   * POST `body` to `path` and read the answer, which must carry a Content-Length (every
   * one the tests ask for does). The body is written whole, with Content-Length or
   * chunked, while the answer is read, as an HTTP client does; a connection the gateway
   * closed instead of answering on it is an error (named with `what`).
   */
  async request(
    path: string,
    headers: Record<string, string>,
    body: Uint8Array,
    chunked = false,
    what = `POST ${path}`,
  ): Promise<Answer> {
    const framing = chunked ? { "Transfer-Encoding": "chunked" } : { "Content-Length": String(body.length) };
    const head = [
      `POST ${path} HTTP/1.1`,
      "Host: 127.0.0.1",
      ...Object.entries({ ...headers, ...framing }).map(([k, v]) => `${k}: ${v}`),
    ];
    const writing = this.#write(new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n"), body, chunked);
    writing.catch(() => {}); // awaited below, after the answer
    try {
      const answer = await this.#answer();
      await writing;
      return answer;
    } catch (e) {
      throw new Error(`${what}: ${e instanceof Error ? e.message : e}`);
    }
  }

  close(): void {
    this.conn.close();
  }

  async #write(head: Uint8Array, body: Uint8Array, chunked: boolean): Promise<void> {
    const enc = new TextEncoder();
    const all = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
    };
    await all(head);
    const step = 64 * 1024;
    for (let at = 0; at < body.length; at += step) {
      const piece = body.subarray(at, at + step);
      if (chunked) await all(enc.encode(`${piece.length.toString(16)}\r\n`));
      await all(piece);
      if (chunked) await all(enc.encode("\r\n"));
    }
    if (chunked) await all(enc.encode("0\r\n\r\n"));
  }

  /** Read until `n` bytes are buffered; false at the end of the connection. */
  async #fill(n: number): Promise<boolean> {
    const buf = new Uint8Array(64 * 1024);
    while (this.#buffered.length < n) {
      const got = await this.conn.read(buf);
      if (got === null) return false;
      const more = new Uint8Array(this.#buffered.length + got);
      more.set(this.#buffered);
      more.set(buf.subarray(0, got), this.#buffered.length);
      this.#buffered = more;
    }
    return true;
  }

  #take(n: number): string {
    const text = new TextDecoder().decode(this.#buffered.subarray(0, n));
    this.#buffered = this.#buffered.subarray(n);
    return text;
  }

  async #answer(): Promise<Answer> {
    let end: number;
    while ((end = new TextDecoder().decode(this.#buffered).indexOf("\r\n\r\n")) < 0) {
      if (!(await this.#fill(this.#buffered.length + 1))) {
        throw new Error("the gateway closed the connection instead of answering on it");
      }
    }
    const [status, ...lines] = this.#take(end + 4).trim().split("\r\n");
    const headers = new Headers(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
    const length = Number(headers.get("content-length") ?? NaN);
    assert(Number.isInteger(length), `a Content-Length on ${status}`);
    assert(await this.#fill(length), `the connection ended inside the body of ${status}`);
    return { status: Number(status.split(" ")[1]), headers, text: this.#take(length) };
  }
}
