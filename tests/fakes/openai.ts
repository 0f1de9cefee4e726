//! Contract fake of OpenAI on FAKE_PORTS.openai; the functions reach it as
//! OPENAI_BASE_URL=http://127.0.0.1:<port>/v1 (tests/fakes/fakes.env). After OpenAI's API
//! reference and guides (https://developers.openai.com: Chat Completions with Structured
//! Outputs, Realtime client secrets, error codes).
//!
//! Checks, as OpenAI does:
//! - `Authorization: Bearer <FAKE_KEYS.openai>` exactly, else 401 `invalid_api_key`.
//! - `POST /v1/chat/completions`: `model`, `messages[]` (role system/developer/user/
//!   assistant, string content), `response_format = {type:"json_schema", json_schema:{name
//!   (a-zA-Z0-9_-, ≤64), schema, strict:true}}`, and the strict-schema rules (root object,
//!   every property required, `additionalProperties:false` on every object, only
//!   supported keywords/formats, `$ref` into `$defs`, depth/size limits): otherwise 400
//!   `invalid_request_error`.
//! - `POST /v1/realtime/client_secrets`: the GA body (`session.type`, `model`,
//!   `expires_after {anchor:"created_at", seconds 10..7200}`, `audio.input/output`);
//!   `POST /v1/realtime/sessions` (the beta shape) → 400 `beta_api_shape_disabled`.
//!
//! Scripting the answers of chat completions (first match wins):
//!   fake.queue(script, ...)        the next completions, in order
//!   fake.onChat((call) => script)  computed from the call's messages / schema name / schema
//!   default                        a valid instance of the request's schema (canned output)
//! where a script is one of `chat.json(value)`, `chat.content(text, finishReason?)`,
//! `chat.refusal(text)`, `chat.truncated(value)` (`finish_reason:"length"`, JSON cut in
//! half), `chat.rateLimited(retryAfterSeconds)`, `chat.quota()`, `chat.serverError(500|503)`.
//! `fake.failNext(n, status, body?, headers?)` fails any next n calls; `fake.requests`,
//! `fake.chatCalls()` and `fake.clientSecrets` show what was asked; `fake.reset()` clears.

import { FAKE_PORTS, type Fake, jsonResponse, startFake } from "../lib/fakes.ts";
import { FAKE_KEYS } from "./keys.ts";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface ChatCall {
  model: string;
  messages: { role: string; content: string }[];
  schemaName: string;
  schema: Record<string, unknown>;
  body: Record<string, unknown>;
}

export type ChatScript =
  | { kind: "content"; content: string | null; finishReason: string; refusal?: string }
  | { kind: "error"; status: number; type: string; code: string | null; message: string; headers?: Record<string, string> };

/** Script builders for `queue` / `onChat`. */
export const chat = {
  json: (value: unknown): ChatScript => ({ kind: "content", content: JSON.stringify(value), finishReason: "stop" }),
  content: (text: string, finishReason = "stop"): ChatScript => ({ kind: "content", content: text, finishReason }),
  refusal: (text = "I'm sorry, but I can't help with that request."): ChatScript => ({
    kind: "content",
    content: null,
    finishReason: "stop",
    refusal: text,
  }),
  truncated: (value: unknown): ChatScript => {
    const text = JSON.stringify(value);
    return { kind: "content", content: text.slice(0, Math.max(1, Math.floor(text.length / 2))), finishReason: "length" };
  },
  rateLimited: (retryAfterSeconds = 1): ChatScript => ({
    kind: "error",
    status: 429,
    type: "requests",
    code: "rate_limit_exceeded",
    message: "Rate limit reached for requests. Please try again in 1s.",
    headers: { "retry-after": String(retryAfterSeconds), "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": `${retryAfterSeconds}s` },
  }),
  quota: (): ChatScript => ({
    kind: "error",
    status: 429,
    type: "insufficient_quota",
    code: "insufficient_quota",
    message: "You exceeded your current quota, please check your plan and billing details.",
  }),
  serverError: (status = 500): ChatScript => ({
    kind: "error",
    status,
    type: "server_error",
    code: null,
    message: status === 503 ? "The engine is currently overloaded, please try again later." : "The server had an error while processing your request.",
  }),
};

export function openAiError(status: number, type: string, code: string | null, message: string, param: string | null = null, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error: { message, type, param, code } }, headers);
}

export interface IssuedClientSecret {
  value: string;
  expires_at: number;
  session: Record<string, unknown>;
}

export interface OpenAiFake extends Fake {
  /** Answer the next completions with these scripts, in order. */
  queue(...scripts: ChatScript[]): void;
  /** Compute answers from the call (after the queue is empty); `undefined` = default. */
  onChat(fn: ((call: ChatCall) => ChatScript | undefined) | undefined): void;
  /** The completions asked for so far (valid ones: those that passed the contract checks). */
  chatCalls(): ChatCall[];
  clientSecrets: IssuedClientSecret[];
}

