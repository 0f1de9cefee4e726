// ---------------------------------------------------------------------------------------
// The typed call (crates/contract/src/invoke.ts, appended as is)

/** A function's name. */
export type FunctionName = keyof Functions;
/** What `name` takes as its body. */
export type FunctionInput<F extends FunctionName> = Functions[F]["input"];
/** What `name` answers with a 2xx. */
export type FunctionOutput<F extends FunctionName> = Functions[F]["output"];
/** Every `error.code` `name` can answer. */
export type FunctionErrorCode<F extends FunctionName> = keyof Functions[F]["errors"] & string;

/** The error body of every function: `{"error": {"code", "message", "details"}}`. */
export interface FunctionError<F extends FunctionName> {
  code: FunctionErrorCode<F>;
  /** A sentence safe to show (4xx); a generic one for 5xx. */
  message: string;
  /** Structured detail, e.g. `{field}` for a 400; `null` when there is none. */
  details: JsonValue;
}

/** The answer of `invoke`: the output, or one of the function's declared errors. */
export type Invoked<F extends FunctionName> =
  | { ok: true; status: number; data: FunctionOutput<F>; response: Response }
  | { ok: false; status: number; error: FunctionError<F>; response: Response };

/** What `invoke` needs of a supabase-js client (any `SupabaseClient` has it). */
export interface FunctionsCaller {
  functions: {
    invoke(
      name: string,
      options?: {
        body?: unknown;
        headers?: { [key: string]: string };
        method?: "POST" | "GET" | "PUT" | "PATCH" | "DELETE";
        signal?: AbortSignal;
      },
    ): Promise<{ data: unknown; error: unknown; response?: Response }>;
  };
}

/** Thrown when an answer is neither a 2xx nor a function's error body (a gateway's page). */
export class UnexpectedAnswer extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`unexpected answer ${status}: ${body.slice(0, 200)}`);
    this.name = "UnexpectedAnswer";
  }
}

/**
 * `client.functions.invoke(name, { body })`, typed by `name`: `{ok: true, data}` with the
 * function's output, or `{ok: false, error}` with one of its declared error codes. A
 * network failure is thrown as supabase-js throws it; an answer that is not the
 * function's (no `{"error": {...}}` body) as `UnexpectedAnswer`.
 */
export async function invoke<F extends FunctionName>(
  client: FunctionsCaller,
  name: F,
  body: FunctionInput<F>,
  options: { headers?: { [key: string]: string }; signal?: AbortSignal } = {},
): Promise<Invoked<F>> {
  const { data, error, response } = await client.functions.invoke(name, { ...options, body });
  if (!error) {
    return { ok: true, status: response!.status, data: data as FunctionOutput<F>, response: response! };
  }
  // supabase-js's FunctionsHttpError carries the non-2xx Response as `context`.
  const answer = (error as { context?: unknown }).context;
  if (!(answer instanceof Response)) throw error;
  const text = await answer.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UnexpectedAnswer(answer.status, text);
  }
  const err = (parsed as { error?: { code?: unknown } } | null)?.error;
  if (!err || typeof err.code !== "string") throw new UnexpectedAnswer(answer.status, text);
  return { ok: false, status: answer.status, error: err as FunctionError<F>, response: answer };
}
