//! Vendor fakes: small HTTP servers in the test process that stand in for the paid APIs
//! (OpenAI, PDF.co, People Data Labs, VideoSDK, Fly). The functions reach them through the
//! base URLs in tests/fakes/fakes.env (given to the functions host by
//! `scripts/stack.sh start --test`), so each fake listens on the fixed port that file
//! names, moved by STACK_SLOT like every other port of the stack.
//!
//! A fake records every request, can be told to fail its next N calls
//! (`failNext(n, status, body?, headers?)`), and answers with its handler otherwise, which a
//! test can swap (`setHandler`). `reset()` clears all of that between tests. The contract
//! fakes of each vendor are in tests/fakes/<vendor>.ts, built on this.

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  /** The body as text (UTF-8, lossy for binary uploads: see `bytes`). */
  body: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export type FakeHandler = (
  req: Request,
  body: string,
  bytes: Uint8Array<ArrayBuffer>,
) => Response | Promise<Response>;

export interface Fake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the answer from now on (e.g. to inject a 429). */
  setHandler(handler: FakeHandler): void;
  /**
   * The next `n` requests, whatever they are, get `status` with `body` (JSON unless a
   * string) and `headers`, before any auth or contract check: a vendor outage.
   */
  failNext(n: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** How many queued failures are left. */
  pendingFailures(): number;
  /** Forget recorded requests and queued failures; restore the original handler. */
  reset(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start a fake on `port` (0 picks a free one, for fakes a test reaches directly). */
export function startFake(port: number, handler: FakeHandler): Fake {
  const requests: RecordedRequest[] = [];
  const failures: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];
  let current = handler;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const bytes = new Uint8Array(await req.arrayBuffer());
    const body = new TextDecoder().decode(bytes);
    requests.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: Object.fromEntries(req.headers),
      body,
      bytes,
    });
    const failure = failures.shift();
    if (failure) {
      const text = failure.body === undefined
        ? ""
        : typeof failure.body === "string"
        ? failure.body
        : JSON.stringify(failure.body);
      const type = typeof failure.body === "string" ? "text/plain" : "application/json";
      return new Response(text || null, {
        status: failure.status,
        headers: { "content-type": type, ...failure.headers },
      });
    }
    return await current(req, body, bytes);
  });
  const close = async () => {
    await server.shutdown();
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    requests,
    setHandler: (h) => (current = h),
    failNext: (n, status, body, headers) => {
      for (let i = 0; i < n; i++) failures.push({ status, body, headers });
    },
    pendingFailures: () => failures.length,
    reset: () => {
      requests.length = 0;
      failures.length = 0;
      current = handler;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** STACK_SLOT=N moves every port up by N*1000 (scripts/lib.sh); the fakes' too. */
export const STACK_SLOT_OFFSET = Number(Deno.env.get("STACK_SLOT") || "0") * 1000;

/**
 * The ports tests/fakes/fakes.env points the functions at: the slot-0 ports written in
 * that file, plus STACK_SLOT*1000 (scripts/stack.sh renders the file with the same
 * shift). A vendor's fake must listen on its port here for the functions to reach it.
 */
export const FAKE_PORTS = {
  openai: 54361 + STACK_SLOT_OFFSET,
  pdfco: 54362 + STACK_SLOT_OFFSET,
  pdl: 54363 + STACK_SLOT_OFFSET,
  videosdk: 54364 + STACK_SLOT_OFFSET,
  fly: 54365 + STACK_SLOT_OFFSET,
} as const;

/** JSON answer with the given status and extra headers. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
