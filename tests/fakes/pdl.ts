//! Contract fake of People Data Labs person enrich on FAKE_PORTS.pdl (PDL_BASE_URL), after
//! PDL's documentation (https://docs.peopledatalabs.com/docs/: reference-person-enrichment-api,
//! input-parameters-person-enrichment-api, errors, usage-limits).
//!
//! Checks, as PDL does:
//! - `X-Api-Key: <FAKE_KEYS.pdl>`, else 401 `{status:401, error:{type:"authentication_error"}}`.
//! - `GET /v5/person/enrich`: the minimum match inputs (`profile` | `email` | `phone` |
//!   `email_hash` | `lid` | `pdl_id` | ((`first_name`+`last_name` | `name`) and one of
//!   `company`, `school`, `location`, `street_address`, `locality`, `region`, `country`,
//!   `postal_code`, `birth_date`)), `min_likelihood` 1..10: else 400 `invalid_request_error`.
//! - A known person (`fake.addPerson`) whose likelihood ≥ `min_likelihood` → 200 `{status,
//!   likelihood, data, matched?}` (`matched` with `include_if_matched=true`); otherwise
//!   404 `{status:404, error:{type:"not_found", …}}` (not billed: `x-call-credits-spent: 0`).
//! - Every answer carries the rate-limit headers (`x-ratelimit-limit`,
//!   `x-ratelimit-remaining`, `x-ratelimit-reset`, `x-call-credits-spent`, …).
//!
//! Errors: `fake.failNext(n, ...pdlErrors.paymentRequired())` (402),
//! `...pdlErrors.rateLimited(retryAfterSeconds)` (429 with `retry-after` and the headers),
//! `...pdlErrors.server()` (503 `api_error`).

import { FAKE_PORTS, type Fake, jsonResponse, startFake } from "../lib/fakes.ts";
import { FAKE_KEYS } from "./keys.ts";

export interface KnownPerson {
  /** Inputs that find this person: any one matching is a match (case-insensitive). */
  email?: string;
  profile?: string;
  name?: string;
  company?: string;
  likelihood: number;
  /** PDL's `data` object; absent fields are filled with `null`. */
  data: Record<string, unknown>;
}

/** `failNext` arguments for PDL's error answers: `fake.failNext(1, ...pdlErrors.x())`. */
export const pdlErrors = {
  paymentRequired: (): [number, unknown, Record<string, string>] => [
    402,
    { status: 402, error: { type: "payment_required", message: "You have hit your account maximum for person enrichment" } },
    rateHeaders(0, 0),
  ],
  rateLimited: (retryAfterSeconds = 1): [number, unknown, Record<string, string>] => [
    429,
    { status: 429, error: { type: "rate_limit_error", message: "An error occurred due to requests hitting the API too quickly" } },
    { ...rateHeaders(0, 0, retryAfterSeconds), "retry-after": String(retryAfterSeconds) },
  ],
  server: (): [number, unknown, Record<string, string>] => [
    503,
    { status: 503, error: { type: "api_error", message: "The server is temporarily unavailable" } },
    {},
  ],
};

function rateHeaders(remaining: number, spent: number, resetIn = 60): Record<string, string> {
  return {
    "x-ratelimit-limit": JSON.stringify({ minute: 100 }),
    "x-ratelimit-remaining": JSON.stringify({ minute: remaining }),
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetIn),
    "x-call-credits-spent": String(spent),
    "x-call-credits-type": "enrichment",
    "x-totallimit-remaining": "1000",
  };
}

const PERSON_FIELDS = [
  "id", "full_name", "first_name", "middle_name", "last_name", "sex", "birth_year", "linkedin_url",
  "linkedin_username", "linkedin_id", "twitter_url", "twitter_username", "facebook_url",
  "facebook_username", "github_url", "github_username", "job_title", "job_company_name",
  "job_company_size", "job_company_industry", "job_start_date", "job_last_updated",
  "job_title_levels", "location_name", "location_locality", "location_region", "location_country",
  "location_continent", "location_postal_code", "location_street_address", "location_geo",
  "industry", "skills", "interests", "countries", "experience", "education", "profiles",
];

