//! Helpers of the resume user stories (tests/recruiter-*-resume*.test.ts,
//! tests/tenants-keep-their-resume-files.test.ts): tenants with members of each role, the
//! fixture corpus with its ground truth, and a PDF of any size.

import { createClient, FunctionsFetchError, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.1";
import { assertEquals } from "./assert.ts";
import { invoke, type Invoked } from "./functions.ts";
import { createUser, signUp, tokenFor, uniqueEmail } from "./auth.ts";
import { clientFor } from "./clients.ts";
import { config } from "./config.ts";
import { psql } from "./db.ts";

export interface Member {
  id: string;
  token: string;
  client: SupabaseClient;
}

export interface Tenant {
  id: string;
  owner: Member;
}

/** A new tenant (create_tenant as a freshly signed-up user), its owner's token refreshed. */
export async function newTenant(prefix: string): Promise<Tenant> {
  const user = await signUp(`${prefix}-owner`);
  const { data: id, error } = await clientFor(user.token).rpc("create_tenant", {
    p_name: `${prefix} ${crypto.randomUUID().slice(0, 6)}`,
  });
  assertEquals(error, null, "create_tenant");
  const token = await tokenFor(user.id);
  return { id, owner: { id: user.id, token, client: clientFor(token) } };
}

/** Another member of `tenant` with `role` (admin or user), added as the platform would. */
export async function addMember(tenant: Tenant, role: "admin" | "user"): Promise<Member> {
  const email = uniqueEmail(`${role}`);
  const user = await createUser(email);
  await psql(
    `insert into public.users (id, tenant_id, role, email) values (:'id', :'tenant', :'role', :'email');`,
    { id: user.id, tenant: tenant.id, role, email },
  );
  const token = await tokenFor(user.id);
  return { id: user.id, token, client: clientFor(token) };
}

// ---------------------------------------------------------------------------------------
// The fixture corpus

export const CORPUS = new URL("../fixtures/resumes/", import.meta.url).pathname;

export interface ManifestEntry {
  file: string;
  producer: string;
  layout: string;
  lang: string;
  expect_error: string | null;
}

export interface Truth {
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  location: string | null;
  links: string[];
  skills: string[];
  experience: { title: string | null; company: string | null; start: string | null; end: string | null }[];
  education: { institution: string | null; degree: string | null; field: string | null; year: number | null }[];
}

export async function manifest(): Promise<ManifestEntry[]> {
  return JSON.parse(await Deno.readTextFile(`${CORPUS}manifest.json`));
}

export async function truthOf(file: string): Promise<Truth> {
  return JSON.parse(await Deno.readTextFile(`${CORPUS}${file.replace(/\.pdf$/, ".json")}`));
}

export async function corpusFile(file: string): Promise<Uint8Array<ArrayBuffer>> {
  return await Deno.readFile(`${CORPUS}${file}`);
}

/** `bytes` made unique (a comment after %%EOF), so each test run uploads a new file. */
export function unique(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const tail = new TextEncoder().encode(`\n%run ${crypto.randomUUID()}\n`);
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes);
  out.set(tail, bytes.byteLength);
  return out;
}

/** A PDF-looking file of exactly `size` bytes (a header, then padding). */
export function pdfOfSize(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size).fill(0x20);
  out.set(new TextEncoder().encode(`%PDF-1.7\n%${crypto.randomUUID()}\n`));
  return out;
}

/** Digits only, for comparing phone numbers written differently. */
export const digits = (s: string | null | undefined) => (s ?? "").replace(/\D/g, "");

/**
 * `invoke` for a body over the function's limit, as the holder of `token`. The function
 * answers 413 as soon as the declared Content-Length is over (shared::js reads no
 * further) while the client is still sending; through the nginx gateway (streaming
 * request bodies) that early answer sometimes loses the race to a connection reset
 * (about once in 30), which supabase-js reports as FunctionsFetchError, and the
 * connection is not fit for reuse afterwards. So this goes through a client of its own
 * that keeps no idle connection (later requests of the test are unaffected), and a reset
 * is retried (at most 5 attempts); any HTTP answer is returned as it is, so a 5xx still
 * fails the test.
 */
export async function invokeOversized(token: string, name: string, options: () => Parameters<typeof invoke>[2]): Promise<Invoked> {
  const http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const client = createClient(config.apiUrl, config.anonKey, {
    accessToken: () => Promise.resolve(token),
    global: { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, client: http }) },
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await invoke(client, name, options());
      } catch (e) {
        if (!(e instanceof FunctionsFetchError) || attempt >= 5) throw e;
      }
    }
  } finally {
    http.close();
  }
}
