// The JavaScript handler of the plain baseline (bench/plain/index.ts): answers as a function
// does to the requests bench/cold.ts sends (a CORS preflight, a POST with a bad body).
import { CORS_HEADERS } from "../../supabase/functions/_shared/adapter.ts";

export function handle(req: Request): Promise<Response> {
  if (req.method === "OPTIONS") return Promise.resolve(new Response(null, { status: 204, headers: CORS_HEADERS }));
  const body = { error: { code: "invalid_body", message: "The request body is not valid", details: null } };
  return Promise.resolve(Response.json(body, { status: 400, headers: CORS_HEADERS }));
}
