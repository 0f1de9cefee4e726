//! Vendor fakes: small HTTP servers in the test process that stand in for the paid APIs
//! (OpenAI, PDF.co, People Data Labs, ...). The functions reach them through base URLs in
//! the env file the stack is started with (tests/fakes/fakes.env, given to the functions
//! host as FUNCTIONS_ENV_FILE), so each fake listens on the fixed port that file names.
//! A fake records every request and answers with its handler, which a test can swap to
//! inject 429s, 5xx, timeouts or malformed bodies.

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: string;
}

export type FakeHandler = (req: Request, body: string) => Response | Promise<Response>;

export interface Fake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the answer from now on (e.g. to inject a 429). */
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start a fake on `port` (0 picks a free one, for fakes a test reaches directly). */
export function startFake(port: number, handler: FakeHandler): Fake {
  const requests: RecordedRequest[] = [];
  let current = handler;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    requests.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: Object.fromEntries(req.headers),
      body,
    });
    return await current(req, body);
  });
  const close = async () => {
    await server.shutdown();
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    requests,
    setHandler: (h) => (current = h),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The ports tests/fakes/fakes.env points the functions at. A vendor's fake must listen
 * on its port here for the functions to reach it.
 */
export const FAKE_PORTS = {
  openai: 54361,
  pdfco: 54362,
  pdl: 54363,
  videosdk: 54364,
  fly: 54365,
} as const;