const ROLES = new Set(["system", "developer", "user", "assistant"]);

export function startOpenAiFake(port: number = FAKE_PORTS.openai): OpenAiFake {
  let scripts: ChatScript[] = [];
  let computed: ((call: ChatCall) => ChatScript | undefined) | undefined;
  const calls: ChatCall[] = [];
  const clientSecrets: IssuedClientSecret[] = [];
  let seq = 0;

  const handler = (req: Request, body: string): Response => {
    const url = new URL(req.url);
    const auth = req.headers.get("authorization");
    if (!auth) {
      return openAiError(401, "invalid_request_error", null, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    if (auth !== `Bearer ${FAKE_KEYS.openai}`) {
      const shown = auth.replace(/^Bearer\s+/, "");
      return openAiError(401, "invalid_request_error", "invalid_api_key", `Incorrect API key provided: ${shown.slice(0, 3)}***${shown.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`);
    }
    if (req.method === "POST" && url.pathname === "/v1/realtime/sessions") {
      return openAiError(400, "invalid_request_error", "beta_api_shape_disabled", "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.");
    }
    if (req.method !== "POST" || !["/v1/chat/completions", "/v1/realtime/client_secrets"].includes(url.pathname)) {
      return openAiError(404, "invalid_request_error", null, `Invalid URL (${req.method} ${url.pathname})`);
    }
    if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) {
      return openAiError(400, "invalid_request_error", null, "Unsupported content type; expected application/json.");
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body);
      if (!isObject(parsed)) throw new Error("not an object");
    } catch {
      return openAiError(400, "invalid_request_error", null, "We could not parse the JSON body of your request.");
    }
    return url.pathname === "/v1/chat/completions" ? completion(parsed) : clientSecret(parsed);
  };

  const completion = (body: Record<string, unknown>): Response => {
    if (typeof body.model !== "string" || !body.model) {
      return openAiError(400, "invalid_request_error", null, "you must provide a model parameter", "model");
    }
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return openAiError(400, "invalid_request_error", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
    }
    for (const [i, m] of messages.entries()) {
      if (!isObject(m) || !ROLES.has(m.role as string) || typeof m.content !== "string") {
        return openAiError(400, "invalid_request_error", null, `Invalid value for 'messages[${i}]': expected {role, content: string}.`, `messages[${i}]`);
      }
    }
    const rf = body.response_format;
    if (!isObject(rf) || rf.type !== "json_schema") {
      return openAiError(400, "invalid_request_error", null, "This fake only serves Structured Outputs: response_format.type must be 'json_schema'.", "response_format");
    }
    const js = rf.json_schema;
    if (!isObject(js) || typeof js.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
      return openAiError(400, "invalid_request_error", "invalid_value", "Invalid 'response_format.json_schema.name': must be a-z, A-Z, 0-9, underscores or dashes, at most 64.", "response_format.json_schema.name");
    }
    if (js.strict !== true) {
      return openAiError(400, "invalid_request_error", null, "response_format.json_schema.strict must be true (this project always uses strict Structured Outputs).", "response_format.json_schema.strict");
    }
    const problem = strictSchemaProblem(js.schema);
    if (problem) {
      return openAiError(400, "invalid_request_error", null, `Invalid schema for response_format '${js.name}': ${problem}`, "response_format");
    }
    const call: ChatCall = {
      model: body.model,
      messages: messages as ChatCall["messages"],
      schemaName: js.name,
      schema: js.schema as Record<string, unknown>,
      body,
    };
    calls.push(call);
    const script = scripts.shift() ?? computed?.(call) ??
      chat.json(exampleOf(call.schema, call.schema));
    if (script.kind === "error") {
      return openAiError(script.status, script.type, script.code, script.message, null, script.headers);
    }
    const id = `chatcmpl-fake${++seq}`;
    const prompt = messages.reduce((n: number, m) => n + Math.ceil(String((m as { content: string }).content).length / 4), 0);
    const completionTokens = Math.ceil((script.content ?? script.refusal ?? "").length / 4);
    return jsonResponse(200, {
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: `${body.model}-2025-04-14`,
      system_fingerprint: "fp_fake",
      service_tier: "default",
      choices: [{
        index: 0,
        message: { role: "assistant", content: script.content, refusal: script.refusal ?? null, annotations: [] },
        logprobs: null,
        finish_reason: script.finishReason,
      }],
      usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
    }, {
      "x-request-id": `req_fake${seq}`,
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "499",
      "x-ratelimit-reset-requests": "120ms",
    });
  };

  const clientSecret = (body: Record<string, unknown>): Response => {
    const bad = (message: string, param: string) =>
      openAiError(400, "invalid_request_error", "invalid_value", message, param);
    for (const legacy of ["modalities", "voice", "input_audio_transcription", "client_secret", "turn_detection"]) {
      if (legacy in body) return openAiError(400, "invalid_request_error", "unknown_parameter", `Unknown parameter: '${legacy}'.`, legacy);
    }
    let seconds = 600;
    if (body.expires_after !== undefined) {
      const ea = body.expires_after;
      if (!isObject(ea) || ea.anchor !== "created_at") return bad("expires_after.anchor must be 'created_at'.", "expires_after.anchor");
      if (!Number.isInteger(ea.seconds) || (ea.seconds as number) < 10 || (ea.seconds as number) > 7200) {
        return bad("expires_after.seconds must be an integer between 10 and 7200.", "expires_after.seconds");
      }
      seconds = ea.seconds as number;
    }
    const session = body.session;
    if (!isObject(session)) return openAiError(400, "invalid_request_error", "missing_required_parameter", "Missing required parameter: 'session'.", "session");
    if (session.type !== "realtime" && session.type !== "transcription") return bad("session.type must be 'realtime' or 'transcription'.", "session.type");
    if (session.type === "realtime" && (typeof session.model !== "string" || !session.model)) return bad("session.model is required.", "session.model");
    if (session.instructions !== undefined && typeof session.instructions !== "string") return bad("session.instructions must be a string.", "session.instructions");
    const audio = session.audio;
    if (audio !== undefined) {
      if (!isObject(audio)) return bad("session.audio must be an object.", "session.audio");
      const input = audio.input;
      if (input !== undefined) {
        if (!isObject(input)) return bad("session.audio.input must be an object.", "session.audio.input");
        const tr = input.transcription;
        if (tr !== undefined && tr !== null && (!isObject(tr) || typeof tr.model !== "string")) {
          return bad("session.audio.input.transcription.model must be a string.", "session.audio.input.transcription");
        }
        const td = input.turn_detection;
        if (td !== undefined && td !== null && (!isObject(td) || !["server_vad", "semantic_vad"].includes(td.type as string))) {
          return bad("session.audio.input.turn_detection.type must be 'server_vad' or 'semantic_vad'.", "session.audio.input.turn_detection");
        }
      }
      const output = audio.output;
      if (output !== undefined && (!isObject(output) || (output.voice !== undefined && typeof output.voice !== "string"))) {
        return bad("session.audio.output.voice must be a string.", "session.audio.output.voice");
      }
    }
    const issued: IssuedClientSecret = {
      value: `ek_fake${crypto.randomUUID().replaceAll("-", "")}`,
      expires_at: Math.floor(Date.now() / 1000) + seconds,
      session: { ...session, id: `sess_fake${++seq}`, object: "realtime.session" },
    };
    clientSecrets.push(issued);
    return jsonResponse(200, issued);
  };

  const fake = startFake(port, handler);
  const baseReset = fake.reset;
  return Object.assign(fake, {
    queue: (...more: ChatScript[]) => void scripts.push(...more),
    onChat: (fn: typeof computed) => void (computed = fn),
    chatCalls: () => [...calls],
    clientSecrets,
    reset: () => {
      baseReset();
      scripts = [];
      computed = undefined;
      calls.length = 0;
      clientSecrets.length = 0;
    },
  });
}

