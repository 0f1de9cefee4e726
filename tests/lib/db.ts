//! SQL against the local database, for what has no API: creating auth users (there is no
//! local GoTrue), calling the access token hook as Supabase Auth does, and setting up
//! data as a given role.
//!
//! Through `psql` rather than an npm Postgres driver: psql comes with PostgreSQL on every
//! machine that runs the stack, needs no new pinned dependency, and parameters are passed
//! as psql variables (`:'name'` is quoted by psql itself), so no value is spliced into SQL.

import { config } from "./config.ts";

export type Params = Record<string, string | number | boolean | null | object>;

function literal(v: Params[string]): string {
  if (v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Run a psql script; `:'name'` in it reads `params.name` as a quoted literal. */
export async function psql(script: string, params: Params = {}): Promise<string> {
  const args = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", config.dbUrl];
  for (const [k, v] of Object.entries(params)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`bad parameter name ${k}`);
    args.push("-v", `${k}=${literal(v)}`);
  }
  const child = new Deno.Command("psql", {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`psql failed: ${stderr}\n--- script:\n${script}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * Rows of one statement as JSON objects. The statement may be a SELECT or a
 * data-modifying statement with RETURNING (it runs as a CTE).
 */
export async function sql<T = Record<string, unknown>>(
  statement: string,
  params: Params = {},
): Promise<T[]> {
  // jsonb_agg, not json_agg: one line of output whatever the row count.
  const out = await psql(
    `with q as (${statement}) select coalesce(jsonb_agg(q), '[]'::jsonb) from q;\n`,
    params,
  );
  return JSON.parse(out) as T[];
}

/** The first row of `sql(...)`, or an error naming the statement. */
export async function sqlOne<T = Record<string, unknown>>(
  statement: string,
  params: Params = {},
): Promise<T> {
  const rows = await sql<T>(statement, params);
  if (rows.length === 0) throw new Error(`no row from: ${statement}`);
  return rows[0];
}

/**
 * Run `statement` as an API user would through PostgREST: `set local role` and the
 * `request.jwt.claims` setting, in one transaction. For setting up data as a tenant owner
 * when the SQL function checks the caller.
 */
export async function sqlAs<T = Record<string, unknown>>(
  claims: Record<string, unknown>,
  statement: string,
  params: Params = {},
): Promise<T[]> {
  const role = typeof claims.role === "string" ? claims.role : "authenticated";
  const out = await psql(
    `begin;
select set_config('request.jwt.claims', :'jwt_claims', true) is null as _ \\gset
set local role :"jwt_role";
with q as (${statement}) select coalesce(jsonb_agg(q), '[]'::jsonb) from q;
commit;\n`,
    { ...params, jwt_claims: claims, jwt_role: role },
  );
  return JSON.parse(out) as T[];
}