const NAME_ANCHORS = ["company", "school", "location", "street_address", "locality", "region", "country", "postal_code", "birth_date"];
const STRONG = ["profile", "email", "phone", "email_hash", "lid", "pdl_id"];

export interface PdlFake extends Fake {
  addPerson(person: KnownPerson): void;
  /** Enrich calls that passed auth and validation: their query parameters. */
  enrichCalls(): Record<string, string>[];
}

export function startPdlFake(port: number = FAKE_PORTS.pdl): PdlFake {
  let people: KnownPerson[] = [];
  const calls: Record<string, string>[] = [];
  let remaining = 100;

  const lower = (s?: string | null) => (s ?? "").trim().toLowerCase();

  const handler = (req: Request): Response => {
    const url = new URL(req.url);
    if (req.headers.get("x-api-key") !== FAKE_KEYS.pdl) {
      return jsonResponse(401, { status: 401, error: { type: "authentication_error", message: "Invalid or missing API key" } });
    }
    if (url.pathname !== "/v5/person/enrich") {
      return jsonResponse(404, { status: 404, error: { type: "not_found", message: `Unknown endpoint ${url.pathname}` } });
    }
    if (req.method !== "GET") {
      return jsonResponse(405, { status: 405, error: { type: "invalid_request_error", message: "Method not allowed" } });
    }
    const q = Object.fromEntries(url.searchParams);
    const hasName = (q.first_name && q.last_name) || q.name;
    const ok = STRONG.some((k) => q[k]) || (hasName && NAME_ANCHORS.some((k) => q[k]));
    if (!ok) {
      return jsonResponse(400, {
        status: 400,
        error: { type: "invalid_request_error", message: "Request must contain at least one of: profile, email, phone, email_hash, lid, pdl_id, or a name with company/school/location/..." },
      });
    }
    const min = q.min_likelihood === undefined ? 2 : Number(q.min_likelihood);
    if (!Number.isInteger(min) || min < 1 || min > 10) {
      return jsonResponse(400, { status: 400, error: { type: "invalid_request_error", message: "min_likelihood must be an integer between 1 and 10" } });
    }
    calls.push(q);
    remaining = Math.max(0, remaining - 1);
    const name = lower(q.name) || lower(`${q.first_name ?? ""} ${q.last_name ?? ""}`);
    const matched: string[] = [];
    const person = people.find((p) => {
      matched.length = 0;
      if (p.email && lower(q.email) === lower(p.email)) matched.push("email");
      if (p.profile && lower(q.profile).replace(/^https?:\/\/(www\.)?/, "") === lower(p.profile).replace(/^https?:\/\/(www\.)?/, "")) matched.push("profile");
      if (p.name && name === lower(p.name) && (!p.company || lower(q.company) === lower(p.company) || q.location)) matched.push("name");
      return matched.length > 0;
    });
    if (!person || person.likelihood < min) {
      return jsonResponse(404, { status: 404, error: { type: "not_found", message: "No records were found matching your request" } }, rateHeaders(remaining, 0));
    }
    const data = Object.fromEntries(PERSON_FIELDS.map((f) => [f, null]));
    Object.assign(data, person.data);
    const out: Record<string, unknown> = { status: 200, likelihood: person.likelihood, data };
    if (q.include_if_matched === "true") out.matched = [...matched];
    return jsonResponse(200, out, rateHeaders(remaining, 1));
  };

  const fake = startFake(port, handler);
  const baseReset = fake.reset;
  return Object.assign(fake, {
    addPerson: (p: KnownPerson) => void people.push(p),
    enrichCalls: () => [...calls],
    reset: () => {
      baseReset();
      people = [];
      calls.length = 0;
      remaining = 100;
    },
  });
}