// ---------------------------------------------------------------------------------------
// Strict schemas

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
const UNSUPPORTED = [
  "allOf", "oneOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas",
  "patternProperties", "unevaluatedProperties", "unevaluatedItems", "propertyNames", "prefixItems",
  "contains", "minContains", "maxContains", "uniqueItems", "minProperties", "maxProperties",
];
const MAX_DEPTH = 10;
const MAX_PROPERTIES = 5000;
const MAX_ENUM = 1000;

/**
 * Why `schema` is not a strict-mode schema, or null when it is. Exported so tests can
 * check a schema without a request.
 */
export function strictSchemaProblem(schema: unknown): string | null {
  if (!isObject(schema)) return "the schema must be a JSON object.";
  if (schema.anyOf !== undefined) return "the root schema must be an object, not 'anyOf'.";
  if (schema.type !== "object") return "the root schema must have type 'object'.";
  const counter = { properties: 0 };
  return check(schema, schema, "root", 0, counter) ??
    (counter.properties > MAX_PROPERTIES ? `more than ${MAX_PROPERTIES} properties in total.` : null);
}

function check(node: unknown, root: Record<string, unknown>, path: string, depth: number, counter: { properties: number }): string | null {
  if (!isObject(node)) return `In context=${path}, schema must be an object (true/false schemas are not supported).`;
  if (depth > MAX_DEPTH) return `In context=${path}, nesting exceeds ${MAX_DEPTH} levels.`;
  for (const k of UNSUPPORTED) {
    if (k in node) return `In context=${path}, '${k}' is not permitted.`;
  }
  if (node.$ref !== undefined) {
    const ref = node.$ref;
    if (typeof ref !== "string" || !(ref === "#" || ref.startsWith("#/$defs/"))) {
      return `In context=${path}, reference to '${String(ref)}' must be '#' or point into '#/$defs'.`;
    }
    if (ref !== "#" && !isObject((root.$defs as Record<string, unknown> | undefined)?.[ref.slice(8)])) {
      return `In context=${path}, reference '${ref}' can't be resolved.`;
    }
    return null;
  }
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  for (const t of types) if (!TYPES.has(t as string)) return `In context=${path}, type '${String(t)}' is not supported.`;
  if (node.type === undefined && node.anyOf === undefined && node.enum === undefined && node.const === undefined) {
    return `In context=${path}, schema must have a 'type' key.`;
  }
  if (node.format !== undefined && !FORMATS.has(node.format as string)) {
    return `In context=${path}, format '${String(node.format)}' is not supported.`;
  }
  if (node.enum !== undefined) {
    if (!Array.isArray(node.enum) || node.enum.length === 0) return `In context=${path}, 'enum' must be a non-empty array.`;
    if (node.enum.length > MAX_ENUM) return `In context=${path}, 'enum' has more than ${MAX_ENUM} values.`;
  }
  if (types.includes("object") || node.properties !== undefined) {
    if (!isObject(node.properties)) return `In context=${path}, an object schema must have 'properties'.`;
    if (node.additionalProperties !== false) {
      return `In context=${path}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = Object.keys(node.properties);
    const required = Array.isArray(node.required) ? node.required : null;
    const missing = keys.filter((k) => !required?.includes(k));
    if (!required || missing.length) {
      return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0] ?? "required"}'.`;
    }
    const extra = required.filter((k) => !keys.includes(k as string));
    if (extra.length) return `In context=${path}, 'required' names '${extra[0]}', which is not in properties.`;
    counter.properties += keys.length;
    for (const k of keys) {
      const problem = check(node.properties[k], root, `('${path}', 'properties', '${k}')`, depth + 1, counter);
      if (problem) return problem;
    }
  }
  if (types.includes("array") || node.items !== undefined) {
    if (!isObject(node.items)) return `In context=${path}, an array schema must have 'items' as one schema.`;
    const problem = check(node.items, root, `('${path}', 'items')`, depth + 1, counter);
    if (problem) return problem;
  }
  if (node.anyOf !== undefined) {
    if (!Array.isArray(node.anyOf) || node.anyOf.length === 0) return `In context=${path}, 'anyOf' must be a non-empty array.`;
    for (const [i, v] of node.anyOf.entries()) {
      const problem = check(v, root, `('${path}', 'anyOf', ${i})`, depth, counter);
      if (problem) return problem;
    }
  }
  if (node.$defs !== undefined) {
    if (!isObject(node.$defs)) return `In context=${path}, '$defs' must be an object.`;
    for (const [name, def] of Object.entries(node.$defs)) {
      const problem = check(def, root, `('$defs', '${name}')`, 1, counter);
      if (problem) return problem;
    }
  }
  return null;
}

/** A minimal valid instance of a strict schema: the fake's canned answer. */
export function exampleOf(node: unknown, root: Record<string, unknown>, depth = 0): Json {
  if (!isObject(node) || depth > 12) return null;
  if (typeof node.$ref === "string") {
    const target = node.$ref === "#" ? root : (root.$defs as Record<string, unknown> | undefined)?.[node.$ref.slice(8)];
    // Recursion ends at an empty list or a null, which strict schemas allow.
    return depth > 3 ? null : exampleOf(target, root, depth + 1);
  }
  if (Array.isArray(node.enum)) return node.enum[0] as Json;
  if (node.const !== undefined) return node.const as Json;
  if (Array.isArray(node.anyOf)) {
    const nonNull = node.anyOf.find((v) => !(isObject(v) && v.type === "null"));
    return exampleOf(nonNull ?? node.anyOf[0], root, depth + 1);
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const t = types.find((x) => x !== "null") ?? "null";
  switch (t) {
    case "object": {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
        out[k] = exampleOf(v, root, depth + 1);
      }
      return out;
    }
    case "array":
      return [];
    case "string":
      return node.format === "uuid" ? "00000000-0000-4000-8000-000000000000" : node.format === "date-time" ? "2026-01-01T00:00:00Z" : node.format === "date" ? "2026-01-01" : "fake";
    case "integer":
    case "number":
      return typeof node.minimum === "number" ? node.minimum : 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}
